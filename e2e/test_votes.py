"""Voting from a topic page shared by signed-in readers, in Chromium: the buttons of every
post belong to the page's one vote form; htmx swaps the widget in place, and without
JavaScript the form posts and the reader lands back on the post."""

import pytest
from django.conf import settings
from django.test import Client

from core.tests.factories import UserFactory
from debates.models import DebateVote
from debates.tests.factories import DebatePostFactory, DebateTopicFactory
from e2e.browser import chromium_page, session_cookie


@pytest.fixture
def thread(transactional_db, settings):
    settings.PAGE_CACHE_SECONDS = 10
    topic = DebateTopicFactory(title="Capitu traiu?", slug="capitu-traiu")
    posts = [DebatePostFactory(topic=topic, content=f"Mensagem {n}") for n in range(2)]
    reader = UserFactory(username="leitora")
    first = Client()
    first.force_login(UserFactory(username="primeira"))
    assert first.get(topic.get_absolute_url())["X-Page-Cache"] == "miss"  # the page is stored
    return topic.get_absolute_url(), [post.pk for post in posts], reader, session_cookie("leitora")


def test_a_reader_votes_with_htmx_and_without_javascript_from_the_shared_page(live_server, thread):
    url, (first, second), reader, session = thread
    base = live_server.url
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}
    with chromium_page() as (page, console_errors):
        page.context.add_cookies([cookie])
        assert page.goto(base + url).headers.get("x-page-cache") == "hit"
        assert page.locator("form#votos").count() == 1
        page.evaluate("window.stayed = true")  # gone if the page reloads
        vote = page.locator(f"#vote-{first}")
        vote.get_by_role("button", name="Votar a favor").click()
        page.locator(f"#vote-{first} .vote-up[aria-pressed=true]").wait_for()
        assert page.locator(f"#vote-{first} .score").inner_text() == "1"
        assert page.evaluate("window.stayed") is True and page.url == base + url
    assert [error for error in console_errors if "favicon" not in error] == []

    with chromium_page(javascript=False) as (page, console_errors):
        page.context.add_cookies([cookie])
        page.goto(base + url)
        page.locator(f"#vote-{second}").get_by_role("button", name="Votar contra").click()
        page.wait_for_url(f"**{url}*#post-{second}")
        assert page.locator(f"#vote-{second} .vote-down").get_attribute("aria-pressed") == "true"
        assert page.locator(f"#vote-{second} .score").inner_text() == "-1"

    votes = dict(DebateVote.objects.filter(user=reader).values_list("post_id", "value"))
    assert votes == {first: 1, second: -1}
