"""Page sections contributed by higher apps, so lower apps never import upwards.

A page owned by a lower app (the home page in `core`, the book page in `catalog`) asks
this registry for its panels; `accounts`, `debates` and later apps register theirs in
`AppConfig.ready()`. Pages: "home" (obj None; the main column of a reader's dashboard),
"home_side" (obj None; the dashboard's side column, signed-in readers only), "book" (the
Book), "book_actions" (the Book; beside the title, above the cover on phones), "profile"
(the profile's User), "topic" (the DebateTopic). A panel is a function `(request, obj) -> str` returning rendered
HTML; each one must cost a fixed number of queries (or a cache read).

On pages shared by signed-in readers (core.microcache.reader_page_cache) a panel is rendered
for a placeholder reader; one that shows some readers more than marks can fill (a follower
who may see what strangers may not) registers `shareable(request, **view_kwargs) -> bool`,
false for those readers, who then get the page rendered for them alone.

A panel of a page without an object that shows the reader's own data (the dashboard's) is
registered with `namespaces`: on a page shared by signed-in readers it prints a personal mark
(core.personal), filled per reader from their cached copy, which those namespaces and the
reader's own writes invalidate; the shared page itself never runs it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from core.cache import prefetch, prefetch_versions
from core.personal import OWN_DATA_TIMEOUT, personal_mark, register_personal

PanelRenderer = Callable[[HttpRequest, object], str]


@dataclass(frozen=True)
class Panel:
    name: str
    order: int
    render: PanelRenderer
    shareable: Callable[..., bool] | None = None
    personal: str = ""  # the name of its personal fragment, if it has one
    versions: Callable[[object], Iterable[str]] | None = None
    keys: Callable[[HttpRequest, object], Iterable[str]] | None = None


_registry: dict[str, dict[str, Panel]] = {}


def register_panel(
    page: str,
    *,
    name: str,
    order: int,
    render: PanelRenderer,
    shareable: Callable[..., bool] | None = None,
    namespaces: Callable[[int], Iterable[str]] | None = None,
    timeout: int = OWN_DATA_TIMEOUT,
    versions: Callable[[object], Iterable[str]] | None = None,
    keys: Callable[[HttpRequest, object], Iterable[str]] | None = None,
) -> None:
    """Register (or replace, by name) a panel on `page` ("home", "book", "profile"). A personal
    panel (module doc) gives the reader's `namespaces` and how long its copy may live
    (core.personal.register_personal).
    `versions(obj)` names the namespaces whose versions its cached keys read, `keys(request,
    obj)` those keys (built once the versions are known): `render_panels` reads the versions
    of all its panels in one round trip, then their keys in another."""
    personal = ""
    if namespaces is not None:
        personal = f"panel:{page}:{name}"
        register_personal(personal, lambda request: render(request, None), namespaces=namespaces, timeout=timeout)
    _registry.setdefault(page, {})[name] = Panel(
        name=name, order=order, render=render, shareable=shareable, personal=personal, versions=versions, keys=keys
    )


def personal_names(*pages: str) -> list[str]:
    """The personal fragments of the panels of these pages (read with a shared page)."""
    return [panel.personal for page in pages for panel in _registry.get(page, {}).values() if panel.personal]


def panels_shareable(page: str, request: HttpRequest, **view_kwargs) -> bool:
    """Does every panel of `page` show this reader what it shows the placeholder reader?"""
    return all(panel.shareable(request, **view_kwargs) for panel in _registry.get(page, {}).values() if panel.shareable)


def render_panels(page: str, request: HttpRequest, obj: object = None) -> list[SafeString]:
    panels = sorted(_registry.get(page, {}).values(), key=lambda panel: panel.order)
    shared = getattr(request, "shared_page", False)
    prefetch_versions(*(ns for panel in panels if panel.versions for ns in panel.versions(obj)))
    prefetch(
        key for panel in panels if panel.keys and not (shared and panel.personal) for key in panel.keys(request, obj)
    )
    return [
        personal_mark(panel.personal) if shared and panel.personal else mark_safe(panel.render(request, obj))
        for panel in panels
    ]
