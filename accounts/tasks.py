"""Periodic upkeep of the readers' data (scheduled with django-celery-beat)."""

from celery import shared_task
from django.db import OperationalError

from accounts import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def book_ratings_reconcile() -> int:
    """Recompute the books' average rating and count from the reviews."""
    return services.book_ratings_reconcile()
