"""Each query of a page or task runs on its own index (asked on tiny tables with seqscan off)."""

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications import selectors
from notifications.models import Notification, TopicFollow
from notifications.tests.factories import NotificationFactory, TopicFollowFactory

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def test_unread_count_uses_the_partial_unread_index():
    notification = NotificationFactory()
    sql = selectors._UNREAD_SQL.format(table=Notification._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", [notification.recipient_id, 100])
        assert "notifications_unread_idx" in "\n".join(row[0] for row in cursor.fetchall())
    assert selectors.unread_count(notification.recipient_id) == 1


def test_notifications_page_uses_the_recipient_index():
    notification = NotificationFactory()
    rows = Notification.objects.filter(recipient_id=notification.recipient_id).order_by("-created_at")[:20]
    assert "notifications_recipient_idx" in plan(rows)


def test_fanout_walks_followers_on_the_topic_index():
    follow = TopicFollowFactory()
    rows = TopicFollow.objects.filter(topic_id=follow.topic_id, user_id__gt=0).order_by("user_id").values("user_id")
    assert "notifications_follow_topic_idx" in plan(rows[:1000])


def test_prune_uses_the_read_index():
    rows = Notification.objects.filter(read_at__lt=timezone.now()).values("pk")[:5000]
    assert "notifications_read_idx" in plan(rows)


def test_a_readers_followed_debates_are_their_facts_until_too_many_to_cache(monkeypatch):
    follow = TopicFollowFactory()
    second = TopicFollowFactory(user=follow.user)
    TopicFollowFactory()  # someone else's
    assert selectors.reader_followed_topic_ids(follow.user_id) == {follow.topic_id, second.topic_id}
    monkeypatch.setattr(selectors, "FOLLOWS_MAX", 1)
    assert selectors.reader_followed_topic_ids(follow.user_id) is None
