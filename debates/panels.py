"""Debates sections on pages owned by lower apps (book page, home page)."""

from django.template.loader import render_to_string

from core.cache import cached
from debates import cache as debates_cache
from debates import selectors

PANEL_SIZE = 5


def book_panel(request, book) -> str:
    """ "Debates sobre este livro": viewer-independent HTML, cached per book."""

    def build() -> str:
        rows = selectors.topic_links_for_book(book_id=book.pk, limit=PANEL_SIZE)
        return render_to_string("debates/panels/book.html", {"rows": rows, "book": book})

    key = debates_cache.book_panel_cache_key(book.pk)
    return cached(key, build, timeout=debates_cache.LIST_TIMEOUT, late=True)


def home_panel(request, obj=None) -> str:
    """ "Debates ativos": the top of the (cached) debates list."""

    def build() -> str:
        page = selectors.topic_list_page(page_number=1)
        return render_to_string("debates/panels/home.html", {"rows": page.rows[:PANEL_SIZE]})

    return cached(debates_cache.home_panel_cache_key(), build, timeout=debates_cache.LIST_TIMEOUT)
