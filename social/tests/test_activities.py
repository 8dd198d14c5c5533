"""Each kind of activity, recorded by the real services, seen by each kind of viewer."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import services as accounts_services
from accounts.models import BookShelf
from core.privacy import Visibility
from core.tests.factories import UserFactory
from debates import services as debates_services
from social import services
from social.models import Activity, FollowPolicy
from social.tests import helpers

pytestmark = pytest.mark.django_db
Verb = Activity.Verb
ShelfType = BookShelf.ShelfType

# kind → (maker, the shelf whose visibility it takes, or None)
SHELF_KINDS = {
    Verb.STARTED: (helpers.make_started, ShelfType.READING),
    Verb.FINISHED: (helpers.make_finished, ShelfType.READ),
    Verb.ABANDONED: (helpers.make_abandoned, ShelfType.ABANDONED),
    Verb.PROGRESS: (helpers.make_progress, ShelfType.READING),
}
EVERYWHERE_PUBLIC = {"profile", "feed", "community"}


@pytest.fixture
def cast(db):
    """The actor and one viewer of each kind."""
    actor, follower, stranger, blocked = (UserFactory() for _ in range(4))
    services.follow_create(follower=follower, followee=actor)
    services.block_create(blocker=actor, blocked=blocked)
    return {
        "actor": actor,
        "owner": actor,
        "follower": follower,
        "stranger": stranger,
        "blocked": blocked,
        "anonymous": AnonymousUser(),
    }


def where(cast, viewer: str, verb: str) -> set[str]:
    return {place for seen_verb, place in helpers.sees(cast[viewer], cast["actor"]) if seen_verb == verb}


PUBLIC_SIGHT = {
    "owner": {"profile", "feed", "community"},
    "follower": {"profile", "feed", "community"},
    "stranger": {"profile", "community"},
    "blocked": set(),
    "anonymous": {"profile", "community"},
}


def assert_sight(cast, verb, expected: dict[str, set[str]]):
    for viewer, places in expected.items():
        assert where(cast, viewer, verb) == places, f"{verb} seen by {viewer}"


@pytest.mark.parametrize("verb", list(SHELF_KINDS))
@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.UNLISTED, Visibility.PRIVATE])
def test_shelf_activities_take_the_shelf_visibility(cast, verb, visibility):
    maker, shelf = SHELF_KINDS[verb]
    accounts_services.shelf_visibility_set(user=cast["actor"], shelf_type=shelf, visibility=visibility)
    maker(cast["actor"])
    activity = helpers.activities_of(cast["actor"], verb).get()
    assert activity.visibility == visibility
    if visibility == Visibility.PUBLIC:
        assert_sight(cast, verb, PUBLIC_SIGHT)
    else:  # a private (or link-only) shelf's move never appears; its owner still sees it listed
        assert_sight(cast, verb, {"owner": {"profile"}, "follower": set(), "stranger": set(), "anonymous": set()})


@pytest.mark.parametrize("verb,maker", [(Verb.RATED, helpers.make_rated), (Verb.REVIEWED, helpers.make_reviewed)])
@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.UNLISTED, Visibility.PRIVATE])
def test_review_activities_take_the_review_visibility(cast, verb, maker, visibility):
    maker(cast["actor"], visibility=visibility)
    assert helpers.activities_of(cast["actor"], verb).get().visibility == visibility
    if visibility == Visibility.PUBLIC:
        assert_sight(cast, verb, PUBLIC_SIGHT)
    else:  # an unlisted review is never in a feed nor a list
        assert_sight(cast, verb, {"owner": {"profile"}, "follower": set(), "stranger": set(), "anonymous": set()})


@pytest.mark.parametrize("verb,maker", [(Verb.TOPIC, helpers.make_topic), (Verb.POST, helpers.make_post)])
def test_debate_activities_are_public(cast, verb, maker):
    maker(cast["actor"])
    assert_sight(cast, verb, PUBLIC_SIGHT)


def test_opening_post_of_a_topic_is_not_a_second_activity(cast):
    debates_services.topic_create(
        book=helpers.BookFactory(), creator=cast["actor"], title="Debate com abertura", first_post="Abro assim."
    )
    assert list(Activity.objects.filter(actor=cast["actor"]).values_list("verb", flat=True)) == [Verb.TOPIC]


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.PRIVATE])
def test_goal_reached_takes_the_goal_visibility(cast, visibility):
    helpers.make_goal(cast["actor"], visibility=visibility)
    goal = helpers.activities_of(cast["actor"], Verb.GOAL).get()
    assert goal.visibility == visibility
    expected = PUBLIC_SIGHT if visibility == Visibility.PUBLIC else {"owner": {"profile"}, "follower": set()}
    assert_sight(cast, Verb.GOAL, expected)


def test_approval_reader_is_seen_by_approved_followers_only(cast):
    services.follow_policy_set(user=cast["actor"], policy=FollowPolicy.APPROVAL)
    helpers.make_finished(cast["actor"])
    assert_sight(
        cast,
        Verb.FINISHED,
        {
            "follower": {"profile", "feed"},  # accepted before the switch
            "stranger": set(),
            "anonymous": set(),
            "blocked": set(),
        },
    )


def test_muted_reader_leaves_the_feed_but_not_the_profile(cast):
    services.mute_create(muter=cast["follower"], muted=cast["actor"])
    helpers.make_finished(cast["actor"])
    assert where(cast, "follower", Verb.FINISHED) == {"profile", "community"}


def test_progress_milestones_once_per_mark(cast):
    progress = accounts_services.progress_start(user=cast["actor"], book=helpers.BookFactory(pages=100))
    for page in (10, 30, 40, 55, 20, 60, 80):
        progress = accounts_services.progress_update(progress=progress, user=cast["actor"], current_page=page)
    marks = sorted(helpers.activities_of(cast["actor"], Verb.PROGRESS).values_list("percent", flat=True))
    assert marks == [25, 50, 75]


def test_review_gaining_text_becomes_reviewed(cast):
    review = helpers.make_rated(cast["actor"])
    accounts_services.review_update(review=review, user=cast["actor"], text="Mudei de ideia, vale a pena.")
    assert list(Activity.objects.filter(review=review).values_list("verb", flat=True)) == [Verb.REVIEWED]
