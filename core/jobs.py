"""Background work: the one base task of every app, and the one way to enqueue work.

- `@task(...)` declares a Celery task on `BaseTask`: `acks_late`, automatic retries of
  TRANSIENT_ERRORS with exponential backoff and jitter (bounded by `max_retries`), soft and
  hard time limits. Tasks take ids and primitives and are idempotent, so running one twice
  (a retry, a redelivery, a re-sent outbox row) is harmless.
- `enqueue_on_commit(task, *args, **kwargs)` records the task in the outbox (`OutboxTask`)
  inside the current transaction and publishes it when the transaction commits. A write
  that rolls back sends nothing; a broker outage never fails the write: the row stays
  unsent and `outbox_drain` (every minute, core.tasks) publishes it once the broker is back.
- With `CELERY_TASK_ALWAYS_EAGER` (the embedded default, most tests) there is no broker to
  lose: the task runs in-process after commit and no row is written.
"""

import logging
from datetime import timedelta
from time import monotonic

from celery import Task, current_app, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Count, F, Min
from django.utils import timezone
from django_redis.exceptions import ConnectionInterrupted
from kombu.exceptions import OperationalError as BrokerUnreachable
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.models import OutboxTask

logger = logging.getLogger(__name__)

# What is worth retrying: the database, Redis (cache) or the broker (a task that enqueues
# others) briefly unreachable.
# Anything else is a bug or bad data, and retrying it would only repeat the failure.
TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    ConnectionInterrupted,
    RedisConnectionError,
    RedisTimeoutError,
    BrokerUnreachable,
)

# Publishing gives up fast: a broker outage must not hold a reader's request.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
DRAIN_BATCH = 200
DRAIN_SECONDS = 30
PRUNE_BATCH = 5000


class BaseTask(Task):
    """Defaults of every task of the project; a task overrides only its time limits."""

    acks_late = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = True
    retry_backoff_max = 10 * 60
    retry_jitter = True
    max_retries = 5
    soft_time_limit = 5 * 60
    time_limit = 6 * 60


def task(*args, **options):
    """`shared_task` on BaseTask: `@task` or `@task(name=..., soft_time_limit=..., time_limit=...)`."""
    return shared_task(*args, base=BaseTask, **options)


# --- Enqueueing -----------------------------------------------------------------------------


def enqueue_on_commit(task: Task, *args, **kwargs) -> None:
    """Run `task(*args, **kwargs)` in a worker once the current transaction commits.

    Arguments must be JSON (ids and primitives). Outside a transaction the row commits
    and the task is published at once.
    """
    if task.app.conf.task_always_eager:
        transaction.on_commit(lambda: publish(task.name, list(args), kwargs))
        return
    row = OutboxTask.objects.create(name=task.name, args=list(args), kwargs=kwargs)
    # robust: the write has committed; a failure here is logged, the drain sends the row.
    transaction.on_commit(lambda: _send_rows([row]), robust=True)


def publish(name: str, args: list, kwargs: dict) -> bool:
    """Send a task to the broker now (eager: run it); log, never raise, if that fails. True if sent."""
    try:
        current_app.tasks[name].apply_async(args=args, kwargs=kwargs, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:
        logger.warning("broker unavailable: %s not enqueued", name, exc_info=True)
        return False
    return True


def _send_rows(rows: list[OutboxTask]) -> int:
    """Publish rows in order, stopping at the first the broker refuses; returns how many were sent."""
    sent = []
    for row in rows:
        if not publish(row.name, row.args, row.kwargs):
            OutboxTask.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
            break
        sent.append(row.pk)
    if sent:
        OutboxTask.objects.filter(pk__in=sent).update(sent_at=timezone.now(), attempts=F("attempts") + 1)
    return len(sent)


def outbox_drain() -> int:
    """Publish the rows their request could not (broker down, process gone); returns how many.

    Rows younger than OUTBOX_GRACE_SECONDS are left to their own request's on-commit send,
    and rows another drain holds are skipped, so a row is normally published once. A long
    backlog is sent over several runs (DRAIN_SECONDS each), well inside the task's limit.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)
    pending = OutboxTask.objects.filter(sent_at__isnull=True, created_at__lt=cutoff).order_by("id")
    deadline = monotonic() + DRAIN_SECONDS
    total = 0
    while monotonic() < deadline:
        with transaction.atomic():
            rows = list(pending.select_for_update(skip_locked=True)[:DRAIN_BATCH])
            sent = _send_rows(rows)
        total += sent
        if sent < DRAIN_BATCH:  # all sent, or the broker refused one
            break
    return total


def outbox_prune() -> int:
    """Delete sent rows older than OUTBOX_KEEP_HOURS, in batches."""
    cutoff = timezone.now() - timedelta(hours=settings.OUTBOX_KEEP_HOURS)
    old = OutboxTask.objects.filter(created_at__lt=cutoff, sent_at__isnull=False)
    deleted = 0
    while ids := list(old.values_list("id", flat=True)[:PRUNE_BATCH]):
        deleted += OutboxTask.objects.filter(pk__in=ids).delete()[0]
    return deleted


def outbox_backlog() -> tuple[int, float]:
    """How many tasks wait for the broker, and the age in seconds of the oldest (0 if none)."""
    row = OutboxTask.objects.filter(sent_at__isnull=True).aggregate(count=Count("id"), first=Min("created_at"))
    return row["count"], (timezone.now() - row["first"]).total_seconds() if row["first"] else 0.0
