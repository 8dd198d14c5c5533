"""A reader's own sections of a shared page, cached per reader: the dashboard, the feed page.

A page shared by signed-in readers (core.microcache.reader_page_cache) holds a mark where a
*personal fragment* goes (their reading progress, their feed, their goal); `fill_page` fills
every personal fragment of the page from ONE `get_many` that reads, together, each fragment's
stored HTML and the versions of the namespaces it depends on. A stored fragment is served
only if it was rendered under the versions read now (and the same day and language);
otherwise it is rendered again for the reader and stored for its `timeout`.

Exactness comes from the namespaces, bumped after commit by what changes a fragment:
- `reader:<id>` (`reader_namespace`), which every fragment depends on, is bumped by any
  successful write request of that reader (core.replica.ReadYourWritesMiddleware) and by
  bulk writes on their behalf (a library import): their own write shows on their next page;
- each app adds the namespaces of others' events (a followed reader's activity reaching the
  feed, a new post in a followed debate, a new recommendation list).
What no namespace covers (relative times, renamed books, an admin's edit) is bounded by the
fragment's timeout: `ACTIVITY_TIMEOUT` for others' activity, else `OWN_DATA_TIMEOUT`.
Versions are read before rendering, so a write that commits during a render leaves an entry
whose versions are already old.
"""

import logging
import secrets
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.cache import DEFAULT_CACHE_ALIAS, cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from redis.exceptions import RedisError, WatchError

from core.cache import (
    READER_VERSION_TIMEOUT,
    bump_namespaces,
    bump_namespaces_now,
    create_versions,
    forget_versions,
    get_many_fetched,
    keep_fetched,
    raw_redis,
    set_each,
    version_key,
)
from core.fragments import viewer_mark
from core.replica import primary_reads

logger = logging.getLogger(__name__)

KIND = "personal"
# How long a fragment or the facts of a reader may live: bounds what no namespace covers
# there (a renamed book, an admin's edit).
OWN_DATA_TIMEOUT = 30 * 60
# Fragments of others' activity: bounds their relative times ("há 2 minutos") and what no
# namespace follows there (a hidden post's unread count, the community stream).
ACTIVITY_TIMEOUT = 5 * 60


@dataclass(frozen=True)
class Personal:
    name: str
    render: Callable[[HttpRequest], str]
    namespaces: Callable[[int], Iterable[str]]  # reader id -> what the fragment depends on
    timeout: int

    @property
    def pk(self) -> int:
        return _pk(self.name)


def _pk(name: str) -> int:
    """A fragment's id in marks: stable across processes and deploys, since stored pages carry it."""
    return zlib.crc32(name.encode())


_registry: dict[int, Personal] = {}


def reader_namespace(user_id: int) -> str:
    return f"reader:{user_id}"


def reader_wrote(user_id: int) -> None:
    """The reader changed something: every personal fragment of theirs is rendered again."""
    bump_namespaces(reader_namespace(user_id))


def register_personal(
    name: str,
    render: Callable[[HttpRequest], str],
    *,
    namespaces: Callable[[int], Iterable[str]],
    timeout: int = OWN_DATA_TIMEOUT,
) -> Personal:
    """Register (or replace) a personal fragment; `reader:<id>` is always among its namespaces."""
    if timeout > READER_VERSION_TIMEOUT:
        raise ValueError("a personal fragment may not outlive the reader's versions")
    fragment = Personal(name=name, render=render, namespaces=namespaces, timeout=timeout)
    _registry[fragment.pk] = fragment
    return fragment


def registered_personal(name: str) -> Personal:
    return _registry[_pk(name)]


def personal_mark(name: str) -> SafeString:
    return viewer_mark(KIND, _pk(name))


def entry_key(fragment: Personal, user_id: int) -> str:
    return f"personal:{fragment.name}:{user_id}"


def render_for_reader(request: HttpRequest, fragment: Personal) -> str:
    """The fragment as this reader sees it, with a CSRF mark (core.context_processors) since
    a stored token would die with the reader's CSRF cookie."""
    request.personal_render = True
    try:
        with primary_reads():  # a fragment built from a lagging replica would outlive the lag
            return str(fragment.render(request))
    finally:
        request.personal_render = False


def _versions(got: dict, namespaces: Iterable[str]) -> tuple:
    """The namespaces' versions as `got` (a `get_many`) holds them (None: never set, or expired)."""
    return tuple(got.get(version_key(ns)) for ns in namespaces)


def _create_missing(got: dict, namespaces: Iterable[str]) -> None:
    """Versions `got` lacks are created now, all in one round trip, and added to it: before
    building what they stamp, else the build, creating them, would leave an entry that never
    matches. A new reader's first page lacks every one of theirs."""
    missing = [ns for ns in namespaces if got.get(version_key(ns)) is None]
    if missing:
        got.update({version_key(ns): version for ns, version in create_versions(missing).items()})


def _fragment_depends(fragment: Personal, user_id: int) -> list[str]:
    return [reader_namespace(user_id), *fragment.namespaces(user_id)]


def personal_keys(user_id: int, names: Iterable[str]) -> list[str]:
    """What `fill_personal` reads for these fragments of the reader: their entries and versions."""
    fragments = [_registry[_pk(name)] for name in names if _pk(name) in _registry]
    versions = {version_key(ns) for fragment in fragments for ns in _fragment_depends(fragment, user_id)}
    return [*(entry_key(fragment, user_id) for fragment in fragments), *versions]


def made_on() -> tuple[str, str]:
    """What a reader's own rendering depends on that no namespace covers, stamped with it: the
    day (relative dates, a reading pace) and the language."""
    return str(timezone.localdate()), get_language()


def fill_personal(request: HttpRequest, found: list[tuple[int, ...]]) -> dict[int, str]:
    """Filler of the personal marks: one `get_many`, then a render per stale or missing one."""
    user_id = request.user.pk
    fragments = [_registry[pk] for pk, *_extra in dict.fromkeys(found) if pk in _registry]
    if not fragments:
        return {}
    depends = {fragment.pk: _fragment_depends(fragment, user_id) for fragment in fragments}
    keys = {fragment.pk: entry_key(fragment, user_id) for fragment in fragments}
    version_keys = {version_key(ns) for names in depends.values() for ns in names}
    got = get_many_fetched([*keys.values(), *version_keys])  # read with the page, if asked (read_for_page)
    context = made_on()
    fills, fresh, stale = {}, {}, []
    for fragment in fragments:
        hit = got.get(keys[fragment.pk])
        if hit is not None and hit[0] == (*context, *_versions(got, depends[fragment.pk])):
            fills[fragment.pk] = hit[1]
        else:
            stale.append(fragment)
    _create_missing(got, [ns for fragment in stale for ns in depends[fragment.pk]])
    for fragment in stale:
        stamp = (*context, *_versions(got, depends[fragment.pk]))
        html = render_for_reader(request, fragment)
        fills[fragment.pk] = html
        fresh[keys[fragment.pk]] = ((stamp, html), fragment.timeout)
    set_each(fresh)
    return fills


# What fillers need to know of a reader (the books they have something of, their read marks),
# cached like personal fragments: ONE `get_many` per request reads every kind of facts with the
# versions they depend on, instead of a query per kind of mark on a shared page's hit. Facts
# are rebuilt after any write of the reader (`reader:<id>`) or a bump of their namespaces; what
# nothing bumps (an admin's edit) lives at most OWN_DATA_TIMEOUT.
@dataclass(frozen=True)
class Facts:
    load: Callable[[int], object]  # reader id -> a picklable value (None: too much to cache)
    namespaces: Callable[[int], Iterable[str]]


_facts: dict[str, Facts] = {}


def register_facts(name: str, load: Callable[[int], object], *, namespaces=lambda user_id: ()) -> None:
    _facts[name] = Facts(load=load, namespaces=namespaces)


def reader_facts(request: HttpRequest, name: str):
    """The reader's facts `name` as of their first read in this request (a visit that moves
    them, marking a topic read, changes them for the next request)."""
    user_id = request.user.pk
    # By reader: a shared page's placeholder (core.microcache) never gets a reader's facts.
    states = request.__dict__.setdefault("_reader_facts", {})
    if user_id not in states:
        states[user_id] = _stored_facts(user_id)
    values, got = states[user_id]
    if name not in values:
        values[name] = _load_facts(name, user_id, got)
    return values[name]


def user_cache_key(user_id) -> str:
    """Where the signed-in user is cached (accounts.backends.CachedModelBackend)."""
    return f"auth:user:{user_id}"


# Per process, the reader each session was last seen with (bounded: cleared when full, which
# only costs a round trip). A signed-in request then reads its session in the same round trip
# as the page and the reader's facts; the session read there still decides who is signed in,
# the hint only chooses whose keys are read along.
_session_readers: dict[str, int] = {}
_SESSION_READERS_KEPT = 10_000


def read_for_page(request: HttpRequest, key: str, personal: Iterable[str] = (), also: Iterable[str] = ()):
    """`cache.get(key)` for a page shared by signed-in readers, reading in the same round trip
    what serving it needs: the session (once this process has seen it), the signed-in user
    (kept for the auth backend, which checks it as ever), their facts, the entries of the
    page's `personal` fragments (kept for `fill_personal`) and the keys `also` asks for
    (kept). Before anything asks for `request.user`; None for a visitor."""
    session = request.session
    stored_at = _session_stored_at(session)
    hinted = _session_readers.get(stored_at) if stored_at else None
    if hinted is not None:
        kept, values, got = _read_reader(hinted, key, personal, also, stored_at)
        data = got.get(stored_at)
        if data is not None and _session_user_id(data) == hinted:
            session._session_cache, session.accessed = data, True  # as the session's own load leaves it
            return _keep_for_request(request, hinted, kept, values, got, key)
    user_id = _session_user_id(session)
    if user_id is None:
        return None
    if stored_at:
        if len(_session_readers) >= _SESSION_READERS_KEPT:
            _session_readers.clear()
        _session_readers[stored_at] = user_id
    kept, values, got = _read_reader(user_id, key, personal, also)
    return _keep_for_request(request, user_id, kept, values, got, key)


def _session_stored_at(session) -> str | None:
    """The cache key of a session nothing has read yet in this request, where sessions live
    in the default cache (Django's cache and cached_db engines); else None."""
    prefix, session_key = getattr(session, "cache_key_prefix", None), getattr(session, "session_key", None)
    if not (prefix and session_key) or hasattr(session, "_session_cache"):
        return None
    return prefix + session_key if settings.SESSION_CACHE_ALIAS == DEFAULT_CACHE_ALIAS else None


def _session_user_id(session) -> int | None:
    """The signed-in user's id in a session (a session store, or the data it holds)."""
    try:
        return get_user_model()._meta.pk.to_python(session[SESSION_KEY])
    except (KeyError, ValidationError):
        return None


def _read_reader(user_id: int, key: str, personal: Iterable[str], also: Iterable[str], *more: str):
    kept = [user_cache_key(user_id), *personal_keys(user_id, personal), *also]
    values, got = _stored_facts(user_id, also=(key, *kept, *more))
    return kept, values, got


def _keep_for_request(request: HttpRequest, user_id: int, kept: list[str], values: dict, got: dict, key: str):
    keep_fetched({name: got.get(name) for name in kept})
    request.__dict__.setdefault("_reader_facts", {})[user_id] = (values, got)
    return got.get(key)


def at_most(rows, most: int) -> list | None:
    """The rows of a query (sliced here to one more than `most`) as a list, or None when there
    are more than `most`: facts too large to cache, which the fillers ask the database for."""
    rows = list(rows[: most + 1])
    return None if len(rows) > most else rows


def _facts_key(name: str, user_id: int) -> str:
    return f"facts:{name}:{user_id}"


def _depends(name: str, user_id: int) -> list[str]:
    return [reader_namespace(user_id), *_facts[name].namespaces(user_id)]


def _stored_facts(user_id: int, also: Iterable[str] = ()) -> tuple[dict, dict]:
    """Every registered kind's stored facts still valid, and what the `get_many` read (the
    versions the others are rebuilt under, and the keys `also` asked for)."""
    depends = {name: _depends(name, user_id) for name in _facts}
    keys = {name: _facts_key(name, user_id) for name in _facts}
    versions = {version_key(ns) for names in depends.values() for ns in names}
    got = cache.get_many([*keys.values(), *versions, *also])
    values = {}
    for name in _facts:
        hit = got.get(keys[name])
        if hit is not None and hit[0] == _versions(got, depends[name]):
            values[name] = hit[1]
    return values, got


def _load_facts(name: str, user_id: int, got: dict):
    depends = _depends(name, user_id)
    _create_missing(got, depends)  # before the rows, as for fragments
    stamp = _versions(got, depends)
    with primary_reads():
        value = _facts[name].load(user_id)
    cache.set(_facts_key(name, user_id), (stamp, value), OWN_DATA_TIMEOUT)
    return value


def amend_facts(user_id: int, name: str, namespace: str, change: Callable[[object], object]) -> None:
    """After commit, bump `namespace` (one the facts `name` depend on) and carry the reader's
    stored facts over to its new version with `change` applied, in one Redis transaction: for
    a write whose effect on them is known (a visit's read mark), the next request reads them
    instead of rebuilding them. If anything moved the entry or its versions meanwhile (WATCH),
    or without Redis, the bump goes alone and they are rebuilt as before."""
    transaction.on_commit(lambda: _amend(user_id, name, namespace, change))


def _amend(user_id: int, name: str, namespace: str, change: Callable[[object], object]) -> None:
    client, depends = raw_redis(), _depends(name, user_id)
    if client is None or namespace not in depends:
        bump_namespaces_now(namespace)
        return
    forget_versions(namespace)
    entry_key = cache.make_key(_facts_key(name, user_id))
    version_keys = [cache.make_key(version_key(ns)) for ns in depends]
    decode, fresh = cache.client.decode, secrets.randbits(62)
    try:
        with client.pipeline() as pipe:
            pipe.watch(entry_key, *version_keys)
            raw_entry, *raw_versions = pipe.mget(entry_key, *version_keys)
            entry = decode(raw_entry) if raw_entry is not None else None
            versions = tuple(decode(raw) if raw is not None else None for raw in raw_versions)
            pipe.multi()
            pipe.set(version_keys[depends.index(namespace)], fresh, ex=READER_VERSION_TIMEOUT)
            if entry is not None and entry[0] == versions and entry[1] is not None:
                stamp = tuple(
                    fresh if ns == namespace else version for ns, version in zip(depends, versions, strict=True)
                )
                # The entry keeps its time to live: OWN_DATA_TIMEOUT still bounds what nothing bumps.
                pipe.set(entry_key, cache.client.encode((stamp, change(entry[1]))), keepttl=True)
            pipe.execute()
    except WatchError:
        bump_namespaces_now(namespace)
    except RedisError:
        logger.warning("personal: amending facts %s of reader %s failed", name, user_id, exc_info=True)
        bump_namespaces_now(namespace)
