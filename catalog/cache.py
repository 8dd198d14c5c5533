"""Catalog cache keys and their invalidation, in one place.

- `catalog:book:v<n>:rows:<slug>`: the catalog part of a book page (the Book's row with the
  rows of its authors, categories and tags, or None for an unknown slug). Deleted per book on save/delete and
  m2m changes; the namespace is bumped when an author, category or tag changes (they show
  on many books) and after an import.
- `catalog:book-page:<slug>`: a namespace of no keys, bumped with that deletion and by a
  moderator hiding a review: the book's stored pages (core.microcache, every query string)
  depend on it.
- `catalog:popular:v<n>:<limit>`: the "Livros populares" list on the home page. Short
  timeout, and bumped on any book change.
- `catalog:popular:v<n>:authors:<limit>`: the authors suggested on an empty search (same
  namespace and timeout as the popular books).
- `catalog:categories:v<n>:all`: the category filter on the book list.
"""

from collections.abc import Callable
from typing import TypeVar

from core.cache import bump_namespace, bump_namespaces, cached, delete_on_commit, versioned_key

T = TypeVar("T")

BOOK_NAMESPACE = "catalog:book"
POPULAR_NAMESPACE = "catalog:popular"
CATEGORIES_NAMESPACE = "catalog:categories"

BOOK_TIMEOUT = 60 * 60
POPULAR_TIMEOUT = 5 * 60
CATEGORIES_TIMEOUT = 60 * 60


def book_cache_key(slug: str) -> str:
    """The book's row and its related rows (catalog.selectors.book_detail); "rows" keeps the
    book objects an older deploy stored under `<version>:<slug>` from being read as such."""
    return versioned_key(BOOK_NAMESPACE, "rows", slug)


def popular_books_cache_key(limit: int) -> str:
    return versioned_key(POPULAR_NAMESPACE, limit)


def popular_authors_cache_key(limit: int) -> str:
    return versioned_key(POPULAR_NAMESPACE, "authors", limit)


def categories_cache_key() -> str:
    return versioned_key(CATEGORIES_NAMESPACE, "all")


def book_page_namespace(slug: str) -> str:
    return f"catalog:book-page:{slug}"


def cached_book(slug: str, build: Callable[[], T]) -> T:
    return cached(book_cache_key(slug), build, BOOK_TIMEOUT)


def cached_popular_books(limit: int, build: Callable[[], T]) -> T:
    return cached(popular_books_cache_key(limit), build, POPULAR_TIMEOUT)


def cached_popular_authors(limit: int, build: Callable[[], T]) -> T:
    return cached(popular_authors_cache_key(limit), build, POPULAR_TIMEOUT)


def cached_categories(build: Callable[[], T]) -> T:
    return cached(categories_cache_key(), build, CATEGORIES_TIMEOUT)


def flush_book(*slugs: str) -> None:
    """A book changed (fields, authors, categories, tags, ratings, reviews): drop its cached
    data, its stored pages and the lists."""
    delete_on_commit(*(book_cache_key(slug) for slug in slugs if slug))
    purge_book_pages(*slugs)
    bump_namespace(POPULAR_NAMESPACE)


def purge_book_pages(*slugs: str) -> None:
    """Every stored copy of these books' pages, under any query string, goes stale on commit
    (a review made private or hidden must leave at once): their namespace is bumped."""
    bump_namespaces(*(book_page_namespace(slug) for slug in slugs if slug))


def flush_taxonomy() -> None:
    """An author, category or tag changed: it may show on any book page."""
    bump_namespace(BOOK_NAMESPACE)
    bump_namespace(CATEGORIES_NAMESPACE)


def flush_catalog() -> None:
    """Bulk changes (an import): every catalog key goes stale."""
    for namespace in (BOOK_NAMESPACE, POPULAR_NAMESPACE, CATEGORIES_NAMESPACE):
        bump_namespace(namespace)
