"""Catalog reads, shaped for their pages: templates never trigger a query."""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog import cache as catalog_cache
from catalog.models import Author, Book, Category, CoverStatus, Tag
from catalog.search import book_search_query

MAX_QUERY_LENGTH = 200
POPULAR_LIMIT = 12
# What a book card shows (pk is always loaded: it gives the placeholder cover's colour).
CARD_FIELDS = ("title", "slug", "author_names", "publication_year", "average_rating", "ratings_count", "cover_files")
# A failed cover fetch is retried after this long (up to COVERS_MAX_ATTEMPTS attempts).
COVER_RETRY_AFTER = timedelta(hours=6)

SORTS = {
    "title": (_("Título (A–Z)"), ("title", "id")),
    "rating": (_("Mais bem avaliados"), ("-average_rating", "-ratings_count", "id")),
    "year": (_("Mais antigos"), (F("publication_year").asc(nulls_last=True), "title", "id")),
    "-year": (_("Mais recentes"), (F("publication_year").desc(nulls_last=True), "title", "id")),
}
DEFAULT_SORT = "title"


def clean_sort(value: str | None) -> str:
    """A known sort key, or "" (the default: relevance when searching, else title)."""
    return value if value in SORTS else ""


def clean_query(value: str | None) -> str:
    # NUL and other control characters cannot reach PostgreSQL; whitespace runs collapse.
    text = "".join(char for char in (value or "") if char.isprintable() or char.isspace())
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def book_list(
    *, q: str = "", sort: str = "", category: Category | None = None, tag: Tag | None = None
) -> QuerySet[Book]:
    books = Book.objects.only(*CARD_FIELDS)
    if category is not None:
        books = books.filter(categories=category)
    if tag is not None:
        books = books.filter(tags=tag)
    if q and connection.vendor == "postgresql":
        # Served by the GIN index catalog_book_search_gin.
        query = book_search_query(q)
        books = books.filter(search_vector=query)
        if not sort:
            return books.annotate(rank=SearchRank(F("search_vector"), query)).order_by("-rank", "title", "id")
    elif q:
        # SQLite (embedded run): every word must appear in the title or the authors.
        for word in q.split()[:10]:
            books = books.filter(Q(title__icontains=word) | Q(author_names__icontains=word))
    return books.order_by(*SORTS[sort or DEFAULT_SORT][1])


def books_by_author(*, author: Author) -> QuerySet[Book]:
    return author.books.only(*CARD_FIELDS).order_by(F("publication_year").asc(nulls_last=True), "title", "id")


def book_detail(*, slug: str) -> Book | None:
    """The catalog part of the book page (cached; None for an unknown slug, cached too)."""

    def build():
        return (
            Book.objects.defer("search_vector")
            .prefetch_related("authors", "categories", "tags")
            .filter(slug=slug)
            .first()
        )

    return catalog_cache.cached_book(slug, build)


def popular_books(*, limit: int = POPULAR_LIMIT) -> list[Book]:
    """Most reviewed, then best rated; goodbooks ids follow popularity, so they break ties."""

    def build():
        return list(
            Book.objects.only(*CARD_FIELDS).order_by(
                "-ratings_count", "-average_rating", F("goodbooks_id").asc(nulls_last=True), "id"
            )[:limit]
        )

    return catalog_cache.cached_popular_books(limit, build)


def categories_for_filter() -> list[Category]:
    return catalog_cache.cached_categories(lambda: list(Category.objects.only("name", "slug")))


def books_missing_cover(*, limit: int) -> list[int]:
    """Ids of books whose cover is still to fetch, then failed ones due a retry (partial
    index catalog_book_cover_todo_idx)."""
    retry = Q(
        cover_status=CoverStatus.FAILED,
        cover_attempts__lt=settings.COVERS_MAX_ATTEMPTS,
        cover_checked_at__lt=timezone.now() - COVER_RETRY_AFTER,
    )
    return list(
        Book.objects.filter(Q(cover_status=CoverStatus.PENDING) | retry)
        .order_by("cover_attempts", "id")
        .values_list("id", flat=True)[:limit]
    )
