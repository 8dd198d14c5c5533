"""The fan-out through a real Celery worker process and the real Redis broker."""

import uuid

import pytest

from cgbookstore.celery import app
from core.tests.factories import UserFactory
from core.tests.processes import celery_worker
from debates.models import DebatePost
from debates.tests.factories import DebateTopicFactory
from notifications.models import Notification, TopicFollow
from notifications.tasks import notifications_post_fanout

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def not_eager():
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def test_fanout_runs_in_a_worker_and_a_second_run_adds_nothing(not_eager):
    topic = DebateTopicFactory()
    followers = UserFactory.create_batch(12)
    TopicFollow.objects.bulk_create(TopicFollow(user=user, topic=topic) for user in followers)
    # bulk_create sends no signal, so nothing is queued before the worker's own queue.
    [post] = DebatePost.objects.bulk_create([DebatePost(topic=topic, author=followers[0], content="Oi")])
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with celery_worker(queue):
        notifications_post_fanout.apply_async(args=[post.pk], queue=queue).get(timeout=60)
        notifications_post_fanout.apply_async(args=[post.pk], queue=queue).get(timeout=60)
    recipients = list(Notification.objects.filter(post=post).values_list("recipient_id", flat=True))
    assert sorted(recipients) == sorted([topic.creator_id, *(user.pk for user in followers[1:])])
