"""Reads of the library app: yearly stats, goal pace, import pages, exports."""

import calendar
import math
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import BookReview, BookShelf, ReadingProgress, ShelfVisibility
from accounts.selectors import can_see_read_shelf, shelf_share_token, shelf_visibility
from catalog.models import Book
from catalog.selectors import CARD_FIELDS
from core.cache import cached
from core.privacy import SHARE_PARAM, Visibility, can_view, share_token
from debates.models import DebatePost
from library import cache as library_cache
from library.models import ImportJob, ImportRow, ReadingGoal

ShelfType = BookShelf.ShelfType
TOP_N = 5
# Page-count buckets: (label, lower bound inclusive, upper bound exclusive).
PAGE_BUCKETS = [
    ("< 200", 1, 200),
    ("200–399", 200, 400),
    ("400–599", 400, 600),
    ("600+", 600, None),
]
EXPORT_CHUNK = 500
# A year page's link carries the Lidos shelf's token in `k` and the goal's in `meta`.
GOAL_SHARE_PARAM = "meta"


# --- Goal pace ------------------------------------------------------------------------------


def year_elapsed(year: int, today: date) -> tuple[int, int]:
    """(days elapsed counting today, days in the year): a past year is complete, a future one not begun."""
    days = 366 if calendar.isleap(year) else 365
    if year < today.year:
        return days, days
    if year > today.year:
        return 0, days
    return today.timetuple().tm_yday, days


def goal_pace(*, goal: int, done: int, year: int, today: date) -> dict:
    """Books expected by today = goal × day of year / days in year; the difference is counted
    in whole books, rounded down (1,97 books behind is "1 livro atrás")."""
    elapsed, days = year_elapsed(year, today)
    expected = goal * elapsed / days
    difference = done - expected
    return {
        "goal": goal,
        "done": done,
        "expected": round(expected, 1),
        "percent": min(100, done * 100 // goal) if goal else 0,
        "ahead": math.floor(difference) if difference > 0 else 0,
        "behind": math.floor(-difference) if difference < 0 else 0,
        "reached": done >= goal,
    }


# --- Yearly stats ---------------------------------------------------------------------------


def _read_in_year(user_id: int, year: int) -> QuerySet[BookShelf]:
    """Books finished in `year` (served by accounts_shelf_finished_idx), with the pages of the
    reader's own edition when they tracked progress, else the catalog's."""
    reader_pages = ReadingProgress.objects.filter(user=OuterRef("user"), book=OuterRef("book")).values("total_pages")
    return BookShelf.objects.filter(
        user_id=user_id,
        shelf_type=ShelfType.READ,
        finished_at__gte=date(year, 1, 1),
        finished_at__lt=date(year + 1, 1, 1),
    ).annotate(book_pages=Coalesce(Subquery(reader_pages[:1]), "book__pages", 0, output_field=IntegerField()))


def _build_year_stats(user_id: int, year: int, public_only: bool) -> dict:
    read = _read_in_year(user_id, year)
    monthly = {
        row["month"]: row
        for row in read.annotate(month=ExtractMonth("finished_at"))
        .values("month")
        .annotate(books=Count("id"), pages=Sum("book_pages"))
    }
    bucket_counts = {
        f"bucket{index}": Count("id", filter=Q(book_pages__gte=low) & (Q(book_pages__lt=high) if high else Q()))
        for index, (_label, low, high) in enumerate(PAGE_BUCKETS)
    }
    totals = read.aggregate(
        books=Count("id"),
        pages=Sum("book_pages"),
        unknown_pages=Count("id", filter=Q(book_pages=0)),
        days=Avg(F("finished_at") - F("started_at"), filter=Q(started_at__isnull=False)),
        **bucket_counts,
    )
    with_pages = read.filter(book_pages__gt=0).select_related("book").only("book__title", "book__slug", "finished_at")
    longest = with_pages.order_by("-book_pages", "book__title").first()
    shortest = with_pages.order_by("book_pages", "book__title").first()
    book_ids = read.values("book_id")
    reviews = BookReview.objects.filter(user_id=user_id, book_id__in=book_ids)
    if public_only:
        reviews = reviews.filter(visibility=Visibility.PUBLIC)
    ratings = dict(reviews.values_list("rating").annotate(count=Count("id")))
    categories = list(
        Book.categories.through.objects.filter(book_id__in=book_ids)
        .values(name=F("category__name"), slug=F("category__slug"))
        .annotate(count=Count("id"))
        .order_by("-count", "name")[:TOP_N]
    )
    authors = list(
        Book.authors.through.objects.filter(book_id__in=book_ids)
        .values(name=F("author__name"), slug=F("author__slug"))
        .annotate(count=Count("id"))
        .order_by("-count", "name")[:TOP_N]
    )
    rating_steps = [(Decimal(n) / 2).quantize(Decimal("0.1")) for n in range(2, 11)]
    rated = sum(ratings.values())
    average = sum(value * count for value, count in ratings.items()) / rated if rated else None
    days = totals["days"]
    return {
        "year": year,
        "months": [
            {
                "month": month,
                "books": monthly[month]["books"] if month in monthly else 0,
                "pages": (monthly[month]["pages"] or 0) if month in monthly else 0,
            }
            for month in range(1, 13)
        ],
        "books": totals["books"],
        "pages": totals["pages"] or 0,
        "unknown_pages": totals["unknown_pages"],
        "page_buckets": [
            {"label": label, "count": totals[f"bucket{index}"]} for index, (label, _l, _h) in enumerate(PAGE_BUCKETS)
        ],
        "ratings": [{"rating": step, "count": ratings.get(step, 0)} for step in rating_steps],
        "rated": rated,
        "average_rating": Decimal(average).quantize(Decimal("0.01")) if average is not None else None,
        "categories": categories,
        "authors": authors,
        "longest": {"title": longest.book.title, "slug": longest.book.slug, "pages": longest.book_pages}
        if longest
        else None,
        "shortest": {"title": shortest.book.title, "slug": shortest.book.slug, "pages": shortest.book_pages}
        if shortest
        else None,
        "days_per_book": round(days.total_seconds() / 86400, 1) if days is not None else None,
    }


def year_stats(*, owner: AbstractBaseUser, viewer: AbstractBaseUser, year: int, token: str | None = None) -> dict:
    """A reader's year in numbers (8 queries on a miss, cached per reader, year and audience).

    Stats are made of the Lidos shelf, so others see them when they may see that shelf
    (public, or unlisted with its link), and count public reviews only.
    """
    return _visible_year(
        library_cache.year_stats_key, _build_year_stats, owner=owner, viewer=viewer, year=year, token=token
    )


def _visible_year(key, build, *, owner: AbstractBaseUser, viewer: AbstractBaseUser, year: int, token: str | None):
    """`build(owner_id, year, public_only)`, cached under `key(...)` per audience, for viewers
    who may see the owner's Lidos shelf; PermissionDenied for the others."""
    if not can_see_read_shelf(viewer=viewer, owner=owner, token=token):
        raise PermissionDenied(_("As estatísticas deste leitor são privadas."))
    owner_view = viewer.pk == owner.pk
    return cached(key(owner.pk, year, owner_view=owner_view), lambda: build(owner.pk, year, public_only=not owner_view))


def _build_year_books(user_id: int, year: int, public_only: bool) -> dict:
    """The books behind "Seu ano em livros" (2 queries): covers in finishing order, month by
    month, the longest and the best rated (by the reader's own rating)."""
    entries = list(
        _read_in_year(user_id, year)
        .select_related("book")
        .only("finished_at", "book", *(f"book__{name}" for name in CARD_FIELDS))
        .order_by("finished_at", "id")
    )
    reviews = BookReview.objects.filter(user_id=user_id, book_id__in=[entry.book_id for entry in entries])
    if public_only:
        reviews = reviews.filter(visibility=Visibility.PUBLIC)
    ratings = dict(reviews.values_list("book_id", "rating"))
    months = [{"month": month, "books": []} for month in range(1, 13)]
    for entry in entries:
        months[entry.finished_at.month - 1]["books"].append(entry.book)
    longest = max((e for e in entries if e.book_pages), key=lambda e: e.book_pages, default=None)
    rated = [e for e in entries if e.book_id in ratings]
    # Ties go to the book finished last: the freshest favourite.
    best = max(reversed(rated), key=lambda e: ratings[e.book_id], default=None)
    return {
        "books": [entry.book for entry in entries],
        "months": months,
        "busiest": max((len(month["books"]) for month in months), default=0),
        "longest": {"book": longest.book, "pages": longest.book_pages} if longest else None,
        "best": {"book": best.book, "rating": ratings[best.book_id]} if best else None,
    }


def year_books(*, owner: AbstractBaseUser, viewer: AbstractBaseUser, year: int, token: str | None = None) -> dict:
    """The year's books, as visible as the year's stats (cached with them per reader)."""
    return _visible_year(
        library_cache.year_books_key, _build_year_books, owner=owner, viewer=viewer, year=year, token=token
    )


def reading_pace(stats: dict, *, today: date) -> dict:
    elapsed, _days = year_elapsed(stats["year"], today)
    months = min(12, today.month) if stats["year"] == today.year else (12 if elapsed else 0)
    return {
        "pages_per_day": round(stats["pages"] / elapsed, 1) if elapsed else 0,
        "books_per_month": round(stats["books"] / months, 1) if months else 0,
        "days_per_book": stats["days_per_book"],
    }


# Read on every cold profile page (most readers set no goal): SQL, as compiling it with the ORM
# cost more CPU than running it.
_GOAL_SQL = "SELECT {columns} FROM {table} WHERE user_id = %s AND year = %s"


def _goal(user_id: int, year: int) -> ReadingGoal | None:
    columns = ", ".join(field.column for field in ReadingGoal._meta.concrete_fields)
    sql = _GOAL_SQL.format(columns=columns, table=ReadingGoal._meta.db_table)
    return next(iter(ReadingGoal.objects.raw(sql, [user_id, year])), None)


def goal_panel(*, owner: AbstractBaseUser, year: int, today: date) -> dict | None:
    """The goal with its pace (cached per reader; 2 queries on a miss). None without a goal."""

    def build():
        goal = _goal(owner.pk, year)
        if goal is None:
            return None
        read = _read_in_year(owner.pk, year).aggregate(books=Count("id"), pages=Sum("book_pages"))
        return {"goal": goal, "books": read["books"], "pages": read["pages"] or 0}

    data = cached(library_cache.goal_panel_key(owner.pk, year), build, late=True)
    if data is None:
        return None
    goal = data["goal"]
    return {
        "goal": goal,
        "pace": goal_pace(goal=goal.books, done=data["books"], year=year, today=today),
        "pages": data["pages"],
        "pages_percent": min(100, data["pages"] * 100 // goal.pages) if goal.pages else None,
    }


def visible_goal_panel(
    *, owner: AbstractBaseUser, viewer: AbstractBaseUser, year: int, today: date, token: str | None = None
) -> dict | None:
    """The goal panel as the goal's visibility allows the viewer (None when hidden or unset)."""
    panel = goal_panel(owner=owner, year=year, today=today)
    if panel is None:
        return None
    goal = panel["goal"]
    allowed = can_view(
        visibility=goal.visibility, is_owner=viewer.pk == owner.pk, kind="goal", item_id=goal.pk, token=token
    )
    return panel if allowed else None


def year_share_params(*, owner: AbstractBaseUser, goal: ReadingGoal | None) -> dict[str, str]:
    """The link parameters that open a year page's unlisted parts (Lidos shelf, goal) to others."""
    params = {}
    if shelf_visibility(user=owner, shelf_type=ShelfType.READ) == Visibility.UNLISTED:
        params[SHARE_PARAM] = shelf_share_token(user_id=owner.pk, shelf_type=ShelfType.READ)
    if goal and goal.visibility == Visibility.UNLISTED:
        params[GOAL_SHARE_PARAM] = share_token("goal", goal.pk)
    return params


# --- Import pages ---------------------------------------------------------------------------


def own_job(*, user: AbstractBaseUser, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.defer("data"), pk=pk)
    if job.user_id != user.pk:
        raise PermissionDenied(_("Esta importação é de outro leitor."))
    return job


def recent_jobs(*, user: AbstractBaseUser, limit: int = 10) -> list[ImportJob]:
    return list(ImportJob.objects.defer("data").filter(user=user).order_by("-created_at", "-id")[:limit])


def unmatched_rows(*, job: ImportJob) -> QuerySet[ImportRow]:
    return job.rows.filter(status=ImportRow.Status.UNMATCHED).order_by("row_number")


def problem_rows(*, job: ImportJob, limit: int = 50) -> list[ImportRow]:
    """Applied rows with a note (e.g. an unrated review) and failed rows, first `limit`."""
    return list(
        job.rows.filter(Q(status=ImportRow.Status.FAILED) | Q(status=ImportRow.Status.APPLIED, message__gt=""))
        .select_related("book")
        .order_by("row_number")[:limit]
    )


# --- Exports --------------------------------------------------------------------------------


def library_books(*, user: AbstractBaseUser) -> Iterator[tuple[Book, list[BookShelf], BookReview | None]]:
    """Every book in the reader's library (on a shelf or reviewed) with its entries and review,
    in chunks: 3 queries per 500 books, so a big library streams in constant memory."""
    ids = (
        Book.objects.filter(Q(shelf_entries__user=user) | Q(reviews__user=user))
        .distinct()
        .order_by("id")
        .values_list("id", flat=True)
    )
    last = 0
    while chunk := list(ids.filter(id__gt=last)[:EXPORT_CHUNK]):
        last = chunk[-1]
        books = Book.objects.filter(id__in=chunk).order_by("id").defer("search_vector", "description")
        entries: dict[int, list[BookShelf]] = {}
        for entry in BookShelf.objects.filter(user=user, book_id__in=chunk).order_by("id"):
            entries.setdefault(entry.book_id, []).append(entry)
        reviews = {review.book_id: review for review in BookReview.objects.filter(user=user, book_id__in=chunk)}
        for book in books:
            yield book, entries.get(book.pk, []), reviews.get(book.pk)


def iterate_in_chunks(queryset: QuerySet, chunk: int = EXPORT_CHUNK) -> Iterator:
    """Keyset pagination by id: constant memory, no server-side cursor held across yields."""
    last = 0
    while rows := list(queryset.filter(id__gt=last).order_by("id")[:chunk]):
        last = rows[-1].id
        yield from rows


def account_sections(*, user: AbstractBaseUser) -> dict[str, QuerySet]:
    return {
        "shelves": BookShelf.objects.filter(user=user).select_related("book"),
        "progress": ReadingProgress.objects.filter(user=user).select_related("book"),
        "reviews": BookReview.objects.filter(user=user).select_related("book"),
        "debate_posts": DebatePost.objects.filter(author=user, is_deleted=False).select_related("topic__book"),
        "goals": ReadingGoal.objects.filter(user=user),
        "shelf_visibility": ShelfVisibility.objects.filter(user=user),
    }
