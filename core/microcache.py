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
htmx requests and pages with a flash message are always rendered for the reader.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.module_loading import import_string

from core.cache import delete_on_commit
from core.fragments import fill_page
from core.moderation import can_moderate
from core.personal import read_for_page
from core.replica import recently_wrote

KEY_PREFIX = "page:anon:"
READER_KEY_PREFIX = "page:reader:"


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


def anonymous_page_cache(view):
    """View decorator; put it under any rate-limit decorator so limits still count."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = page_cache_key(request)
        hit = cache.get(key)
        if hit is not None:
            content, content_type, hook = hit
            _run_hook(hook)
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if _cacheable_response(response):
            hook = getattr(response, "page_cache_hook", None)
            cache.set(key, (response.content, response["Content-Type"], hook), settings.PAGE_CACHE_SECONDS)
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


def _render_shared(view, request, args, kwargs):
    reader, meta = request.user, request.META
    saved = {name: meta[name] for name in ("CSRF_COOKIE", "CSRF_COOKIE_NEEDS_UPDATE") if name in meta}
    request.user, request.shared_page = shared_reader(), True
    meta["CSRF_COOKIE"] = _UNUSABLE_CSRF_SECRET
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        return response
    finally:
        request.user, request.shared_page = reader, False
        meta.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
        meta.update(saved)


def reader_page_cache(view=None, *, shareable=None, personal=None):
    """View decorator: signed-in readers share one rendering of the page (module doc). The
    view's templates and panels print marks where `request.shared_page` is true.

    `shareable(request, *args, **kwargs)`, for pages that differ by who looks (a profile for
    its owner or a follower), says whether this reader sees what the placeholder sees; when
    it says no, the page is rendered for them alone. `personal()` names the personal
    fragments the page holds (core.personal), read in the same round trip as the page."""
    if view is None:
        return functools.partial(reader_page_cache, shareable=shareable, personal=personal)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        key = page_cache_key(request, READER_KEY_PREFIX)
        # One round trip for the page, the reader and their facts, before `request.user` is read.
        hit = read_for_page(request, key, personal() if personal else ()) if _may_share(request) else None
        if not _shareable_request(request) or (shareable and not shareable(request, *args, **kwargs)):
            return view(request, *args, **kwargs)
        if hit is None:
            response = _render_shared(view, request, args, kwargs)
            if not _cacheable_response(response):
                return view(request, *args, **kwargs)
            hit = (response.content.decode(), response["Content-Type"], getattr(response, "page_cache_hook", None))
            cache.set(key, hit, settings.PAGE_CACHE_SECONDS)
            state = "miss"
        else:
            state = "hit"
            _run_hook(hit[2])
        content, content_type, _hook = hit
        response = HttpResponse(fill_page(request, content), content_type=content_type)
        response["X-Page-Cache"] = state
        return response

    return wrapped
