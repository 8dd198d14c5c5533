"""`seed_demo --follows N`: a realistic follow graph, and activities for what was seeded."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F

from catalog.tests.factories import BookFactory
from social import selectors, services
from social.models import Activity, Follow, SocialSettings


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_follow_graph_and_activities():
    for n in range(1, 21):
        BookFactory(goodbooks_id=n, pages=300)
    call_command("seed_demo", users=60, topics=5, posts=40, votes=20, shelves=150, reviews=30, follows=400, verbosity=0)
    assert Follow.objects.count() == 400
    assert not Follow.objects.filter(follower=F("followee")).exists()
    # Popularity is skewed: the most followed reader has several times the median.
    counts = sorted(Follow.objects.values("followee").annotate(n=Count("id")).values_list("n", flat=True))
    assert counts[-1] >= 3 * counts[len(counts) // 2]
    # Counters match the graph (the reconcile finds nothing to fix).
    assert services.social_counts_reconcile() == 0
    assert SocialSettings.objects.filter(followers_count__gt=0).exists()
    # Every seeded shelf move, review, topic and reply has its activity, dated like the item.
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {"finished", "started", "reviewed", "topic", "post"} <= verbs
    reader = Follow.objects.filter(status="accepted").values_list("follower", flat=True).first()
    assert selectors.home_feed(reader=get_user_model().objects.get(pk=reader)).activities
