"""Whole-page micro-cache for the hot pages: anonymous readers, and signed-in ones (below).

Rendering, not SQL, is what a warm page costs (see docs/benchmarks.md), so an anonymous
reader of a hot page gets the HTML another anonymous reader caused to be rendered at most
`PAGE_CACHE_SECONDS` ago. Readers see others' writes within those seconds, except where a
write purges the page (`purge_pages_on_commit`: a book's reviews, a hidden post).

Only requests that carry nothing personal are served or stored: GET/HEAD, no session or
messages cookie, not htmx; only 200 HTML responses that set no cookie are stored. A view
that must note each hit (e.g. a view counter) sets `response.page_cache_hook =
("dotted.path", (args,))`; the hook runs on every hit served from the cache.

Signed-in readers share pages too (`reader_page_cache`): on a miss the view renders the page
as a placeholder reader who owns nothing (`shared_reader()`, user id 0: no shelves, votes or
reads), with marks where a reader's own bits go (core.fragments: the header's links and
counter, shelf buttons, votes, unread marks, the CSRF token); the page is stored for
`PAGE_CACHE_SECONDS` and each request fills the marks from a few reads. The rendering cannot
carry anyone's data or token: the placeholder has none, and its CSRF secret is unusable.
A reader who wrote in the last `READ_YOUR_WRITES_SECONDS` (longer than `PAGE_CACHE_SECONDS`)
gets pages rendered for them alone, so they see their write at once and, when that window
ends, every stored page is younger than their write. Moderators (controls on every item),
htmx requests and pages with a flash message are always rendered for the reader. A reader's
own page (their profile: `own`) is stored for them alone under their id, rendered as they see
it with the same marks for the header and the CSRF token.

A page whose every part comes from versioned keys, or from rows whose changes bump a
namespace it reads (a topic's page: its posts, votes and the topic itself), may live until its
data changes (`until_changed=True`, on either cache): it is stored with the namespaces its
rendering read and the versions it read them at, and served only while they are unchanged.
Each process remembers those namespaces per page, so a hit reads their versions in the round
trip that reads the page. What no namespace covers (a topic's view count) lags at most
`VERSIONED_PAGE_SECONDS`; a page with nothing of the kind (a book's) may name a longer bound,
`until_changed="BOOK_PAGE_SECONDS"` (the setting holding it).

A page whose every mark also has a visitor filler (core.fragments) may be rendered once for
both: with `from_shared=True` the anonymous cache, on a miss, fills the signed-in readers'
shared page (stored, or rendered and stored for them) for visitors, and stores that under the
same versions and time; the first view of a long-tail page by either kind renders it for both.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils.module_loading import import_string

from core.cache import delete_on_commit, keep_fetched, read_versions, recording_versions, set_late, version_key
from core.fragments import fill_for_visitor, fill_marks, parse_marks
from core.moderation import can_moderate
from core.personal import read_for_page
from core.replica import recently_wrote

KEY_PREFIX = "page:anon:"
READER_KEY_PREFIX = "page:reader:"
OWN_KEY_PREFIX = "page:own:"


def path_cache_key(path: str, prefix: str = KEY_PREFIX) -> str:
    return prefix + hashlib.sha1(path.encode()).hexdigest()


def page_cache_key(request, prefix: str = KEY_PREFIX) -> str:
    return path_cache_key(request.get_full_path(), prefix)


def purge_pages_on_commit(*paths: str) -> None:
    """Drop the stored pages of each path (as linked, without a query string), the anonymous
    and the signed-in one, once the transaction commits: for writes that must not wait out
    PAGE_CACHE_SECONDS, such as an item made private or hidden by a moderator."""
    delete_on_commit(*(path_cache_key(path, prefix) for path in paths for prefix in (KEY_PREFIX, READER_KEY_PREFIX)))


def _run_hook(hook) -> None:
    """What a view asked to run on every hit served from the cache (`page_cache_hook`)."""
    if hook:
        path, hook_args = hook
        import_string(path)(*hook_args)


def _page_request(request) -> bool:
    """A page both caches may serve: the cache on, a plain GET or HEAD (not htmx)."""
    return settings.PAGE_CACHE_SECONDS > 0 and request.method in ("GET", "HEAD") and "HX-Request" not in request.headers


def _cacheable_request(request) -> bool:
    return (
        _page_request(request)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _cacheable_response(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
    )


# Per process, the namespaces of each page that lives until its data changes: a hit reads their
# versions with the page. Bounded: a forgotten page costs one more round trip on its next hit.
_page_namespaces: dict[str, tuple[str, ...]] = {}
_PAGES_KNOWN = 100_000


def _known(key: str, until_changed: bool | str) -> tuple[str, ...]:
    return _page_namespaces.get(key, ()) if until_changed else ()


def _learn(key: str, namespaces: tuple[str, ...]) -> None:
    if len(_page_namespaces) >= _PAGES_KNOWN:
        _page_namespaces.clear()
    _page_namespaces[key] = namespaces


def _fresh(key: str, stored):
    """A stored page still good to serve: within its time, its namespaces at the versions it
    was rendered under. Stored as (content, content type, hook, namespaces, versions, until)."""
    if stored is None or len(stored) != 6:  # none, or stored by an older deploy
        return None
    _content, _content_type, _hook, namespaces, stamp, until = stored
    if namespaces:
        _learn(key, namespaces)  # even from a page past its time: the next rendering is stamped first
    if time.time() > until or (namespaces and read_versions(namespaces) != stamp):
        return None
    return stored


def _longest(until_changed: bool | str) -> int:
    """How long a page that lives until its data changes may live: the setting it names, else
    VERSIONED_PAGE_SECONDS."""
    return getattr(settings, until_changed if isinstance(until_changed, str) else "VERSIONED_PAGE_SECONDS")


def _render_to_store(key: str, until_changed: bool | str, render):
    """The rendered page, and how to store it: `(content, content type, hook, namespaces,
    versions, until)` for `cache.set` with that many seconds. A page lives until its data
    changes (`_longest` at most), stamped with each namespace its rendering read at
    the version read before anything was built from it: before the rendering where this
    process knows the page's namespaces, else the first read during it. A write committed
    meanwhile bumps a version past the stamp, so the page is not served again."""
    known = _known(key, until_changed)
    before = dict(zip(known, read_versions(known), strict=True))
    with recording_versions() as seen:
        response = render()
    namespaces, stamp = (), ()
    if until_changed and seen:
        versions = seen | before
        namespaces = tuple(sorted(versions))
        stamp = tuple(versions[namespace] for namespace in namespaces)
        if namespaces != known:
            _learn(key, namespaces)
    if not _cacheable_response(response):
        return response, None, 0
    seconds = _longest(until_changed) if namespaces else settings.PAGE_CACHE_SECONDS
    hook = getattr(response, "page_cache_hook", None)
    stored = (response.content, response["Content-Type"], hook, namespaces, stamp, time.time() + seconds)
    return response, stored, seconds


# Per process, stored pages signed-in readers were served, cut at their marks: what every
# reader's request would split again (a busy topic's page holds hundreds of marks). A page is
# known by its key and the time stored with it, which no other rendering shares. Bounded:
# when full it starts over (one clear, safe beside other threads).
_parsed_pages: dict[tuple[str, float], object] = {}
_PARSED_KEPT = 64


def _parsed(key: str, until: float, content: str):
    parsed = _parsed_pages.get((key, until))
    if parsed is None:
        if len(_parsed_pages) >= _PARSED_KEPT:
            _parsed_pages.clear()
        parsed = _parsed_pages[(key, until)] = parse_marks(content)
    return parsed


def _rendered(view, request, args, kwargs):
    response = view(request, *args, **kwargs)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def _read_page(key: str, until_changed: bool | str):
    """A stored page and the versions of its namespaces, in one round trip (versions kept for
    the request); the page as stored, before `_fresh`."""
    versions = [version_key(ns) for ns in _known(key, until_changed)]
    got = cache.get_many([key, *versions])
    keep_fetched({name: got.get(name) for name in versions})
    return got.get(key)


def _from_shared(shared_page, request, key: str, args, kwargs):
    """A visitor's page filled from the signed-in readers' shared page, stored for visitors
    with the shared page's versions and time; None where a mark has no visitor filler."""
    shared_key, shared, state = shared_page(request, args, kwargs)
    if shared is None:
        return None
    content, content_type, hook, namespaces, stamp, until = shared
    html = fill_for_visitor(request, _parsed(shared_key, until, content))
    if html is None:
        return None
    if state == "hit":
        _run_hook(hook)
    content = html.encode()
    set_late(key, (content, content_type, hook, namespaces, stamp, until), max(1, int(until - time.time())))
    if namespaces:
        _learn(key, namespaces)
    response = HttpResponse(content, content_type=content_type)
    response["X-Page-Cache"] = "shared"
    return response


def anonymous_page_cache(view=None, *, until_changed: bool | str = False, from_shared: bool = False):
    """View decorator; put it under any rate-limit decorator so limits still count.
    `until_changed`: the page lives until its data changes (True, or the name of the setting
    bounding its life; module doc); `from_shared`: a miss is filled
    from the signed-in readers' page, `view` being wrapped by `reader_page_cache` (module doc)."""
    if view is None:
        return functools.partial(anonymous_page_cache, until_changed=until_changed, from_shared=from_shared)
    shared_page = getattr(view, "shared_page", None)
    if from_shared and shared_page is None:
        raise ImproperlyConfigured(f"{view.__name__}: from_shared needs reader_page_cache under it.")

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = page_cache_key(request)
        hit = _fresh(key, _read_page(key, until_changed))
        if hit is not None:
            content, content_type, hook, *_rest = hit
            _run_hook(hook)
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        if from_shared and (response := _from_shared(shared_page, request, key, args, kwargs)) is not None:
            return response
        response, stored, seconds = _render_to_store(key, until_changed, lambda: _rendered(view, request, args, kwargs))
        if stored is not None:
            set_late(key, stored, seconds)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapped


# A CSRF secret no reader has: a token rendered into a shared page by mistake fails for all.
_UNUSABLE_CSRF_SECRET = "0" * 32


def shared_reader():
    """Who a shared page is rendered for: signed in, owning nothing (id 0 matches no row)."""
    return get_user_model()(pk=0, username="", is_active=True)


def _may_share(request) -> bool:
    """What can be told of a request without its user."""
    return _page_request(request) and settings.SESSION_COOKIE_NAME in request.COOKIES


def _shareable_request(request) -> bool:
    user = request.user
    return (
        _may_share(request)
        and user.is_authenticated
        and not can_moderate(user)
        and "messages" not in request.COOKIES
        and "_messages" not in request.session
        and not recently_wrote(request)
    )


def _render_shared(view, request, args, kwargs, *, own: bool = False):
    """The page to store: for the placeholder reader, or (`own`) for its owner as they see it,
    their header and CSRF tokens as marks (core.context_processors). No CSRF secret of theirs
    can reach it."""
    reader, meta = request.user, request.META
    saved = {name: meta[name] for name in ("CSRF_COOKIE", "CSRF_COOKIE_NEEDS_UPDATE") if name in meta}
    if own:
        request.own_page = True
    else:
        request.user, request.shared_page = shared_reader(), True
    meta["CSRF_COOKIE"] = _UNUSABLE_CSRF_SECRET
    try:
        return _rendered(view, request, args, kwargs)
    finally:
        request.user, request.shared_page, request.own_page = reader, False, False
        meta.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
        meta.pop("CSRF_COOKIE", None)
        meta.update(saved)


def own_page_key(request) -> str:
    """Where a reader's own page (`reader_page_cache`'s `own`) is kept: under their id, so no
    one else, nor a later holder of their name, is ever served it."""
    return path_cache_key(request.get_full_path(), f"{OWN_KEY_PREFIX}{request.user.pk}:")


def _shared(view, key: str, until_changed: bool | str, request, args, kwargs, stored, *, own: bool = False):
    """The stored page: `stored` if still fresh, else rendered (`_render_shared`) and stored.
    (page with its content as text, "hit" or "miss"), or (None, None) for a response that is
    not stored (an error page, a redirect)."""
    hit = _fresh(key, stored)
    if hit is not None:
        return hit, "hit"
    _response, hit, seconds = _render_to_store(
        key, until_changed, lambda: _render_shared(view, request, args, kwargs, own=own)
    )
    if hit is None:
        return None, None
    hit = (hit[0].decode(), *hit[1:])  # filled as text on every hit
    set_late(key, hit, seconds)
    return hit, "miss"


def reader_page_cache(view=None, *, shareable=None, own=None, personal=None, until_changed: bool | str = False):
    """View decorator: signed-in readers share one rendering of the page (module doc). The
    view's templates and panels print marks where `request.shared_page` is true.

    `shareable(request, *args, **kwargs)`, for pages that differ by who looks (a profile for
    its owner or a follower), says whether this reader sees what the placeholder sees; when
    it says no, the page is rendered for them alone, unless `own(request, *args, **kwargs)`
    says it is their own page (their profile): that is kept for them alone, rendered as they
    see it with their header and CSRF tokens as marks, and lives as the shared one does.
    `personal()` names the personal fragments the page holds (core.personal), read in the
    same round trip as the page. `until_changed`: the page lives until its data changes
    (module doc)."""
    if view is None:
        return functools.partial(
            reader_page_cache, shareable=shareable, own=own, personal=personal, until_changed=until_changed
        )

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        key = page_cache_key(request, READER_KEY_PREFIX)
        hit = None
        if _may_share(request):
            # One round trip for the page, its versions, the reader and their facts, before
            # `request.user` is read.
            versions = [version_key(ns) for ns in _known(key, until_changed)]
            hit = read_for_page(request, key, personal() if personal else (), also=versions)
        if not _shareable_request(request):
            return view(request, *args, **kwargs)
        is_own = False
        if shareable and not shareable(request, *args, **kwargs):
            if not (own and own(request, *args, **kwargs)):
                return view(request, *args, **kwargs)
            is_own, key = True, own_page_key(request)
            hit = _read_page(key, until_changed)
        hit, state = _shared(view, key, until_changed, request, args, kwargs, hit, own=is_own)
        if hit is None:
            return view(request, *args, **kwargs)
        if state == "hit":
            _run_hook(hit[2])
        content, content_type, *_rest = hit
        response = HttpResponse(fill_marks(request, _parsed(key, hit[5], content)), content_type=content_type)
        response["X-Page-Cache"] = state
        return response

    def shared_page(request, args, kwargs):
        """For a visitor (anonymous_page_cache's `from_shared`): (key, page, state) as `_shared`."""
        key = page_cache_key(request, READER_KEY_PREFIX)
        return key, *_shared(view, key, until_changed, request, args, kwargs, _read_page(key, until_changed))

    wrapped.shared_page = shared_page
    return wrapped
