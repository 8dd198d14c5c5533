"""Cache helpers every app builds on: cached reads (misses included) and versioned keys.

Apps keep their own key builders in `<app>/cache.py`; this module only provides the
mechanics. Invalidation bumps a namespace version, so no code hunts for stale keys and
nothing ever calls `cache.clear()` (sessions and rate-limit counters share the cache).
If Redis is down, django-redis is configured to ignore errors: every read is a miss,
builders run against the database, and the page is still served.
"""

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from redis.exceptions import RedisError

from core.replica import primary_reads

logger = logging.getLogger(__name__)

T = TypeVar("T")

VERSION_KEY = "ver:{namespace}"


def version_key(namespace: str) -> str:
    """The cache key holding a namespace's version (core.personal reads many in one `get_many`)."""
    return VERSION_KEY.format(namespace=namespace)


# Namespace versions already read by the current request: a page reads several keys of one
# namespace (a book's data, its rendered panels), one Redis round trip per version is enough.
# Only inside a request (signals below), and a bump by this process drops its entry at once.
_request = threading.local()


def _request_started(**kwargs) -> None:
    _request.versions = {}
    _request.writes = {}
    _request.fetched = {}
    _request.recording = None


def _request_finished(**kwargs) -> None:
    _request.versions = None
    _request.fetched = None
    _request.recording = None
    flush_writes()


def get_many_fetched(keys) -> dict:
    """`cache.get_many(keys)`, taking what this request already fetched (`keep_fetched`)
    instead of reading it again: one round trip for the rest, none if nothing is left."""
    fetched = getattr(_request, "fetched", None) or {}
    got = {key: fetched.pop(key) for key in keys if key in fetched}
    rest = [key for key in keys if key not in got]
    if rest:
        got |= cache.get_many(rest)
    return {key: value for key, value in got.items() if value is not None}


def keep_fetched(values: dict) -> None:
    """Values this request has already read (in a `get_many` with others): `cached()` takes
    them instead of reading them again. Outside a request, nothing is kept."""
    fetched = getattr(_request, "fetched", None)
    if fetched is not None:
        fetched.update(values)


def prefetch(keys: Iterable[str]) -> None:
    """Read in one round trip the keys a page is about to ask `cached()` for (its panels'),
    instead of one GET each; a miss is kept as a miss. Only inside a request."""
    fetched = getattr(_request, "fetched", None)
    if fetched is None:
        return
    keys = [key for key in dict.fromkeys(keys) if key not in fetched]
    if len(keys) > 1:
        got = cache.get_many(keys)
        keep_fetched({key: got.get(key) for key in keys})


request_started.connect(_request_started, dispatch_uid="core.cache.versions.start")
request_finished.connect(_request_finished, dispatch_uid="core.cache.versions.finish")


def namespace_version(namespace: str) -> int:
    """The current version of a namespace; a fresh one is created on first use."""
    memo = getattr(_request, "versions", None)
    if memo is None:
        return _read_version(namespace)
    if namespace not in memo:
        memo[namespace] = _read_version(namespace)
    _record(namespace, memo[namespace])
    return memo[namespace]


def _read_version(namespace: str) -> int:
    return _version_or_new(namespace, cache.get(version_key(namespace)))


def _clock_version() -> int:
    """A new version starts from the clock, so a lost version key (eviction, restart) never
    reuses an old version whose stale entries may still be in the cache."""
    return int(time.time() * 1000)


def _version_or_new(namespace: str, version: int | None) -> int:
    """`version` as read from the cache, or a new one when the key was missing."""
    if version is None:
        version = _clock_version()
        key = version_key(namespace)
        if not cache.add(key, version, timeout=None):
            version = cache.get(key, version)
    return version


def _new_versions(namespaces: list[str]) -> dict[str, int]:
    """`_version_or_new` of namespaces whose keys were missing (the first view of a book
    creates a few), in one round trip: each key is set to the clock unless another process set
    it meanwhile, then read back, so every process ends up with the same version."""
    client = raw_redis()
    if client is None or len(namespaces) < 2:
        return {ns: _version_or_new(ns, None) for ns in namespaces}
    version = _clock_version()
    keys = [cache.make_key(version_key(ns)) for ns in namespaces]
    try:
        with client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(key, version, nx=True)
            for key in keys:
                pipe.get(key)
            stored = pipe.execute()[len(keys) :]
    except RedisError:  # as a failed `cache.add`: this request goes on with its own version
        logger.warning("cache: versions not created", exc_info=True)
        return dict.fromkeys(namespaces, version)
    return {
        ns: version if raw is None else cache.client.decode(raw) for ns, raw in zip(namespaces, stored, strict=True)
    }


def read_versions(namespaces: Iterable[str]) -> tuple:
    """The current versions of `namespaces`, in order: those this request has read or fetched
    already, the rest in one round trip; a missing one is created. Memoized for the request."""
    namespaces, memo = tuple(namespaces), _versions_memo()
    wanted = [ns for ns in dict.fromkeys(namespaces) if ns not in memo]
    if wanted:
        found = get_many_fetched([version_key(ns) for ns in wanted])
        memo |= {ns: found[version_key(ns)] for ns in wanted if version_key(ns) in found}
    return _known_or_created(memo, namespaces)


def create_versions(namespaces: Iterable[str]) -> dict[str, int]:
    """`read_versions` of namespaces whose keys a read has just found missing (a new reader's),
    without reading them again: created in one round trip, unless this request knows them."""
    namespaces = tuple(namespaces)
    return dict(zip(namespaces, _known_or_created(_versions_memo(), namespaces), strict=True))


def _versions_memo() -> dict[str, int]:
    """This request's versions by namespace (outside a request, a dict of the call's own)."""
    memo = getattr(_request, "versions", None)
    return memo if memo is not None else {}


def _known_or_created(memo: dict[str, int], namespaces: tuple[str, ...]) -> tuple:
    """The versions `memo` holds, those it lacks created in one round trip (`_new_versions`);
    each recorded for what is being built."""
    memo |= _new_versions([ns for ns in dict.fromkeys(namespaces) if ns not in memo])
    for namespace in namespaces:
        _record(namespace, memo[namespace])
    return tuple(memo[ns] for ns in namespaces)


def depends_on(*namespaces: str) -> None:
    """What is being built changes when these namespaces are bumped, though it reads no key of
    theirs (a page of plain queries): their versions are read, so a page stored until its data
    changes (core.microcache) carries them."""
    read_versions(namespaces)


def prefetch_versions(*namespaces: str) -> None:
    """Read the versions a page is about to need in one round trip (its panels' namespaces,
    core.panels) instead of one GET each; only inside a request, where they are memoized."""
    if getattr(_request, "versions", None) is not None:
        read_versions(namespaces)


def _record(namespace: str, version: int) -> None:
    recording = getattr(_request, "recording", None)
    if recording is not None:
        recording.setdefault(namespace, version)


@contextmanager
def recording_versions():
    """The namespaces whose versions the block reads (what it was built from), each with the
    version it first read: what was built from a namespace's keys or rows after that read is
    at least that new. Inside a request only, else it stays empty."""
    outer = getattr(_request, "recording", None)
    seen: dict[str, int] = {}
    if getattr(_request, "versions", None) is not None:
        _request.recording = seen
    try:
        yield seen
    finally:
        if getattr(_request, "versions", None) is not None:
            _request.recording = outer
            if outer is not None:
                for namespace, version in seen.items():
                    outer.setdefault(namespace, version)


def versioned_key(namespace: str, *parts: object) -> str:
    """`namespace:v<version>:part1:part2` — all keys of a namespace go stale at once on bump."""
    suffix = ":".join(str(part) for part in parts)
    return f"{namespace}:v{namespace_version(namespace)}:{suffix}"


def bump_namespace(namespace: str) -> None:
    """Invalidate every key of `namespace` (after the current transaction commits)."""

    def bump():
        memo = getattr(_request, "versions", None)
        if memo:
            memo.pop(namespace, None)
        key = version_key(namespace)
        try:
            cache.incr(key)
        except ValueError:  # not set yet (or evicted): any new value invalidates
            cache.set(key, _clock_version(), timeout=None)

    transaction.on_commit(bump)


# Per-reader versions (core.personal) expire: an entry built under a version that has since
# expired is itself gone by then, as no entry outlives this.
READER_VERSION_TIMEOUT = 24 * 60 * 60


def bump_namespaces(*namespaces: str) -> None:
    """Give each namespace a fresh random version after commit, all in one round trip: for the
    many per-reader namespaces a fan-out touches. Their versions are compared for equality
    only (core.personal), never counted up."""
    if namespaces:
        transaction.on_commit(lambda: bump_namespaces_now(*namespaces))


def bump_namespaces_now(*namespaces: str) -> None:
    """`bump_namespaces` at once, for code already running after commit."""
    forget_versions(*namespaces)
    cache.set_many({version_key(ns): secrets.randbits(62) for ns in namespaces}, READER_VERSION_TIMEOUT)


def forget_versions(*namespaces: str) -> None:
    """Drop the versions this request has read of these namespaces: they are being bumped."""
    memo = getattr(_request, "versions", None)
    fetched = getattr(_request, "fetched", None)
    for namespace in namespaces:
        if memo:
            memo.pop(namespace, None)
        if fetched:
            fetched.pop(version_key(namespace), None)


def raw_redis():
    """The raw Redis client behind the cache, or None without Redis (local-memory cache)."""
    client = getattr(cache, "client", None)
    if client is None or not hasattr(client, "get_client"):
        return None
    return client.get_client(write=True)


def delete_on_commit(*keys: str) -> None:
    """Delete exact keys once the transaction commits, so no reader refills them with old rows."""
    transaction.on_commit(lambda: cache.delete_many(list(keys)))


def cached(
    key: str, build: Callable[[], T], timeout: int | None = None, *, late: bool = False, keep_none: bool = True
) -> T:
    """Return the cached value for `key`, building and storing it on a miss.

    The value is stored wrapped in a 1-tuple so that a cached `None` (e.g. "no such
    book") is a hit, not a miss that queries the database again. `keep_none=False` never
    stores a `None`: for an absence that another process may end at any moment.

    `late=True` (inside a request) stores it when the request ends, with the request's other
    late writes in one round trip: only for a versioned key that nothing deletes
    by name, whose invalidation is a namespace bump. Its key carries the version read before
    the value was built, so a bump meanwhile (by anyone) leaves the value under the old
    version, never read again, exactly as an immediate write would. Until then the request
    reads it back from memory.
    """
    writes = getattr(_request, "writes", None) if late else None
    if writes is not None and key in writes:
        return writes[key][0][0]
    fetched = getattr(_request, "fetched", None)
    hit = fetched.pop(key) if fetched and key in fetched else cache.get(key)
    if hit is not None:
        return hit[0]
    with primary_reads():  # a value built from a lagging replica would outlive the lag
        value = build()
    timeout = timeout if timeout is not None else cache.default_timeout
    if value is None and not keep_none:
        return value
    if writes is not None:
        writes[key] = ((value,), timeout)
    else:
        cache.set(key, (value,), timeout)
    return value


def set_late(key: str, value: object, timeout: int) -> None:
    """`cache.set` when the request ends, with its other late writes in one round trip (a page
    just rendered, which a request meanwhile renders again); at once outside a request."""
    writes = getattr(_request, "writes", None)
    if writes is None:
        cache.set(key, value, timeout)
    else:
        writes[key] = (value, timeout)


def flush_writes() -> None:
    """Store the request's late writes (`cached(late=True)`) in one round trip."""
    writes = getattr(_request, "writes", None)
    _request.writes = None
    set_each(writes or {})


def set_each(entries: dict[str, tuple[object, int | None]]) -> None:
    """`cache.set` of each key (`key: (value, timeout)`) with its own timeout, in one round
    trip (without Redis, one `set_many` per timeout). A lost write is only logged, like any
    cache write (IGNORE_EXCEPTIONS): the next request builds the value again."""
    if not entries:
        return
    client = raw_redis()
    if client is None:
        by_timeout: dict[int | None, dict[str, object]] = {}
        for key, (value, timeout) in entries.items():
            by_timeout.setdefault(timeout, {})[key] = value
        for timeout, values in by_timeout.items():
            cache.set_many(values, timeout)
        return
    try:
        with client.pipeline(transaction=False) as pipe:
            for key, (value, timeout) in entries.items():
                pipe.set(cache.make_key(key), cache.client.encode(value), ex=timeout)
            pipe.execute()
    except RedisError:
        logger.warning("cache: %d writes lost", len(entries), exc_info=True)
