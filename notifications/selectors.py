"""Reads of the notifications app: a fixed number of queries each."""

from functools import reduce
from operator import or_

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from core.db import read_rows
from core.pagination import paginate
from core.personal import at_most
from debates.models import DebatePost, TopicRead
from debates.selectors import unread_since
from notifications.models import Notification, TopicFollow

# The header shows "99+" beyond this: counting stops there, however many are unread.
UNREAD_CAP = 99


# The reader's facts (core.personal), rebuilt after each of their writes or notifications: SQL,
# as compiling the ORM's queries cost several times their run (the count: 0.4 ms to 0.08).
_UNREAD_SQL = """
SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE recipient_id = %s AND read_at IS NULL LIMIT %s) AS unread
"""
_FOLLOWED_SQL = "SELECT topic_id FROM {table} WHERE user_id = %s LIMIT %s"


def unread_count(user_id: int) -> int:
    """Unread notifications of a reader, capped at UNREAD_CAP + 1. Pages read it from the
    reader's cached facts (`panels.reader_unread_count`), rebuilt after each new notification.
    Served by notifications_unread_idx."""
    return read_rows(Notification, _UNREAD_SQL, [user_id, UNREAD_CAP + 1])[0][0]


def notification_page(*, user, page_number: int, unread_only: bool = False) -> Page | None:
    """One page of a reader's notifications (or only the unread ones), newest first, with what
    the items show. Served by notifications_recipient_idx (notifications_unread_idx when unread)."""
    rows = Notification.objects.filter(recipient=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    rows = (
        rows.select_related("actor", "topic", "book")
        .only(
            "kind",
            "milestone",
            "message",
            "created_at",
            "read_at",
            "post_id",
            "actor__username",
            "topic__title",
            "topic__slug",
            "book__title",
            "book__slug",
        )
        .order_by("-created_at", "-pk")
    )
    return paginate(rows, number=page_number, per_page=settings.NOTIFICATIONS_PAGE_SIZE)


def notification_for_user(*, user, pk: int) -> Notification:
    """A reader's own notification; 404 for anyone else's (its existence is not revealed)."""
    return get_object_or_404(
        Notification.objects.select_related("topic", "post", "book").only(
            "recipient_id", "read_at", "topic__slug", "post__topic_id", "post__root_id", "book__slug"
        ),
        pk=pk,
        recipient=user,
    )


def is_following(*, user, topic_id: int) -> bool:
    return TopicFollow.objects.filter(user=user, topic_id=topic_id).exists()


def followed_slugs(*, user, topic_ids: list[int]) -> dict[int, str]:
    """Which of these topics the reader follows, topic id -> slug (one query)."""
    follows = TopicFollow.objects.filter(user=user, topic_id__in=topic_ids)
    return dict(follows.values_list("topic_id", "topic__slug"))


# A reader following more debates than this is asked the database per page.
FOLLOWS_MAX = 2_000


def reader_followed_topic_ids(user_id: int) -> frozenset[int] | None:
    """The debates the reader follows; None when too many to cache (core.personal.reader_facts)."""
    rows = at_most(read_rows(TopicFollow, _FOLLOWED_SQL, [user_id, FOLLOWS_MAX + 1]), FOLLOWS_MAX)
    return None if rows is None else frozenset(topic_id for (topic_id,) in rows)


def followed_topics(*, user, limit: int = 5) -> list[dict]:
    """The reader's followed debates, latest activity first, each with how many posts are new
    to them ({"topic", "unread"}). Three queries, whatever the number of posts."""
    follows = list(
        TopicFollow.objects.filter(user=user)
        .select_related("topic")
        .only("topic__title", "topic__slug", "topic__posts_count", "topic__last_activity_at")
        .order_by("-topic__last_activity_at")[:limit]
    )
    if not follows:
        return []
    reads = dict(
        TopicRead.objects.filter(user=user, topic_id__in=[f.topic_id for f in follows]).values_list(
            "topic_id", "read_at"
        )
    )
    # Served by debates_post_topic_created_idx: one range per topic.
    news = reduce(
        or_, (Q(topic_id=f.topic_id, created_at__gt=unread_since(user, reads.get(f.topic_id))) for f in follows)
    )
    counts = dict(
        DebatePost.objects.filter(news, is_deleted=False, is_hidden=False)
        .exclude(author=user)
        .values_list("topic_id")
        .annotate(n=Count("id"))
        .values_list("topic_id", "n")
    )
    return [{"topic": f.topic, "unread": counts.get(f.topic_id, 0)} for f in follows]
