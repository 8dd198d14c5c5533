"""Ways to make each kind of activity through the real services, and to see what a viewer sees."""

from accounts import services as accounts_services
from accounts.models import BookShelf
from catalog.tests.factories import BookFactory
from core.cache import raw_redis
from core.tests.factories import UserFactory
from debates import services as debates_services
from library import services as library_services
from social import selectors
from social.cache import feed_key
from social.models import Activity

ShelfType = BookShelf.ShelfType


def make_started(actor):
    return accounts_services.shelf_move(user=actor, book=BookFactory(pages=200), shelf_type=ShelfType.READING)


def make_finished(actor):
    return accounts_services.shelf_move(user=actor, book=BookFactory(pages=200), shelf_type=ShelfType.READ)


def make_abandoned(actor):
    return accounts_services.shelf_move(user=actor, book=BookFactory(pages=200), shelf_type=ShelfType.ABANDONED)


def make_progress(actor):
    progress = accounts_services.progress_start(user=actor, book=BookFactory(pages=200))
    Activity.objects.filter(actor=actor, verb=Activity.Verb.STARTED).delete()  # keep the milestone alone
    return accounts_services.progress_update(progress=progress, user=actor, current_page=110)


def make_rated(actor, **fields):
    return accounts_services.review_create(user=actor, book=BookFactory(), rating="4", **fields)


def make_reviewed(actor, **fields):
    return accounts_services.review_create(
        user=actor, book=BookFactory(), rating="4.5", title="Ótimo", text="Recomendo.", **fields
    )


def make_topic(actor):
    return debates_services.topic_create(book=BookFactory(), creator=actor, title="Um debate sobre o final")


def make_post(actor):
    topic = debates_services.topic_create(book=BookFactory(), creator=UserFactory(), title="Outro debate aqui")
    return debates_services.post_create(topic=topic, author=actor, content="Concordo com tudo.")


def make_goal(actor, visibility="public"):
    from django.utils import timezone

    year = timezone.localdate().year
    library_services.goal_set(user=actor, year=year, books=1, visibility=visibility)
    return make_finished(actor)


def activities_of(actor, verb):
    return Activity.objects.filter(actor=actor, verb=verb)


def sees(viewer, actor) -> set[str]:
    """Verbs of `actor`'s activities `viewer` finds anywhere: the actor's profile list, the
    viewer's home feed, the community stream."""
    found = set()
    if selectors.relationship(viewer=viewer, owner=actor).can_see:
        rows, _cursor = selectors.actor_activities(owner=actor, viewer=viewer, size=100)
        found |= {(row.verb, "profile") for row in rows if row.actor_id == actor.pk}
    if viewer.is_authenticated:
        page = selectors.home_feed(reader=viewer, size=100)
        found |= {(row.verb, "feed") for row in page.activities if row.actor_id == actor.pk}
    for group in selectors.community_stream(viewer=viewer, size=100):
        found |= {(row.verb, "community") for row in group.items if row.actor_id == actor.pk}
    return found


def in_redis_feed(user_id: int, activity_id: int) -> bool:
    return raw_redis().zscore(feed_key(user_id), str(activity_id)) is not None
