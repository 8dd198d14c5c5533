"""Feed fan-out on the "feeds" queue (CELERY_TASK_ROUTES): thin, taking ids, idempotent
(a sorted-set ZADD or ZREM repeated changes nothing), so redeliveries are harmless."""

from django.conf import settings

from core.jobs import task
from social import cache as social_cache
from social import feeds, services


@task(soft_time_limit=60, time_limit=90)
def feeds_fanout(activity_ids: list[int]) -> int:
    """Split the pushes of new (or newly public) activities into chunks of followers."""
    chunk = settings.SOCIAL_FANOUT_CHUNK
    sent = 0
    for entries, user_ids in services.fanout_plan(activity_ids=activity_ids):
        for start in range(0, len(user_ids), chunk):
            feeds_push.apply_async(args=[entries, user_ids[start : start + chunk]])
            sent += 1
    return sent


@task(soft_time_limit=60, time_limit=90)
def feeds_push(entries: list[list[int]], user_ids: list[int]) -> int:
    """Add (activity id, score) entries to the existing feeds of these readers; their cached
    feed panels are then rendered again (after the push, so none is rendered without it)."""
    pushed = feeds.feed_push(user_ids, [(int(activity_id), int(score)) for activity_id, score in entries])
    social_cache.flush_feeds(*user_ids)
    return pushed


@task(soft_time_limit=120, time_limit=180)
def feeds_retract(activity_ids: list[int], actor_id: int) -> int:
    """Remove deleted, hidden or no-longer-public activities from every feed holding them."""
    return services.activities_retract(activity_ids=activity_ids, actor_id=actor_id)


@task(soft_time_limit=10 * 60, time_limit=11 * 60)
def social_counts_reconcile() -> int:
    return services.social_counts_reconcile()
