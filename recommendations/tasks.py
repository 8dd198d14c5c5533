"""Celery tasks: the periodic full training and one reader's incremental refresh."""

from django.core.cache import cache

from core.jobs import enqueue_on_commit, task
from recommendations import cache as recs_cache
from recommendations import services

TRAIN_TIME_LIMIT = 30 * 60


@task(
    name="recommendations.train", max_retries=3, soft_time_limit=TRAIN_TIME_LIMIT - 5 * 60, time_limit=TRAIN_TIME_LIMIT
)
def train_recommendations() -> dict:
    """Full retrain; a run already in progress (another worker, a redelivery) makes this a no-op."""
    if not cache.add(recs_cache.TRAIN_LOCK_KEY, 1, timeout=TRAIN_TIME_LIMIT):
        return {"skipped": "a training is already running"}
    try:
        run = services.recommendations_train()
    finally:
        cache.delete(recs_cache.TRAIN_LOCK_KEY)
    return {"run": run.pk, "seconds": run.duration_seconds, **run.metrics}


@task(name="recommendations.refresh_user", max_retries=3, soft_time_limit=30, time_limit=60)
def refresh_user_recommendations(user_id: int) -> int:
    """Recompute one reader's list after they shelved or reviewed a book."""
    recs_cache.release_refresh(user_id=user_id)
    row = services.user_recommendations_update(user_id=user_id)
    return len(row.items) if row else 0


def queue_refresh(*, user_id: int) -> None:
    """One queued refresh per reader at a time: a burst of writes (an import), or pages viewed
    while a missing list is computed, queue one. The outbox keeps it through a broker outage."""
    if recs_cache.claim_refresh(user_id=user_id):
        enqueue_on_commit(refresh_user_recommendations, user_id)
