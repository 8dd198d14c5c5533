"""What fills the marks of the base template on pages shared by signed-in readers."""

import functools
from types import SimpleNamespace

from django.template import engines
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language

from core.fragments import CSRF_MARK

# nav 0: the reader's links (shelves, stats, notifications, profile, logout); nav 1: the
# unread counter on the phone menu's button; nav 2: the CSRF header htmx sends (on <body>).
NAV_TEMPLATES = {0: "_nav_reader.html", 1: "_nav_count.html", 2: "_nav_headers.html"}


def fill_nav(request, found) -> dict[int, str]:
    """Both header bits from one run of the context processors (one unread-count read)."""
    context = {}
    for processor in engines["django"].engine.template_context_processors:
        context.update(processor(request))
    unread = context.get("notifications_unread")
    nav = _nav_html(request.user.username, timezone.localdate().year, str(unread) if unread else "")
    return {pk: nav[pk] for pk, *_extra in found}


@functools.lru_cache(maxsize=2048)
def _nav_html(username: str, year: int, unread: str) -> dict[int, str]:
    """The header for these values, rendered once per process (its CSRF token is a mark)."""
    context = {"user": SimpleNamespace(username=username), "notifications_unread": unread, "csrf_token": CSRF_MARK}
    return {pk: get_template(name).render(context) if pk != 1 or unread else "" for pk, name in NAV_TEMPLATES.items()}


def fill_nav_visitor(request, found) -> dict[int, str]:
    """The header of a signed-out visitor: the sign-in links, no counter, no CSRF header."""
    nav = {0: _nav_visitor_html(get_language(), get_script_prefix())}
    return {pk: nav.get(pk, "") for pk, *_extra in found}


@functools.lru_cache(maxsize=8)
def _nav_visitor_html(language: str, script_prefix: str) -> str:
    return render_to_string("_nav_visitor.html")


def fill_reader_name(request, found) -> dict[int, str]:
    """The reader's name (the dashboard's greeting): no read, the request has the user."""
    name = escape(request.user.get_username())
    return {pk: name for pk, *_extra in found}
