"""A dead broker must not fail the reader's write that enqueues work, nor lose the work."""

import logging

import pytest
from django.db import transaction

from core.models import OutboxTask
from core.tasks import enqueue_on_commit, ping
from core.tests.processes import broker_at, dead_broker_url


@pytest.fixture
def dead_broker():
    with broker_at(dead_broker_url()):
        yield


@pytest.mark.django_db(transaction=True)
def test_enqueue_with_the_broker_down_logs_and_keeps_the_task_in_the_outbox(dead_broker, django_user_model, caplog):
    with caplog.at_level(logging.WARNING, logger="core.jobs"):
        with transaction.atomic():
            django_user_model.objects.create_user("carla", password="x")
            enqueue_on_commit(ping)
    assert django_user_model.objects.filter(username="carla").exists()
    assert "broker unavailable: core.ping not enqueued" in caplog.text
    row = OutboxTask.objects.get()
    assert (row.name, row.args, row.sent_at, row.attempts) == ("core.ping", [], None, 1)


@pytest.mark.django_db
def test_readyz_reports_the_broker_down(client, dead_broker, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/readyz")
    assert response.status_code == 503, response.json()
    assert response.json()["failing"] == ["broker"]
