"""The base task's retry policy, the routing to named queues, and the task outbox."""

import re
from datetime import timedelta

import pytest
import redis
from django.db import OperationalError, transaction
from django.utils import timezone

from cgbookstore.celery import app
from core import jobs
from core.models import OutboxTask
from core.tests.processes import ROOT, broker_at, dead_broker_url, redis_server

calls: list[str] = []


@jobs.task(name="core.tests.flaky")
def flaky(failures: int, error: str) -> int:
    """Fails `failures` times with `error`, then succeeds; counts its runs in `calls`."""
    calls.append(error)
    if len(calls) <= failures:
        raise {"transient": OperationalError, "bug": ValueError}[error]("boom")
    return len(calls)


@pytest.fixture(autouse=True)
def _no_calls():
    calls.clear()


def project_tasks() -> dict:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith(("celery.", "core.tests."))}


def test_every_task_of_the_project_runs_on_the_base_task():
    tasks = project_tasks()
    assert len(tasks) >= 15
    for name, task in tasks.items():
        assert isinstance(task, jobs.BaseTask), name
        assert task.acks_late and task.autoretry_for == jobs.TRANSIENT_ERRORS, name
        assert 0 < task.max_retries <= 5 and 0 < task.soft_time_limit < task.time_limit, name


@pytest.fixture
def eager_retries():
    """Eager retries run in place only when eager errors do not propagate at once."""
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


def test_a_transient_error_is_retried_and_a_bug_is_not(eager_retries):
    assert flaky.apply(args=[2, "transient"]).get() == 3
    calls.clear()
    with pytest.raises(ValueError):
        flaky.apply(args=[1, "bug"]).get()
    assert calls == ["bug"]


def test_retries_are_bounded(eager_retries):
    with pytest.raises(OperationalError):
        flaky.apply(args=[99, "transient"]).get()
    assert len(calls) == jobs.BaseTask.max_retries + 1


def _queue(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def test_work_is_routed_to_the_named_queues(settings):
    assert _queue("recommendations.train") == "recommendations"
    assert _queue("library.tasks.import_job_run_task") == "imports"
    assert _queue("notifications.tasks.notifications_post_fanout") == "default"
    periodic = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} - {"recommendations.train"}
    assert {_queue(name) for name in periodic} == {"maintenance"}


def test_every_queue_that_gets_tasks_has_a_worker_in_the_procfile():
    consumed = set()
    for line in (ROOT / "Procfile").read_text().splitlines():
        if match := re.search(r"celery .* worker .*-Q (\S+)", line):
            consumed.update(match.group(1).split(","))
    routed = {_queue(name) for name in [*project_tasks(), "celery.backend_cleanup"]}
    assert routed == {"default", "maintenance", "recommendations", "imports", "feeds"}
    assert routed <= consumed


# --- The outbox -------------------------------------------------------------------------------


@pytest.fixture
def live_broker():
    """A private Redis as the broker: what the drain publishes can be counted there."""
    with redis_server() as (url, _process), broker_at(url):
        yield redis.Redis.from_url(url)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_no_task_to_send():
    with broker_at(dead_broker_url()), pytest.raises(RuntimeError), transaction.atomic():
        jobs.enqueue_on_commit(flaky, 0, "bug")
        raise RuntimeError("the write fails")
    assert not OutboxTask.objects.exists() and calls == []


@pytest.mark.django_db
def test_eager_tasks_run_after_commit_without_an_outbox_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(flaky, 0, "bug")
        assert calls == []
    assert calls == ["bug"] and not OutboxTask.objects.exists()


def _age(seconds: float) -> None:
    OutboxTask.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


@pytest.mark.django_db(transaction=True)
def test_the_drain_sends_what_the_outage_kept_once_the_broker_is_back(live_broker, settings, monkeypatch):
    monkeypatch.setattr(jobs, "DRAIN_BATCH", 2)  # three rows: two batches
    with broker_at(dead_broker_url()):
        for n in range(3):
            jobs.enqueue_on_commit(flaky, n, "bug")  # autocommit: stored and tried at once
        assert jobs.outbox_drain() == 0  # too young: left to their request
        _age(settings.OUTBOX_GRACE_SECONDS + 1)
        assert jobs.outbox_drain() == 0  # broker still down: kept, one more attempt counted
    assert list(OutboxTask.objects.values_list("attempts", flat=True).order_by("id")) == [2, 1, 1]
    assert live_broker.llen("default") == 0
    assert jobs.outbox_drain() == 3
    assert live_broker.llen("default") == 3
    assert not OutboxTask.objects.filter(sent_at__isnull=True).exists()
    assert jobs.outbox_drain() == 0  # sent once, not again


@pytest.mark.django_db(transaction=True)
def test_a_write_with_the_broker_up_sends_its_task_on_commit(live_broker):
    with transaction.atomic():
        jobs.enqueue_on_commit(flaky, 0, "bug")
        assert live_broker.llen("default") == 0  # not before the commit
    assert live_broker.llen("default") == 1
    assert OutboxTask.objects.get().sent_at is not None


@pytest.mark.django_db
def test_the_prune_deletes_old_sent_rows_only(settings):
    old = timezone.now() - timedelta(hours=settings.OUTBOX_KEEP_HOURS + 1)
    kept_unsent = OutboxTask.objects.create(name="core.ping", created_at=old)
    OutboxTask.objects.create(name="core.ping", created_at=old, sent_at=old)
    recent = OutboxTask.objects.create(name="core.ping", sent_at=timezone.now())
    assert jobs.outbox_prune() == 1
    assert set(OutboxTask.objects.values_list("pk", flat=True)) == {kept_unsent.pk, recent.pk}
