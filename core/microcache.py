"""Whole-page micro-cache for anonymous readers of the hot pages.

Rendering, not SQL, is what a warm page costs (see docs/benchmarks.md), so an anonymous
reader of a hot page gets the HTML another anonymous reader caused to be rendered at most
`PAGE_CACHE_SECONDS` ago. Logged-in readers always get a fresh page, so everyone sees
their own writes at once; anonymous readers see others' writes within those seconds, except
where a write purges the page (`purge_pages_on_commit`: a book's reviews, a hidden post).

Only requests that carry nothing personal are served or stored: GET/HEAD, no session or
messages cookie, not htmx; only 200 HTML responses that set no cookie are stored. A view
that must note each hit (e.g. a view counter) sets `response.page_cache_hook =
("dotted.path", (args,))`; the hook runs on every hit served from the cache.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.module_loading import import_string

from core.cache import delete_on_commit

KEY_PREFIX = "page:anon:"


def path_cache_key(path: str) -> str:
    return KEY_PREFIX + hashlib.sha1(path.encode()).hexdigest()


def page_cache_key(request) -> str:
    return path_cache_key(request.get_full_path())


def purge_pages_on_commit(*paths: str) -> None:
    """Drop the stored page of each path (as linked, without a query string) once the
    transaction commits: for writes that must not wait out PAGE_CACHE_SECONDS, such as an
    item made private or hidden by a moderator."""
    delete_on_commit(*(path_cache_key(path) for path in paths))


def _cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HX-Request" not in request.headers
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
            if hook:
                path, hook_args = hook
                import_string(path)(*hook_args)
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
