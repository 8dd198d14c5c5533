"""A dead broker must not fail the reader's write that enqueues work."""

import logging
import os

import kombu.pools
import pytest
from django.db import transaction

from cgbookstore.celery import app
from core.tasks import enqueue_on_commit, ping
from core.tests.processes import free_port


def _reset_broker_connections():
    """Drop pooled connections and producers so the next publish connects afresh."""
    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@pytest.fixture
def dead_broker():
    dead_url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    previous_env = os.environ.get("CELERY_BROKER_URL")
    previous = app.conf.broker_url, app.conf.task_always_eager
    os.environ["CELERY_BROKER_URL"] = dead_url  # Celery reads it before its own config
    app.conf.task_always_eager = False
    app.conf.broker_url = dead_url
    _reset_broker_connections()
    yield
    if previous_env is None:
        os.environ.pop("CELERY_BROKER_URL", None)
    else:
        os.environ["CELERY_BROKER_URL"] = previous_env
    app.conf.broker_url, app.conf.task_always_eager = previous
    _reset_broker_connections()


@pytest.mark.django_db(transaction=True)
def test_enqueue_with_the_broker_down_logs_and_lets_the_write_commit(dead_broker, django_user_model, caplog):
    with caplog.at_level(logging.WARNING, logger="core.tasks"):
        with transaction.atomic():
            django_user_model.objects.create_user("carla", password="x")
            enqueue_on_commit(ping)
    assert django_user_model.objects.filter(username="carla").exists()
    assert "broker unavailable: core.ping not enqueued" in caplog.text


@pytest.mark.django_db
def test_readyz_reports_the_broker_down(client, dead_broker, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/readyz")
    assert response.status_code == 503, response.json()
    assert response.json()["failing"] == ["broker"]
