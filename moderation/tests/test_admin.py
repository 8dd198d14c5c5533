"""The admin acts through the moderation services, so its actions land in the audit trail."""

import pytest
from django.urls import reverse

from core.tests.factories import UserFactory
from debates.tests.factories import DebateTopicFactory
from moderation.models import ModerationAction

pytestmark = pytest.mark.django_db


def test_pinning_and_locking_from_the_topic_admin_is_logged(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    topic = DebateTopicFactory()
    url = reverse("admin:debates_debatetopic_changelist")
    for action in ("pin", "lock"):
        assert client.post(url, {"action": action, "_selected_action": [topic.pk]}).status_code == 302
    topic.refresh_from_db()
    assert topic.is_pinned and topic.is_locked
    trail = ModerationAction.objects.filter(target_type="topic", target_id=topic.pk, actor=admin_user)
    assert sorted(trail.values_list("kind", flat=True)) == ["lock", "pin"]


def test_the_audit_trail_is_read_only_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:moderation_moderationaction_changelist")).status_code == 200
    assert client.get(reverse("admin:moderation_moderationaction_add")).status_code == 403
