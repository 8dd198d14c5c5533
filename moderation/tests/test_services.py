"""Moderation services: who may act, the audit trail, the queue's index."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from accounts.tests.factories import BookReviewFactory
from core.tests.factories import UserFactory
from debates.models import DebateTopic
from debates.tests.factories import DebatePostFactory, DebateTopicFactory
from moderation import services
from moderation.models import ModerationAction, PostReport, ReviewReport

pytestmark = pytest.mark.django_db


def test_staff_pins_and_locks_a_topic():
    topic = DebateTopicFactory()
    staff = UserFactory(is_staff=True)
    services.topic_set_pinned(topic=topic, actor=staff, pinned=True)
    services.topic_set_locked(topic=topic, actor=staff, locked=True)
    topic.refresh_from_db()
    assert topic.is_pinned and topic.is_locked


def test_a_permission_without_the_staff_flag_does_not_make_a_moderator():
    reader = UserFactory()
    reader.user_permissions.add(Permission.objects.get(codename="change_debatetopic"))
    topic = DebateTopicFactory()
    with pytest.raises(PermissionDenied):
        services.topic_set_locked(topic=topic, actor=reader, locked=True)
    assert not DebateTopic.objects.get(pk=topic.pk).is_locked


def test_ordinary_reader_cannot_pin_or_lock(user):
    topic = DebateTopicFactory(creator=user)
    with pytest.raises(PermissionDenied):
        services.topic_set_pinned(topic=topic, actor=user, pinned=True)
    with pytest.raises(PermissionDenied):
        services.topic_set_locked(topic=topic, actor=user, locked=True)
    topic.refresh_from_db()
    assert not topic.is_pinned and not topic.is_locked
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("kind", ["post", "review"])
def test_the_trail_keeps_each_hide_reason_and_who_hid_and_who_restored(kind):
    """Hidden by one moderator, restored by another, hidden again by the second: every row
    stays as written, and the item remembers the last hide (reason and moderator)."""
    first, second = UserFactory(is_staff=True), UserFactory(is_staff=True)
    if kind == "post":
        item, hide, restore = DebatePostFactory(), services.post_hide, services.post_restore
    else:
        item, hide, restore = BookReviewFactory(), services.review_hide, services.review_restore
    name = "post" if kind == "post" else "review"
    hide(**{name: item}, actor=first, reason="Spam")
    restore(**{name: item}, actor=second)
    item.refresh_from_db()
    assert (item.is_hidden, item.hidden_reason, item.hidden_by) == (False, "Spam", first)

    hide(**{name: item}, actor=second, reason="Spoiler sem aviso")
    trail = ModerationAction.objects.filter(target_type=kind, target_id=item.pk).order_by("id")
    assert [(row.actor, row.kind, row.reason) for row in trail] == [
        (first, "hide", "Spam"),
        (second, "restore", ""),
        (second, "hide", "Spoiler sem aviso"),
    ]
    item.refresh_from_db()
    assert (item.is_hidden, item.hidden_reason, item.hidden_by) == (True, "Spoiler sem aviso", second)


def test_a_refused_hide_writes_nothing(user):
    post = DebatePostFactory()
    with pytest.raises(PermissionDenied):
        services.post_hide(post=post, actor=user, reason="Spam")
    post.refresh_from_db()
    assert not post.is_hidden and post.hidden_by is None
    assert not ModerationAction.objects.exists()


@pytest.mark.full_stack
def test_the_queues_read_their_partial_indexes():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny test tables: ask whether the index fits
        cursor.execute("SET LOCAL enable_sort = off")
    for model, index in ((PostReport, "debates_report_open_idx"), (ReviewReport, "debates_reviewreport_open_idx")):
        queue = model.objects.filter(status="open").order_by("created_at", "id")[:20]
        assert index in queue.explain()
