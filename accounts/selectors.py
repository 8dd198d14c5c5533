"""Reads of the accounts app, shaped so templates never query."""

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import router
from django.db.models import Exists, F, Max, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.cache import book_reviews_summary_key
from accounts.models import (
    BookReview,
    BookShelf,
    Profile,
    ReadingProgress,
    ReviewEdit,
    ReviewHelpfulVote,
    ShelfVisibility,
)
from catalog.models import Book, Category
from catalog.selectors import CARD_FIELDS
from core.cache import cached
from core.db import placeholders, read_rows
from core.i18n import choice_label
from core.personal import at_most
from core.privacy import Visibility, can_view, share_token

ShelfType = BookShelf.ShelfType
TOP_REVIEWS = 10
STATS_MONTHS = 12


# The profile page's reads (the reader, their favourite categories, recent entries, reviews and
# stats) run on every cold profile: SQL, as compiling them with the ORM cost more CPU than running them.
_PROFILE_USER_SQL = """
SELECT {columns}, p.id AS profile_pk, p.bio AS profile_bio FROM {user} u JOIN {profile} p ON p.user_id = u.id
WHERE u.username = %s AND u.is_active
"""
_FAVORITES_SQL = """
SELECT c.id, c.name, c.slug FROM {category} c JOIN {favorites} f ON f.category_id = c.id
WHERE f.profile_id = %s ORDER BY c.name
"""


def profile_user_get(*, username: str) -> AbstractBaseUser:
    """The active user behind a profile URL, with their profile (its bio loaded), in one query."""
    user_model = get_user_model()
    columns = ", ".join(f"u.{field.column}" for field in user_model._meta.concrete_fields)
    sql = _PROFILE_USER_SQL.format(columns=columns, user=user_model._meta.db_table, profile=Profile._meta.db_table)
    found = list(user_model.objects.raw(sql, [username]))
    if not found:
        raise Http404(_("Leitor não encontrado."))
    user = found[0]
    user.profile = Profile.from_db(
        user._state.db, ["id", "user_id", "bio"], [user.profile_pk, user.pk, user.profile_bio]
    )
    del user.profile_pk, user.profile_bio
    return user


def favorite_categories(*, profile: Profile) -> list[Category]:
    """The profile's favourite categories by name, with what a link to them needs."""
    db = router.db_for_read(Category)
    rows = _raw_rows(Category, _FAVORITES_SQL, [], [profile.pk])
    return [Category.from_db(db, ["id", "name", "slug"], row) for row in rows]


# --- Shelf privacy ------------------------------------------------------------------------


_VISIBILITIES = "_shelf_visibilities"


def listed_entries(entries: QuerySet[BookShelf]) -> QuerySet[BookShelf]:
    """Only entries on public shelves: what lists shown to others may contain (one NOT EXISTS)."""
    hidden = ShelfVisibility.objects.filter(
        user=OuterRef("user"), shelf_type=OuterRef("shelf_type"), custom_name__iexact=OuterRef("custom_name")
    ).exclude(visibility=Visibility.PUBLIC)
    return entries.exclude(Exists(hidden))


# Read with the shelf counts on every cold profile (SQL, as they are).
_VISIBILITIES_SQL = "SELECT shelf_type, custom_name, visibility FROM {shelfvis} WHERE user_id = %s"


def shelf_visibilities(*, user: AbstractBaseUser) -> dict[tuple[str, str], str]:
    """Every shelf setting of `user` by (shelf type, lower-cased custom name), read once per
    user object: the profile's shelf counts and its panels ask about the same owner."""
    if (memo := user.__dict__.get(_VISIBILITIES)) is None:
        rows = _raw_rows(ShelfVisibility, _VISIBILITIES_SQL, [], [user.pk])
        memo = user.__dict__[_VISIBILITIES] = {
            (shelf_type, custom_name.lower()): visibility for shelf_type, custom_name, visibility in rows
        }
    return memo


def forget_shelf_visibilities(user: AbstractBaseUser) -> None:
    user.__dict__.pop(_VISIBILITIES, None)


def shelf_visibility(*, user: AbstractBaseUser, shelf_type: str, custom_name: str = "") -> str:
    if (memo := user.__dict__.get(_VISIBILITIES)) is not None:
        return memo.get((shelf_type, custom_name.lower()), Visibility.PUBLIC)
    setting = ShelfVisibility.objects.filter(user=user, shelf_type=shelf_type, custom_name__iexact=custom_name)
    return setting.values_list("visibility", flat=True).first() or Visibility.PUBLIC


def shelf_share_token(*, user_id: int, shelf_type: str, custom_name: str = "") -> str:
    return share_token("shelf", f"{user_id}:{shelf_type}:{custom_name.lower()}")


def can_view_shelf(
    *, viewer: AbstractBaseUser, owner: AbstractBaseUser, shelf_type: str, custom_name: str = "", token: str | None
) -> bool:
    if viewer.pk == owner.pk:
        return True
    return can_view(
        visibility=shelf_visibility(user=owner, shelf_type=shelf_type, custom_name=custom_name),
        is_owner=False,
        kind="shelf",
        item_id=f"{owner.pk}:{shelf_type}:{custom_name.lower()}",
        token=token,
    )


def can_see_read_shelf(*, viewer: AbstractBaseUser, owner: AbstractBaseUser, token: str | None = None) -> bool:
    """Reading stats are made of the Lidos shelf, so they are as visible as it is."""
    return can_view_shelf(viewer=viewer, owner=owner, shelf_type=ShelfType.READ, token=token)


# Read on every cold profile page: SQL, as compiling it with the ORM cost more CPU than running it.
_SHELF_COUNTS_SQL = (
    "SELECT shelf_type, custom_name, COUNT(*) FROM {shelf} WHERE user_id = %s GROUP BY shelf_type, custom_name"
)


def shelf_counts(*, user: AbstractBaseUser, listed_only: bool = False) -> list[dict]:
    """Books per shelf, status shelves first in their natural order, then custom ones by name.

    Each shelf carries its visibility (2 queries); `listed_only` keeps the public ones.
    """
    rows = _raw_rows(BookShelf, _SHELF_COUNTS_SQL, [], [user.pk])
    settings = shelf_visibilities(user=user)
    order = {value: index for index, value in enumerate(ShelfType.values)}
    shelves = []
    for shelf_type, custom_name, count in rows:
        visibility = settings.get((shelf_type, custom_name.lower()), Visibility.PUBLIC)
        if listed_only and visibility != Visibility.PUBLIC:
            continue
        shelves.append(
            {
                "shelf_type": shelf_type,
                "custom_name": custom_name,
                "label": custom_name or choice_label(ShelfType, shelf_type),
                "count": count,
                "visibility": visibility,
                "visibility_label": choice_label(Visibility, visibility),
                "share_token": shelf_share_token(user_id=user.pk, shelf_type=shelf_type, custom_name=custom_name)
                if visibility == Visibility.UNLISTED
                else "",
            }
        )
    return sorted(shelves, key=lambda shelf: (order[shelf["shelf_type"]], shelf["custom_name"].lower()))


def shelf_entries(
    *, user: AbstractBaseUser, shelf_type: str = "", custom_name: str = "", listed_only: bool = False
) -> QuerySet[BookShelf]:
    entries = BookShelf.objects.filter(user=user).select_related("book").order_by("-added_at", "-id")
    if shelf_type:
        entries = entries.filter(shelf_type=shelf_type)
        if shelf_type == ShelfType.CUSTOM and custom_name:
            entries = entries.filter(custom_name__iexact=custom_name)
    return listed_entries(entries) if listed_only else entries


# Sorts of a shelf page (`?ordem=`, a leading "-" reverses): key → (label, column).
SHELF_SORTS = {
    "adicionado": (_l("Adicionado em"), "added_at"),
    "lido": (_l("Lido em"), "finished_at"),
    "titulo": (_l("Título"), "book__title"),
    "autor": (_l("Autor"), "book__author_names"),
    "nota": (_l("Nota"), "rating"),
}
# Each column's first click: dates and ratings newest/highest first, text A–Z.
SHELF_SORT_DEFAULT_DESC = {"adicionado", "lido", "nota"}


def clean_shelf_sort(value: str | None) -> str:
    """A known sort ("titulo", "-nota" …); anything else is the default, newest added first."""
    value = (value or "")[:20]
    return value if value.lstrip("-") in SHELF_SORTS else "-adicionado"


def shelf_rows(*, entries: QuerySet[BookShelf], owner: AbstractBaseUser, is_owner: bool, sort: str) -> QuerySet:
    """One row per book of `entries` (a book on Lidos and Favoritos is listed once), with when
    it was added and read and the owner's rating (a non-public review's only for the owner)."""
    return (
        entries.order_by()
        .values("book_id", "book__title", "book__author_names")
        .annotate(added_at=Max("added_at"), finished_at=Max("finished_at"), rating=_owner_rating(owner, is_owner))
        .order_by(_shelf_order(sort), "book_id")
    )


def shelf_entries_sorted(*, entries: QuerySet[BookShelf], owner: AbstractBaseUser, sort: str) -> QuerySet[BookShelf]:
    """The owner's own `entries` in a shelf page's order (`sort`), one row per entry (the API's list)."""
    return entries.annotate(rating=_owner_rating(owner, True)).order_by(_shelf_order(sort), "book_id", "id")


def _owner_rating(owner: AbstractBaseUser, is_owner: bool) -> Subquery:
    """The owner's rating of the row's book; a non-public review's only for the owner."""
    reviews = BookReview.objects.filter(user=owner, book=OuterRef("book_id"))
    if not is_owner:
        reviews = reviews.filter(visibility=Visibility.PUBLIC)
    return Subquery(reviews.values("rating")[:1])


def _shelf_order(sort: str):
    column = SHELF_SORTS[sort.lstrip("-")][1]
    return F(column).desc(nulls_last=True) if sort.startswith("-") else F(column).asc(nulls_last=True)


def shelf_page_books(*, rows: list[dict], entries: QuerySet[BookShelf]) -> list[dict]:
    """The page's rows with their Book (for the cover and link) and every shelf of `entries` holding it: two queries."""
    ids = [row["book_id"] for row in rows]
    books = Book.objects.only(*CARD_FIELDS).in_bulk(ids)
    labels: dict[int, list[str]] = {}
    for entry in (
        entries.filter(book_id__in=ids)
        .order_by("shelf_type", "custom_name")
        .only("book_id", "shelf_type", "custom_name")
    ):
        labels.setdefault(entry.book_id, []).append(entry.shelf_label)
    return [{**row, "book": books[row["book_id"]], "shelves": labels.get(row["book_id"], [])} for row in rows]


def _month_starts(today: date, months: int) -> list[date]:
    starts, year, month = [], today.year, today.month
    for _i in range(months):
        starts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


# Grouped by day, not month, so the SQL is the same on every database (366 rows at most).
_READ_DAYS_SQL = """
SELECT s.finished_at, COUNT(*), SUM(COALESCE(
  (SELECT p.total_pages FROM {progress} p WHERE p.user_id = s.user_id AND p.book_id = s.book_id LIMIT 1), b.pages, 0))
FROM {shelf} s JOIN {book} b ON b.id = s.book_id
WHERE s.user_id = %s AND s.shelf_type = %s AND s.finished_at >= %s GROUP BY s.finished_at
"""


def _month_label(month: date) -> str:
    """ "Março 2026", as the date filter's "F Y" writes it, for a tenth of its CPU."""
    return f"{MONTHS[month.month]} {month.year}"


def reading_stats(*, user: AbstractBaseUser, today: date | None = None) -> list[dict]:
    """Books finished and pages read per month for the last 12 months, oldest first.

    Pages come from the reader's own progress (their edition) when there is one, else
    from the catalog's page count. One grouped query.
    """
    today = today or timezone.localdate()
    months = _month_starts(today, STATS_MONTHS)
    by_month = {month: {"month": month, "label": _month_label(month), "books": 0, "pages": 0} for month in months}
    for day, books, pages in _raw_rows(BookShelf, _READ_DAYS_SQL, [], [user.pk, ShelfType.READ.value, months[0]]):
        if row := by_month.get(day.replace(day=1)):  # a finish dated in a later month is not shown
            row["books"] += books
            row["pages"] += pages or 0
    return list(by_month.values())


# `listed_entries` in SQL: an entry is listed unless its shelf has a setting other than public.
_LISTED_SQL = """AND NOT EXISTS (SELECT 1 FROM {shelfvis} v WHERE v.user_id = s.user_id
  AND v.shelf_type = s.shelf_type AND UPPER(v.custom_name) = UPPER(s.custom_name) AND v.visibility <> %s)"""
_RECENT_SQL = """
SELECT s.id, s.book_id, s.shelf_type, s.custom_name, b.title, b.slug FROM {shelf} s JOIN {book} b ON b.id = s.book_id
WHERE s.user_id = %s {listed} ORDER BY s.added_at DESC, s.id DESC LIMIT %s
"""


def recent_shelf_entries(*, user: AbstractBaseUser, listed_only: bool = False, limit: int = 12) -> list[BookShelf]:
    """The profile's "Adicionados recentemente": only what it prints of each entry and book."""
    sql = _RECENT_SQL.replace("{listed}", _LISTED_SQL if listed_only else "")
    params = [user.pk, Visibility.PUBLIC.value, limit] if listed_only else [user.pk, limit]
    db = router.db_for_read(BookShelf)
    entries = []
    # from_db takes the values in the model's field order.
    for entry_id, book_id, shelf_type, custom_name, title, slug in _raw_rows(BookShelf, sql, [], params):
        fields = ["id", "user_id", "book_id", "shelf_type", "custom_name"]
        entry = BookShelf.from_db(db, fields, [entry_id, user.pk, book_id, shelf_type, custom_name])
        entry.book = Book.from_db(db, ["id", "title", "slug"], [book_id, title, slug])
        entries.append(entry)
    return entries


# --- Book page ----------------------------------------------------------------------------


# What the profile prints of a review (no book description, covers or counters).
_PROFILE_REVIEWS_SQL = """
SELECT r.id, r.user_id, r.book_id, r.rating, r.title, r.text, r.contains_spoilers, r.visibility, r.is_hidden,
  r.created_at, b.title AS book_title, b.slug AS book_slug
FROM {review} r JOIN {book} b ON b.id = r.book_id WHERE r.user_id = %s {public}
ORDER BY r.created_at DESC, r.id DESC LIMIT %s
"""


def profile_reviews(*, user: AbstractBaseUser, is_owner: bool, limit: int = 5) -> list[BookReview]:
    """A reader's latest reviews for their profile: public ones, or all of them for the owner."""
    public = "" if is_owner else "AND r.visibility = %s"
    sql = _PROFILE_REVIEWS_SQL.format(public=public, review=BookReview._meta.db_table, book=Book._meta.db_table)
    params = [user.pk, limit] if is_owner else [user.pk, Visibility.PUBLIC.value, limit]
    reviews = list(BookReview.objects.raw(sql, params))  # raw(): the rating stays a Decimal on SQLite too
    for review in reviews:
        review.book = Book.from_db(
            review._state.db, ["id", "title", "slug"], [review.book_id, review.book_title, review.book_slug]
        )
        del review.book_title, review.book_slug
    return reviews


def viewer_book_state(*, user: AbstractBaseUser, book: Book) -> dict:
    """The viewer's shelves, progress and review for one book (fixed 4 queries)."""
    entries = list(BookShelf.objects.filter(user=user, book=book))
    custom_names = list(
        BookShelf.objects.filter(user=user, shelf_type=ShelfType.CUSTOM)
        .values_list("custom_name", flat=True)
        .distinct()
        .order_by("custom_name")[:50]
    )
    status = next((entry for entry in entries if entry.shelf_type in BookShelf.STATUS_SHELVES), None)
    return {
        "status_entry": status,
        "on_favorites": any(entry.shelf_type == ShelfType.FAVORITES for entry in entries),
        "custom_entries": [entry for entry in entries if entry.shelf_type == ShelfType.CUSTOM],
        "custom_names": custom_names,
        "progress": ReadingProgress.objects.filter(user=user, book=book).first(),
        "own_review": BookReview.objects.filter(user=user, book=book).first(),
    }


# The two reads below run on every signed-in hit of the book page (accounts.panels fillers):
# written as SQL because compiling them with the ORM costs 0.5-3 ms of CPU, running them 0.1.
_STATE_SQL = """
SELECT b.id, b.slug, b.pages FROM {book} b WHERE b.id IN ({ids}) AND (
  EXISTS (SELECT 1 FROM {shelf} s WHERE s.user_id = %s AND s.book_id = b.id)
  OR EXISTS (SELECT 1 FROM {review} r WHERE r.user_id = %s AND r.book_id = b.id)
  OR EXISTS (SELECT 1 FROM {progress} p WHERE p.user_id = %s AND p.book_id = b.id)
  OR EXISTS (SELECT 1 FROM {shelf} c WHERE c.user_id = %s AND c.shelf_type = %s))
"""
_VOTES_SQL = "SELECT review_id FROM {vote} WHERE review_id IN ({ids}) AND user_id = %s"


def _raw_rows(model, sql: str, ids: list[int], params: list) -> list[tuple]:
    """Rows of `sql` (ids first, then `params`) from the database the router reads `model` from."""
    tables = {
        "book": Book._meta.db_table,
        "category": Category._meta.db_table,
        "favorites": Profile.favorite_categories.through._meta.db_table,
        "shelf": BookShelf._meta.db_table,
        "shelfvis": ShelfVisibility._meta.db_table,
        "review": BookReview._meta.db_table,
        "progress": ReadingProgress._meta.db_table,
        "vote": ReviewHelpfulVote._meta.db_table,
    }
    return read_rows(model, sql, [*ids, *params], ids=placeholders(ids), **tables)


def books_with_viewer_state(*, user: AbstractBaseUser, book_ids: list[int]) -> list[Book]:
    """Which of `book_ids` the reader's shelf panel differs on from the panel of a reader who has
    nothing, in one query: a shelf, review or progress of theirs; every one when they have a
    custom shelf (its names are offered there). The books carry what the panel links to."""
    if not book_ids:
        return []
    user_id = user.pk
    rows = _raw_rows(Book, _STATE_SQL, book_ids, [user_id, user_id, user_id, user_id, ShelfType.CUSTOM.value])
    db = router.db_for_read(Book)
    return [Book.from_db(db, ["id", "slug", "pages"], row) for row in rows]


@dataclass(frozen=True)
class ReaderLibrary:
    """What a shared page's fillers need of a reader (core.personal.reader_facts)."""

    book_ids: frozenset[int]  # books with a shelf entry, review or progress of theirs
    has_custom_shelf: bool  # then every book's panel differs (its names are offered there)
    helpful_review_ids: frozenset[int]  # reviews they marked useful


# A reader with more books and "útil" votes than this (an imported library) is asked the database.
READER_LIBRARY_MAX_ROWS = 4_000
# UNION: one row per book, one "c" row at most.
_LIBRARY_SQL = """
SELECT 'b', book_id FROM {shelf} WHERE user_id = %s
UNION SELECT 'b', book_id FROM {review} WHERE user_id = %s
UNION SELECT 'b', book_id FROM {progress} WHERE user_id = %s
UNION SELECT 'c', 0 FROM {shelf} WHERE user_id = %s AND shelf_type = %s
UNION SELECT 'v', review_id FROM {vote} WHERE user_id = %s
LIMIT %s
"""


def reader_library(user_id: int) -> ReaderLibrary | None:
    """The reader's `ReaderLibrary` in one query; None when it is too large to cache."""
    params = [user_id, user_id, user_id, user_id, ShelfType.CUSTOM.value, user_id, READER_LIBRARY_MAX_ROWS + 1]
    rows = at_most(_raw_rows(BookShelf, _LIBRARY_SQL, [], params), READER_LIBRARY_MAX_ROWS)
    if rows is None:
        return None
    ids: dict[str, set[int]] = {"b": set(), "c": set(), "v": set()}
    for kind, pk in rows:
        ids[kind].add(pk)
    return ReaderLibrary(frozenset(ids["b"]), bool(ids["c"]), frozenset(ids["v"]))


def public_reviews(*, book: Book) -> QuerySet[BookReview]:
    """Public reviews of a book, most helpful first (served by accounts_review_book_idx)."""
    return (
        BookReview.objects.filter(book=book, visibility=Visibility.PUBLIC)
        .select_related("user")
        .order_by("-helpful_count", "-created_at", "-id")
    )


# The two reads of the reviews panel, run on every cold book page: SQL, as compiling them with
# the ORM cost more CPU than running them. One row per distinct rating (ten at most).
_RATINGS_SQL = """
SELECT rating, COUNT(*), SUM(CASE WHEN visibility = %s THEN 1 ELSE 0 END) FROM {review}
WHERE book_id = %s GROUP BY rating
"""
_TOP_REVIEWS_SQL = """
SELECT {columns}, u.username AS author_username FROM {review} r JOIN {user} u ON u.id = r.user_id
WHERE r.book_id = %s AND r.visibility = %s ORDER BY r.helpful_count DESC, r.created_at DESC, r.id DESC LIMIT %s
"""


def _top_public_reviews(book_id: int) -> list[BookReview]:
    """`public_reviews(book)[:TOP_REVIEWS]`, authors' usernames included (what the panel shows)."""
    columns = ", ".join(f"r.{field.column}" for field in BookReview._meta.concrete_fields)
    user_model = get_user_model()
    sql = _TOP_REVIEWS_SQL.format(columns=columns, review=BookReview._meta.db_table, user=user_model._meta.db_table)
    reviews = list(BookReview.objects.raw(sql, [book_id, Visibility.PUBLIC.value, TOP_REVIEWS]))
    for review in reviews:
        review.user = user_model.from_db(review._state.db, ["id", "username"], [review.user_id, review.author_username])
        del review.author_username
    return reviews


def _build_reviews_summary(book_id: int) -> dict:
    counts = {star: 0 for star in range(1, 6)}
    total_count, total_sum, public_count = 0, Decimal("0"), 0
    for rating, count, public in _raw_rows(BookReview, _RATINGS_SQL, [], [Visibility.PUBLIC.value, book_id]):
        rating = Decimal(str(rating))  # SQLite hands a decimal column back as a float
        star = int(rating)  # half stars count in their floor bucket (4,5 → 4 estrelas)
        counts[star] = counts.get(star, 0) + count
        total_count += count
        total_sum += rating * count
        public_count += public
    top = max(counts.values()) or 1
    return {
        "count": total_count,
        "average": (total_sum / total_count).quantize(Decimal("0.01")) if total_count else None,
        "histogram": [
            {"star": star, "count": counts[star], "percent": round(counts[star] * 100 / top)}
            for star in range(5, 0, -1)
        ],
        "public_count": public_count,
        "reviews": _top_public_reviews(book_id) if public_count else [],
    }


def book_reviews_summary(*, book: Book) -> dict:
    """Rating summary and top public reviews of a book, cached per book (2 queries on a miss)."""
    return cached(book_reviews_summary_key(book.pk), lambda: _build_reviews_summary(book.pk), late=True)


def review_for_viewer(*, pk: int, viewer: AbstractBaseUser, token: str | None) -> BookReview:
    """One review as its visibility allows: 404 for a private one, or an unlisted one without its link."""
    review = get_object_or_404(BookReview.objects.select_related("book", "user"), pk=pk)
    allowed = can_view(
        visibility=review.visibility, is_owner=viewer.pk == review.user_id, kind="review", item_id=pk, token=token
    )
    if not allowed:
        raise Http404(_("Resenha não encontrada."))
    return review


def review_edits(*, review_id: int) -> list[ReviewEdit]:
    """A review's edit history, newest first, with editors (moderators read it)."""
    return list(ReviewEdit.objects.filter(review_id=review_id).select_related("editor"))


def review_share_token(review: BookReview) -> str:
    return share_token("review", review.pk)


def helpful_review_ids(*, user: AbstractBaseUser, reviews: list[BookReview]) -> set[int]:
    """Which of `reviews` the viewer marked useful, in one query (none for anonymous)."""
    return helpful_vote_ids(user=user, review_ids=[review.pk for review in reviews])


def helpful_vote_ids(*, user: AbstractBaseUser, review_ids: list[int]) -> set[int]:
    """Which of `review_ids` the viewer marked useful, in one query (none for anonymous)."""
    if not user.is_authenticated or not review_ids:
        return set()
    return {row[0] for row in _raw_rows(ReviewHelpfulVote, _VOTES_SQL, review_ids, [user.pk])}


# The dashboard's "Continue lendo": open progress on books still on the Lendo shelf, newest
# first, with only the book's title and slug. SQL: the ORM's query cost 2.5 ms of CPU and this
# one 0.5, on every rendering of the section (again after each of the reader's writes).
_CONTINUE_SQL = """
SELECT {columns}, b.title, b.slug FROM {progress} p JOIN {book} b ON b.id = p.book_id
WHERE p.user_id = %s AND p.finished_at IS NULL AND NOT p.is_abandoned
  AND EXISTS (SELECT 1 FROM {shelf} s WHERE s.user_id = p.user_id AND s.book_id = p.book_id AND s.shelf_type = %s)
ORDER BY p.updated_at DESC LIMIT %s
"""


@functools.cache
def _progress_columns() -> tuple[list[str], str]:
    """ReadingProgress's fields in from_db's order, and "Continue lendo"'s SQL selecting them."""
    fields = [field.attname for field in ReadingProgress._meta.concrete_fields]
    return fields, _CONTINUE_SQL.replace("{columns}", ", ".join(f"p.{name}" for name in fields))


def continue_reading(*, user: AbstractBaseUser, limit: int = 6) -> list[ReadingProgress]:
    fields, sql = _progress_columns()
    db = router.db_for_read(ReadingProgress)
    readings = []
    for row in _raw_rows(ReadingProgress, sql, [], [user.pk, ShelfType.READING.value, limit]):
        progress = ReadingProgress.from_db(db, fields, row[: len(fields)])
        progress.book = Book.from_db(db, ["id", "title", "slug"], [progress.book_id, *row[len(fields) :]])
        readings.append(progress)
    return readings
