"""Periodic upkeep of the debate counters (scheduled with django-celery-beat)."""

from core.jobs import task
from debates import services


@task(soft_time_limit=50, time_limit=60)
def debates_views_flush() -> int:
    """Move buffered page views from Redis into views_count (GETDEL: safe to run twice)."""
    return services.topic_views_flush()


@task(soft_time_limit=10 * 60, time_limit=11 * 60)
def debates_counters_reconcile() -> dict[str, int]:
    """Recompute posts_count, last_activity_at, vote counts and both ranking scores from the rows."""
    return services.topic_counters_reconcile()


@task(soft_time_limit=5 * 60, time_limit=6 * 60)
def debates_reads_prune() -> int:
    """Delete read marks older than DEBATES_READ_CUTOFF_DAYS (past it everything reads as read)."""
    return services.topic_reads_prune()
