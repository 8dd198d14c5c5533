"""Shared HTML with the reader's own bits filled in: one rendering serves every reader.

A fragment that every signed-in reader sees alike (a book's reviews, a list of topics) is
rendered once per version of its data and cached under the data's versioned key. Where a
reader's own state belongs (their vote, whether a topic is unread for them) the shared HTML
holds a mark, `<!--viewer:<kind>:<id>-->`; each request replaces the marks of one kind with
HTML built from one read for all of them (`fill_page`), so a page costs a fixed, small
number of reads whatever its length. Pages keep working without JavaScript: what fills a
mark is plain HTML (forms, links).

Whole pages shared by signed-in readers (core.microcache.reader_page_cache) are filled by
`fill_page`: every kind of mark has a filler registered by the app that owns it
(`register_filler`), called once per page with all the marks of its kind. A *slot*,
`<!--slot:<kind>:<id>-->default<!--/slot-->`, holds what most readers see (a book's shelf
buttons for a reader who has not shelved it); its filler returns the reader's own HTML, or
None to keep the default. The CSRF token is a mark of its own (`CSRF_MARK`), replaced last,
so filled HTML may carry it too.

A page whose every kind also has a *visitor* filler (`register_filler(..., visitor=...)`: what
a signed-out visitor sees there, always a string) can be filled for visitors too
(`fill_for_visitor`): one rendering then serves both (core.microcache, `from_shared`).
"""

import functools
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe

# The extra ints may be negative (a post's score).
CSRF_MARK = mark_safe("<!--viewer-csrf-->")

# kind -> fill(request, ((pk, *extra), ...)) -> {pk: html} (for a slot: html or None)
Filler = Callable[[HttpRequest, tuple[tuple[int, ...], ...]], dict[int, str | None]]
_fillers: dict[str, Filler] = {}
_visitor_fillers: dict[str, Filler] = {}


def viewer_mark(kind: str, pk: int, *extra: int) -> SafeString:
    """The mark of the reader's own bit `kind` about object `pk` (plus ints the filler needs)."""
    return mark_safe(f"<!--viewer:{kind}:{_ints(pk, extra)}-->")


def slot(kind: str, pk: int, default: str, *extra: int) -> SafeString:
    """`default` for most readers; the filler of `kind` may put a reader's own HTML instead."""
    return mark_safe(f"<!--slot:{kind}:{_ints(pk, extra)}-->{default}<!--/slot-->")


def _ints(pk: int, extra: tuple[int, ...]) -> str:
    return ":".join(map(str, map(int, (pk, *extra))))


def register_filler(kind: str, fill: Filler, *, visitor: Filler | None = None) -> None:
    """Register (or replace) what fills the marks and slots of `kind` in shared pages, and what
    fills them for a signed-out visitor (module doc)."""
    _fillers[kind] = fill
    if visitor is None:
        _visitor_fillers.pop(kind, None)
    else:
        _visitor_fillers[kind] = visitor


def _keep(request: HttpRequest, found: list[tuple[int, ...]]) -> dict[int, str | None]:
    return {}


# Marks, slot openings and slot ends, in one pass over the page (a lazy `(.*?)` over each
# slot's default cost more than everything else of a filled page).
_TOKEN = re.compile(r"<!--(?:(viewer|slot):([a-z_]+):(\d+)((?::-?\d+)*)|/slot)-->")


Marks = tuple[list[str], dict[str, tuple[tuple[int, ...], ...]]]


def parse_marks(html: str) -> Marks:
    """A page cut at its marks and slots, and the marks of each kind: what `fill_marks` fills.
    The same for every reader of a stored page, so it may be kept (core.microcache)."""
    # [text, (what, kind, pk, extra, text) per token...]: what is "viewer", "slot" or None
    # for a slot's end; split in C, so the loops below only visit the tokens.
    parts = _TOKEN.split(html)
    found: dict[str, list[tuple[int, ...]]] = defaultdict(list)
    for at in range(1, len(parts), 5):
        if parts[at]:
            pk, extra = int(parts[at + 2]), parts[at + 3]
            found[parts[at + 1]].append((pk, *map(int, extra[1:].split(":"))) if extra else (pk,))
    return parts, {kind: tuple(items) for kind, items in found.items()}


def fill_page(request: HttpRequest, html: str) -> SafeString:
    """A shared page with this reader's bits: one filler call per kind of mark or slot."""
    return fill_marks(request, parse_marks(html))


def fill_marks(request: HttpRequest, marks: Marks) -> SafeString:
    """`fill_page` of a page already parsed (`parse_marks`)."""
    parts, found = marks
    # A kind nobody fills (a page stored by an older release) keeps its defaults.
    fills = {kind: _fillers.get(kind, _keep)(request, items) for kind, items in found.items()}
    html = _assemble(parts, fills)
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, get_token(request))
    return mark_safe(html)


def fill_for_visitor(request: HttpRequest, marks: Marks) -> SafeString | None:
    """A shared page (parsed) as a signed-out visitor sees it, or None where it cannot be: a
    kind of mark with no visitor filler, or a form left needing a token (a visitor's page is
    stored for every visitor, so it carries no token)."""
    parts, found = marks
    if not all(kind in _visitor_fillers for kind in found):
        return None
    html = _assemble(parts, {kind: _visitor_fillers[kind](request, items) for kind, items in found.items()})
    return None if CSRF_MARK in html else mark_safe(html)


def _assemble(parts: list[str], fills: dict[str, dict[int, str | None]]) -> str:
    out, replaced = [parts[0]], False
    for at in range(1, len(parts), 5):
        what = parts[at]
        if replaced:  # inside a slot the reader's own HTML replaces: skip to its end
            if what is None:
                replaced = False
                out.append(parts[at + 4])
            continue
        if what == "viewer":
            out.append(fills[parts[at + 1]].get(int(parts[at + 2])) or "")
        elif what == "slot":
            own = fills[parts[at + 1]].get(int(parts[at + 2]))
            if own is not None:
                out.append(own)
                replaced = True
                continue
        out.append(parts[at + 4])
    return "".join(out)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def instant(moment: datetime) -> int:
    """A time as an int for a mark's extras: microseconds since the epoch, exactly, so a
    filler compares it with a stored time (a read mark) without rounding."""
    return (moment - _EPOCH) // _MICROSECOND


def instant_time(value: int) -> datetime:
    """The time an `instant()` int stands for."""
    return _EPOCH + value * _MICROSECOND


_PK = 987654321  # reversed once per URL name, then replaced by each object's id or slug
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # what the URL's slug converter takes, unquoted


@functools.lru_cache(maxsize=64)
def _url_pattern(name: str, kwarg: str, prefix: str, urlconf) -> str:
    return reverse(name, kwargs={kwarg: _PK})


def pk_url(name: str, pk: int) -> str:
    """`reverse(name, kwargs={"pk": pk})` for the many ids of a filled fragment, reversed once."""
    return _url_pattern(name, "pk", get_script_prefix(), get_urlconf()).replace(str(_PK), str(int(pk)))


def slug_url(name: str, slug: str) -> str:
    """`reverse(name, kwargs={"slug": slug})` for pages listing many objects, reversed once."""
    if not _PLAIN_SLUG.fullmatch(slug):  # quoted by reverse(): take the long way
        return reverse(name, kwargs={"slug": slug})
    return _url_pattern(name, "slug", get_script_prefix(), get_urlconf()).replace(str(_PK), slug)
