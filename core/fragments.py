"""Shared HTML with the reader's own bits filled in: one rendering serves every reader.

A fragment that every signed-in reader sees alike (a book's reviews, a list of topics) is
rendered once per version of its data and cached under the data's versioned key. Where a
reader's own state belongs (their vote, whether a topic is unread for them) the shared HTML
holds a mark, `<!--viewer:<kind>:<id>-->`; each request replaces the marks of one kind with
HTML built from one read for all of them (`fill_marks`), so a page costs a fixed, small
number of reads whatever its length. Pages keep working without JavaScript: what fills a
mark is plain HTML (forms, links).
"""

import functools
import re
from collections.abc import Callable, Iterable

from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe

_MARK = re.compile(r"<!--viewer:([a-z_]+):(\d+)((?::\d+)*)-->")


def viewer_mark(kind: str, pk: int, *extra: int) -> SafeString:
    """The mark of the reader's own bit `kind` about object `pk` (plus ints the filler needs)."""
    return mark_safe("<!--viewer:" + ":".join(str(value) for value in (kind, int(pk), *map(int, extra))) + "-->")


def marks(html: str, kind: str) -> list[tuple[int, ...]]:
    """The (pk, *extra) of each mark of `kind` in `html`, in order."""
    return [
        (int(match[2]), *(int(part) for part in match[3].split(":")[1:]))
        for match in _MARK.finditer(html)
        if match[1] == kind
    ]


def fill_marks(html: str, kind: str, build: Callable[[Iterable[tuple[int, ...]]], dict[int, str]]) -> SafeString:
    """Replace every mark of `kind`: `build(all their (pk, *extra))` returns the HTML per pk."""
    found = marks(html, kind)
    if not found:
        return mark_safe(html)
    fills = build(found)
    return mark_safe(_MARK.sub(lambda m: fills.get(int(m[2]), "") if m[1] == kind else m[0], html))


_PK = 987654321  # reversed once per URL name, then replaced by each object's id


@functools.lru_cache(maxsize=64)
def _url_pattern(name: str, prefix: str) -> str:
    return reverse(name, kwargs={"pk": _PK})


def pk_url(name: str, pk: int) -> str:
    """`reverse(name, kwargs={"pk": pk})` for the many ids of a filled fragment, reversed once."""
    return _url_pattern(name, get_script_prefix()).replace(str(_PK), str(int(pk)))
