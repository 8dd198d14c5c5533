"""`check_scalability` over the whole site (it lives in core but reads every app's pages)."""

import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.models import OutboxTask
from debates.tests.factories import DebatePostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_with_data():
    DebatePostFactory.create_batch(3)


def test_a_healthy_stack_passes_every_check(site_with_data, capsys):
    call_command("check_scalability", "--skip-worker")
    out = capsys.readouterr().out
    assert "FAIL" not in out
    for name in ("Redis: set/get", "Sessões cached_db", "Índices", "Página: debates", "Página: livro"):
        assert f"OK   {name}" in out


def test_an_unreachable_redis_fails_with_a_non_zero_exit(site_with_data, settings, capsys):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5},
        }
    }
    with pytest.raises(CommandError, match="Redis: set/get"):
        call_command("check_scalability", "--skip-worker")
    assert "FAIL Redis: set/get" in capsys.readouterr().out


def test_a_missing_worker_is_reported(site_with_data, capsys):
    with pytest.raises(CommandError, match="Celery: worker"):
        call_command("check_scalability")


def test_a_task_stuck_in_the_outbox_is_reported(site_with_data, capsys):
    OutboxTask.objects.create(name="core.ping", created_at=timezone.now() - timedelta(minutes=10))
    with pytest.raises(CommandError, match="Outbox de tarefas"):
        call_command("check_scalability", "--skip-worker")
    assert re.search(r"FAIL Outbox de tarefas +1 tarefa\(s\) aguardando o broker", capsys.readouterr().out)
