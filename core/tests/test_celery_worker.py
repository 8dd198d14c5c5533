"""Celery with a real worker process and the real Redis broker."""

import uuid

import pytest

from cgbookstore.celery import app
from core.tasks import ping
from core.tests.processes import celery_worker

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def not_eager():
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def test_a_task_round_trips_through_broker_worker_and_result_backend(not_eager):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with celery_worker(queue):
        result = ping.apply_async(queue=queue)
        assert result.get(timeout=60) == "pong"
    # The result was stored by the worker in the database backend.
    from django_celery_results.models import TaskResult

    assert TaskResult.objects.get(task_id=result.id).status == "SUCCESS"


def test_a_task_sent_while_no_worker_runs_is_done_when_one_starts(not_eager):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    result = ping.apply_async(queue=queue)  # the broker keeps it
    with celery_worker(queue):
        assert result.get(timeout=60) == "pong"
