"""Cross-cutting Celery tasks and the safe way to enqueue work from a request."""

import logging

from celery import shared_task
from django.db import transaction

from core import warmup

logger = logging.getLogger(__name__)

# Publishing gives up fast: a broker outage must not turn a reader's write into a 5xx.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def enqueue(task, *args, **kwargs) -> bool:
    """Send `task` now; log (never raise) if the broker is down. True if it was sent."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:
        logger.warning("broker unavailable: %s not enqueued", task.name, exc_info=True)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send `task` once the current transaction commits, never failing the request.

    Work lost to a broker outage is caught up by the periodic reconcile tasks, so the
    write that triggered it still succeeds.
    """
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))


@shared_task(name="core.ping", acks_late=True, soft_time_limit=20, time_limit=30)
def ping() -> str:
    """A round trip through broker, worker and result backend (check_scalability, tests)."""
    return "pong"


@shared_task(
    name="core.warm_hot_pages",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=180,
)
def warm_hot_pages() -> dict[str, int]:
    """Refill the caches of the hot pages so the first reader after expiry does not pay."""
    return warmup.run_warmers()
