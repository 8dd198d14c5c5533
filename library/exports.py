"""Streaming exports: the library as a Goodreads CSV, the whole account as JSON."""

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from accounts.models import BookShelf
from library import formats, selectors

ShelfType = BookShelf.ShelfType
# Our status shelves → Goodreads' exclusive shelf; DNF is the custom name both sites use.
EXCLUSIVE = {
    ShelfType.READ: "read",
    ShelfType.READING: "currently-reading",
    ShelfType.WANT_TO_READ: "to-read",
    ShelfType.ABANDONED: "did-not-finish",
}


SAFE_FORMULAS = {"ISBN", "ISBN13"}


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _gr_date(value) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%Y/%m/%d") if value else ""


def _gr_row(book, entries: list[BookShelf], review) -> list:
    status = next((entry for entry in entries if entry.shelf_type in BookShelf.STATUS_SHELVES), None)
    exclusive = EXCLUSIVE[status.shelf_type] if status else ""
    shelves = [exclusive] if exclusive else []
    shelves += ["favorites" for entry in entries if entry.shelf_type == ShelfType.FAVORITES]
    shelves += [entry.custom_name for entry in entries if entry.shelf_type == ShelfType.CUSTOM]
    added = min((entry.added_at for entry in entries), default=review.created_at if review else None)
    values = {
        "Book Id": book.goodreads_id or "",
        "Title": book.title,
        "Author": book.author_names.split(",")[0].strip(),
        "Additional Authors": ", ".join(name.strip() for name in book.author_names.split(",")[1:]),
        # Goodreads' own quoting, so spreadsheets keep leading zeros.
        "ISBN": f'="{formats.clean_isbn(book.isbn)}"',
        "ISBN13": f'="{formats.clean_isbn(book.isbn13)}"',
        # Half stars are kept ("4.5"): exact for CGBookStore; sites with whole stars round.
        "My Rating": f"{review.rating:g}" if review else "0",
        "Average Rating": f"{book.average_rating:.2f}",
        "Number of Pages": book.pages or "",
        "Year Published": book.publication_year or "",
        "Original Publication Year": book.publication_year or "",
        "Date Read": _gr_date(status.finished_at) if status else "",
        "Date Added": _gr_date(added),
        "Bookshelves": ", ".join(shelves),
        "Exclusive Shelf": exclusive,
        "My Review": review.text if review else "",
        "Spoiler": "true" if review and review.contains_spoilers else "",
        "Read Count": 1 if status and status.shelf_type == ShelfType.READ else 0,
        "Owned Copies": 0,
    }
    # Every text a reader or the catalog wrote is neutralised; the ISBN formulas are ours.
    return [
        values.get(column, "") if column in SAFE_FORMULAS else formats.neutralise_cell(values.get(column, ""))
        for column in formats.GOODREADS_COLUMNS
    ]


def goodreads_csv(*, user: AbstractBaseUser) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(formats.GOODREADS_COLUMNS)
    for book, entries, review in selectors.library_books(user=user):
        yield writer.writerow(_gr_row(book, entries, review))


def _json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)  # Decimal


def _book(book) -> dict:
    return {"title": book.title, "slug": book.slug, "isbn13": book.isbn13, "authors": book.author_names}


SECTION_ROWS = {
    "shelves": lambda e: {
        "book": _book(e.book),
        "shelf": e.shelf_type,
        "custom_name": e.custom_name,
        "added_at": e.added_at,
        "started_at": e.started_at,
        "finished_at": e.finished_at,
    },
    "progress": lambda p: {
        "book": _book(p.book),
        "current_page": p.current_page,
        "total_pages": p.total_pages,
        "started_at": p.started_at,
        "finished_at": p.finished_at,
        "deadline": p.deadline,
        "is_abandoned": p.is_abandoned,
        "notes": p.notes,
    },
    "reviews": lambda r: {
        "book": _book(r.book),
        "rating": r.rating,
        "title": r.title,
        "text": r.text,
        "contains_spoilers": r.contains_spoilers,
        "would_recommend": r.would_recommend,
        "visibility": r.visibility,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    },
    "debate_posts": lambda p: {
        "topic": p.topic.title,
        "book": _book(p.topic.book),
        "content": p.content,
        "created_at": p.created_at,
        "edited_at": p.edited_at,
    },
    "goals": lambda g: {"year": g.year, "books": g.books, "pages": g.pages, "visibility": g.visibility},
    "shelf_visibility": lambda v: {
        "shelf_type": v.shelf_type,
        "custom_name": v.custom_name,
        "visibility": v.visibility,
    },
}


def account_json(*, user: AbstractBaseUser) -> Iterator[str]:
    """One JSON object, written section by section so no section is held in memory whole."""
    dump = lambda value: json.dumps(value, ensure_ascii=False, default=_json_default)  # noqa: E731
    profile = user.profile
    head = {
        "format": "cgbookstore-account-export",
        "version": 2,
        "exported_at": timezone.now(),
        "user": {"username": user.username, "email": user.email, "date_joined": user.date_joined},
        "profile": {
            "bio": profile.bio,
            "favorite_categories": list(profile.favorite_categories.values_list("name", flat=True)),
        },
    }
    yield dump(head)[:-1]
    for name, queryset in selectors.account_sections(user=user).items():
        yield f", {dump(name)}: ["
        for index, item in enumerate(selectors.iterate_in_chunks(queryset)):
            yield ("," if index else "") + dump(SECTION_ROWS[name](item))
        yield "]"
    yield "}\n"
