"""The home-feed bench scenario: its readers follow 200 others and it has a wrk row."""

import pytest
from django.contrib.auth import get_user_model

from bench import feed, ratios
from social.models import Follow, SocialSettings


@pytest.mark.django_db
def test_prepare_makes_each_reader_follow_200_and_the_plan_has_a_logged_in_row():
    User = get_user_model()
    User.objects.bulk_create(User(username=f"leitor{n:05d}") for n in range(1, 261))
    assert feed.prepare(["leitor00001", "leitor00002"]) == 400
    assert feed.prepare(["leitor00001"]) == 200  # asked again: written once (ignore_conflicts)
    assert Follow.objects.count() == 400
    assert SocialSettings.objects.get(user__username="leitor00001").following_count == 200
    fixtures = {"hot": {page: ["/"] for page in ratios.HOT_PAGES}, "tail": {page: ["/"] for page in ratios.TAIL_PAGES}}
    assert not any(name.startswith(feed.PAGE) for name, *_rest in ratios.plan(fixtures))
    rows = ratios.plan({**fixtures, "feed": [feed.PATH]})
    assert rows[-4] == (feed.PAGE + " (logged in)", "site", [feed.PATH], True)
    # Each ceiling on its own server, first and last; the project's view on the page workers last of the rest.
    assert [(name, server) for name, server, *_rest in rows[:2]] == [(ratios.BARE, "bare"), (ratios.PROJECT, "ceiling")]
    assert [(name, server) for name, server, *_rest in rows[-3:]] == [
        (ratios.SERVED, "site"),
        (ratios.PROJECT + ", again", "ceiling"),
        (ratios.BARE + ", again", "bare"),
    ]
