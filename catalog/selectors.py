"""Catalog reads, shaped for their pages: templates never trigger a query."""

import functools
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchRank, TrigramWordSimilarity
from django.db import connection, connections
from django.db.models import F, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog import cache as catalog_cache
from catalog.models import Author, Book, BookEdit, Category, CoverStatus, Tag
from catalog.search import (
    FUZZY_CUTOFF,
    Unaccent,
    book_search_query,
    did_you_mean,
    fuzzy_score,
    translated_title,
    word_matchers,
)

MAX_QUERY_LENGTH = 200
POPULAR_LIMIT = 12
# Typo-tolerant results are one unpaginated list; suggestions on an empty search are short.
FUZZY_LIMIT = 48
SUGGESTIONS_LIMIT = 8
AUTHORS_LIMIT = 6
# An author shown for a query must be this word-similar to it ("harry potter" is not "Harry Harrison").
AUTHOR_MIN_SIMILARITY = 0.5
# SQLite fallback: how many books difflib may look at (the embedded sample has 500).
FUZZY_SCAN_LIMIT = 5000
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
    books = _card_books(category=category, tag=tag)
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


def _card_books(*, category: Category | None = None, tag: Tag | None = None) -> QuerySet[Book]:
    books = Book.objects.only(*CARD_FIELDS)
    if category is not None:
        books = books.filter(categories=category)
    if tag is not None:
        books = books.filter(tags=tag)
    return books


def book_fuzzy_queryset(*, q: str, category: Category | None = None, tag: Tag | None = None) -> QuerySet[Book]:
    """PostgreSQL: books whose unaccented title or authors are word-similar to `q` (pg_trgm),
    closest first; served by the GIN trigram indexes of migration 0005."""
    needle = Unaccent(Value(q))
    books = _card_books(category=category, tag=tag).annotate(
        title_u=Unaccent("title"), authors_u=Unaccent("author_names")
    )
    return (
        books.filter(Q(title_u__trigram_word_similar=needle) | Q(authors_u__trigram_word_similar=needle))
        .annotate(similarity=Greatest(*(TrigramWordSimilarity(needle, col) for col in ("title_u", "authors_u"))))
        .order_by("-similarity", "-ratings_count", "id")
    )


def book_search_fuzzy(*, q: str, category: Category | None = None, tag: Tag | None = None) -> list[Book]:
    """Books whose title or authors are close to `q` despite typos, closest first
    (pg_trgm on PostgreSQL, difflib over the books' words on SQLite)."""
    if connection.vendor == "postgresql":
        return list(book_fuzzy_queryset(q=q, category=category, tag=tag)[:FUZZY_LIMIT])
    matchers = word_matchers(q)
    rows = _card_books(category=category, tag=tag).values_list("id", "title", "author_names")
    scored = sorted(
        (-fuzzy_score(matchers, f"{title} {names}"), pk) for pk, title, names in rows.order_by("id")[:FUZZY_SCAN_LIMIT]
    )
    ids = [pk for score, pk in scored if -score >= FUZZY_CUTOFF][:FUZZY_LIMIT]
    by_id = Book.objects.only(*CARD_FIELDS).in_bulk(ids)
    return [by_id[pk] for pk in ids]


def author_fuzzy_queryset(*, q: str) -> QuerySet[Author]:
    """PostgreSQL: authors word-similar to `q` enough to show (catalog_author_name_trgm)."""
    needle = Unaccent(Value(q))
    return (
        Author.objects.only("name", "slug")
        .annotate(name_u=Unaccent("name"))
        .filter(name_u__trigram_word_similar=needle)
        .annotate(similarity=TrigramWordSimilarity(needle, "name_u"))
        .filter(similarity__gte=AUTHOR_MIN_SIMILARITY)
        .order_by("-similarity", "name")
    )


def authors_matching(*, q: str, limit: int = AUTHORS_LIMIT) -> list[Author]:
    """Authors whose name matches `q` (typos forgiven on PostgreSQL), best first."""
    if connection.vendor == "postgresql":
        return list(author_fuzzy_queryset(q=q)[:limit])
    authors = Author.objects.only("name", "slug")
    for word in q.split()[:10]:
        authors = authors.filter(name__icontains=word)
    return list(authors.order_by("name")[:limit])


def search_fallback(*, q: str, category: Category | None = None, tag: Tag | None = None) -> dict:
    """What an empty search shows instead: a known Portuguese title's original, else
    typo-tolerant matches with a "você quis dizer…", else popular books and authors."""
    translated = translated_title(q)
    if translated:
        books = list(book_list(q=translated, category=category, tag=tag)[:FUZZY_LIMIT])
        if books:
            return {"books": books, "translated": translated}
    books = book_search_fuzzy(q=q, category=category, tag=tag)
    if books:
        return {"books": books, "suggestion": did_you_mean(q, [f"{b.title} {b.author_names}" for b in books[:10]])}
    return {
        "books": [],
        "popular_books": popular_books(limit=SUGGESTIONS_LIMIT),
        "popular_authors": popular_authors(limit=SUGGESTIONS_LIMIT),
    }


def books_by_author(*, author: Author) -> QuerySet[Book]:
    return author.books.only(*CARD_FIELDS).order_by(F("publication_year").asc(nulls_last=True), "title", "id")


# A book's authors, categories and tags (most used first) in one statement: three prefetches
# cost three queries and ~2 ms of CPU more on every first view of a book (the long tail).
_BOOK_RELATED_SQL = """
SELECT 0 AS kind, a.id AS id, a.name AS name, a.slug AS slug, 0 AS books_count, 0 AS rank
  FROM {author} a JOIN {authors} x ON x.author_id = a.id WHERE x.book_id = %s
UNION ALL SELECT 1, c.id, c.name, c.slug, 0, 0
  FROM {category} c JOIN {categories} x ON x.category_id = c.id WHERE x.book_id = %s
UNION ALL SELECT 2, t.id, t.name, t.slug, t.books_count, -t.books_count
  FROM {tag} t JOIN {tags} x ON x.tag_id = t.id WHERE x.book_id = %s
ORDER BY kind, rank, name, id
"""
_RELATED = (
    ("authors", Author, ["id", "name", "slug"]),
    ("categories", Category, ["id", "name", "slug"]),
    ("tags", Tag, ["id", "name", "slug", "books_count"]),
)


def _related_rows(book: Book) -> list[tuple]:
    """`(kind, id, name, slug, books_count, rank)` of the book's authors, categories and tags."""
    tables = {name: getattr(Book, name).through._meta.db_table for name, _model, _fields in _RELATED}
    tables |= {"author": Author._meta.db_table, "category": Category._meta.db_table, "tag": Tag._meta.db_table}
    with connections[book._state.db].cursor() as cursor:
        cursor.execute(_BOOK_RELATED_SQL.format(**tables), [book.pk] * 3)
        return cursor.fetchall()


def _with_related(book: Book, rows: list[tuple]) -> Book:
    """`book` with its authors, categories and tags (`_related_rows`) loaded as
    `prefetch_related` would."""
    db = book._state.db
    book._prefetched_objects_cache = {}
    for kind, (name, model, fields) in enumerate(_RELATED):
        queryset = getattr(book, name).all()
        queryset._result_cache = [model.from_db(db, fields, row[1 : len(fields) + 1]) for row in rows if row[0] == kind]
        queryset._prefetch_done = True
        book._prefetched_objects_cache[name] = queryset
    return book


# The book's row by raw SQL: compiling the ORM's query cost as much CPU as running it, on every
# first view of a book (the long tail). The search vector stays deferred, as defer() would.
@functools.cache
def _book_row_sql() -> str:
    columns = ", ".join(field.column for field in Book._meta.concrete_fields if field.name != "search_vector")
    return f"SELECT {columns} FROM {Book._meta.db_table} WHERE slug = %s"


def book_detail(*, slug: str) -> Book | None:
    """The catalog part of the book page (cached; None for an unknown slug, cached too)."""

    def build():
        book = next(iter(Book.objects.raw(_book_row_sql(), [slug])), None)
        return None if book is None else (book, _related_rows(book))

    # Cached as rows: the querysets `_with_related` makes pickle with their whole query
    # (186 µs to store, 651 to load, against 26 and 27).
    found = catalog_cache.cached_book(slug, build)
    return None if found is None else _with_related(*found)


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


def popular_authors(*, limit: int = SUGGESTIONS_LIMIT) -> list[Author]:
    """Authors most reviewed here; goodbooks' order (its ids follow popularity) breaks ties."""

    def build():
        return list(
            Author.objects.only("name", "slug")
            .annotate(readers=Sum("books__ratings_count"), rank=Min("books__goodbooks_id"))
            .order_by(F("readers").desc(nulls_last=True), F("rank").asc(nulls_last=True), "name")[:limit]
        )

    return catalog_cache.cached_popular_authors(limit, build)


def book_edits(*, book: Book, limit: int = 50) -> list[BookEdit]:
    """A book's edit history, newest first (catalog_bookedit_book_idx)."""
    return list(BookEdit.objects.filter(book=book).select_related("user").order_by("-created_at", "-id")[:limit])
