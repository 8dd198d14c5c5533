"""Cross-cutting Celery tasks: the outbox drain and prune, cache warming, a ping.

Every app declares its tasks with `core.jobs.task` and enqueues with
`core.jobs.enqueue_on_commit` (also importable from here).
"""

from core import jobs, warmup
from core.jobs import enqueue_on_commit, task

__all__ = ["enqueue_on_commit", "task"]


@task(name="core.ping", soft_time_limit=20, time_limit=30)
def ping() -> str:
    """A round trip through broker, worker and result backend (check_scalability, tests)."""
    return "pong"


@task(name="core.warm_hot_pages", max_retries=3, soft_time_limit=120, time_limit=180)
def warm_hot_pages() -> dict[str, int]:
    """Refill the caches of the hot pages so the first reader after expiry does not pay."""
    return warmup.run_warmers()


@task(name="core.outbox_drain", soft_time_limit=50, time_limit=60)
def outbox_drain() -> int:
    """Publish the tasks their request could not (broker down): every minute."""
    return jobs.outbox_drain()


@task(name="core.outbox_prune", soft_time_limit=5 * 60, time_limit=6 * 60)
def outbox_prune() -> int:
    """Delete sent outbox rows older than OUTBOX_KEEP_HOURS."""
    return jobs.outbox_prune()
