"""Reads of the notifications app: a fixed number of queries each."""

from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.shortcuts import get_object_or_404

from notifications import cache as notifications_cache
from notifications.models import Notification, TopicFollow

# The header shows "99+" beyond this: counting stops there, however many are unread.
UNREAD_CAP = 99


def unread_count(*, user_id: int) -> int:
    """Unread notifications of a reader, capped at UNREAD_CAP + 1; one cache read when warm."""

    def build() -> int:
        # Served by the partial index notifications_unread_idx.
        return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)[: UNREAD_CAP + 1].count()

    return notifications_cache.cached_unread_count(user_id, build)


def notification_page(*, user, page_number: int) -> Page | None:
    """One page of a reader's notifications, newest first, with what the items show."""
    rows = (
        Notification.objects.filter(recipient=user)
        .select_related("actor", "topic", "book")
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
    paginator = Paginator(rows, settings.NOTIFICATIONS_PAGE_SIZE)
    try:
        return paginator.page(page_number)
    except InvalidPage:
        return None


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
