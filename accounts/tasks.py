"""Periodic upkeep of the readers' data (scheduled with django-celery-beat)."""

from accounts import services
from core.jobs import task


@task(soft_time_limit=10 * 60, time_limit=11 * 60)
def book_ratings_reconcile() -> int:
    """Recompute the books' average rating and count from the reviews."""
    return services.book_ratings_reconcile()
