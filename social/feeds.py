"""Per-reader feeds in Redis: a bounded sorted set of activity ids, scored by time (µs).

A feed key exists only once built from the database (`feed_store`); it then holds a
sentinel member at score 0, so "built but empty" and "missing" differ. Fan-out pushes
only into feeds that exist: a reader who has not come by lately costs nothing, and a
lost feed (eviction, Redis restart) is rebuilt on the next read. Every function here
degrades: with Redis down (or no Redis, in the embedded default) reads return None and
writes do nothing, and the selectors serve the feed from the database.
"""

import logging
from dataclasses import dataclass

from django.conf import settings

from core.cache import raw_redis
from social.cache import feed_key

logger = logging.getLogger(__name__)

SENTINEL = "-"
# Keys per Redis call when fanning out (one EVALSHA, one round trip).
KEYS_PER_CALL = 500

# KEYS: feeds; ARGV: max length, then score/member pairs. Adds to existing feeds only and
# trims each to its newest entries (rank 0, the sentinel, is kept).
PUSH_SCRIPT = """
local pushed = 0
local keep = tonumber(ARGV[1])
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('ZADD', key, unpack(ARGV, 2))
    redis.call('ZREMRANGEBYRANK', key, 1, -(keep + 1))
    pushed = pushed + 1
  end
end
return pushed
"""

_script = None


def _ttl() -> int:
    return settings.SOCIAL_FEED_TTL_DAYS * 24 * 3600


def _call(action: str, function, default=None):
    client = raw_redis()
    if client is None:
        return default
    try:
        return function(client)
    except Exception:  # Redis down or refusing: the database path serves the page
        logger.warning("social feeds: %s failed", action, exc_info=True)
        return default


def score_of(created_at) -> int:
    """Microseconds since the epoch: exact in Redis' double scores until the year 2255."""
    return score_of_epoch(created_at.timestamp())


def score_of_epoch(seconds: float) -> int:
    """`score_of` a time given as epoch seconds, as PostgreSQL's `EXTRACT(EPOCH ...)::float8`
    gives it: the same double `datetime.timestamp()` makes (both rounded from the exact value)."""
    return int(seconds * 1_000_000)


@dataclass(frozen=True)
class FeedRead:
    exists: bool
    rows: list[tuple[int, int]]  # (activity id, score), newest first
    truncated: bool  # the feed is full: older entries may exist only in the database


def feed_read(user_id: int, *, max_score: int | str, count: int) -> FeedRead | None:
    """Up to `count` entries at or below `max_score`; None when Redis is unreachable."""

    def read(client):
        key = feed_key(user_id)
        pipe = client.pipeline(transaction=False)
        pipe.zcard(key)
        pipe.zrevrangebyscore(key, max_score, "(0", start=0, num=count, withscores=True)
        pipe.expire(key, _ttl())
        size, rows, _expire = pipe.execute()
        entries = [(int(member), int(score)) for member, score in rows]
        return FeedRead(exists=size > 0, rows=entries, truncated=size > settings.SOCIAL_FEED_LENGTH)

    return _call("read", read)


def feed_store(user_id: int, entries: list[tuple[int, int]]) -> None:
    """Replace the reader's feed with `entries` (activity id, score), built from the database."""

    def store(client):
        key = feed_key(user_id)
        mapping = {SENTINEL: 0, **{str(activity_id): score for activity_id, score in entries}}
        pipe = client.pipeline(transaction=True)
        pipe.delete(key)
        pipe.zadd(key, mapping)
        pipe.expire(key, _ttl())
        pipe.execute()

    _call("store", store)


def feed_push(user_ids: list[int], entries: list[tuple[int, int]]) -> int:
    """Add `entries` to the feeds of `user_ids` that exist; returns how many feeds took them."""
    if not user_ids or not entries:
        return 0

    def push(client):
        global _script
        if _script is None:
            _script = client.register_script(PUSH_SCRIPT)
        args = [settings.SOCIAL_FEED_LENGTH]
        for activity_id, score in entries:
            args += [score, str(activity_id)]
        pushed = 0
        for start in range(0, len(user_ids), KEYS_PER_CALL):
            keys = [feed_key(uid) for uid in user_ids[start : start + KEYS_PER_CALL]]
            pushed += _script(keys=keys, args=args, client=client)
        return pushed

    return _call("push", push, default=0)


def feed_remove(user_ids: list[int], activity_ids: list[int]) -> None:
    """Take activities out of these readers' feeds (deleted, hidden or made private)."""
    if not user_ids or not activity_ids:
        return
    members = [str(activity_id) for activity_id in activity_ids]

    def remove(client):
        for start in range(0, len(user_ids), KEYS_PER_CALL):
            pipe = client.pipeline(transaction=False)
            for uid in user_ids[start : start + KEYS_PER_CALL]:
                pipe.zrem(feed_key(uid), *members)
            pipe.execute()

    _call("remove", remove)


def feed_drop(*user_ids: int) -> None:
    """Forget these readers' feeds: the next read rebuilds them from the database."""
    if user_ids:
        _call("drop", lambda client: client.delete(*(feed_key(uid) for uid in user_ids)))
