"""Catalog writes that are not the bulk import (see catalog/importer.py)."""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import cache as catalog_cache
from catalog import covers
from catalog.models import Book, BookEdit, CoverStatus
from catalog.search import book_search_vector


def ordered_author_names(*, current: str, names: list[str]) -> str:
    """`names` joined as "A, B", keeping the order `current` already has (goodbooks lists the lead author first)."""
    order = [name.strip() for name in current.split(",")]
    position = {name: i for i, name in enumerate(order)}
    return ", ".join(sorted(names, key=lambda name: (position.get(name, len(order)), name)))[:1000]


@transaction.atomic
def book_refresh_denormalised(*, book_id: int) -> None:
    """Recompute `author_names` from the authors and, on PostgreSQL, `search_vector` (one UPDATE)."""
    book = Book.objects.only("author_names").filter(pk=book_id).first()
    if book is None:
        return
    names = list(book.authors.values_list("name", flat=True))
    values = {"author_names": ordered_author_names(current=book.author_names, names=names)}
    if connection.vendor == "postgresql":
        # SET expressions read the old row, so the new names go in as a value.
        values["search_vector"] = book_search_vector(author_names=Value(values["author_names"]))
    Book.objects.filter(pk=book_id).update(**values)


# --- Covers ---------------------------------------------------------------------------------


def cover_sources(*, cover_url: str, isbn13: str, isbn: str) -> list[str]:
    """Where a book's cover may be: the catalog's URL first, then Open Library by ISBN."""
    sources = [cover_url] if cover_url else []
    sources += [settings.COVERS_OPENLIBRARY_URL.format(isbn=code) for code in (isbn13, isbn) if code]
    return sources


def _cover_store(*, book_id: int, images: list[covers.Thumbnail], digest: str) -> list[list]:
    """Write the thumbnails to media storage; [[name, width, height], ...] by width."""
    files = []
    for thumb in images:
        name = f"covers/{book_id % 100:02d}/{book_id}-{digest}-{thumb.width}.jpg"
        name = default_storage.save(name, ContentFile(thumb.data))
        files.append([name, thumb.width, thumb.height])
    return files


def book_cover_fetch(*, book_id: int) -> str:
    """Fetch, thumbnail and store a book's cover once; record the outcome on the book.

    The network work happens outside any transaction; only the final UPDATE is written.
    Returns the book's cover status ("" for an unknown book). Never raises for a bad source.
    """
    book = Book.objects.only("slug", "cover_url", "isbn", "isbn13", "cover_status").filter(pk=book_id).first()
    if book is None:
        return ""
    if book.cover_status == CoverStatus.STORED:
        return book.cover_status
    sources = cover_sources(cover_url=book.cover_url, isbn13=book.isbn13, isbn=book.isbn)
    reasons = []
    for url in sources:
        try:
            data = covers.download(url, timeout=settings.COVERS_TIMEOUT, max_bytes=settings.COVERS_MAX_BYTES)
            images = covers.thumbnails(covers.open_image(data), widths=settings.COVERS_WIDTHS)
        except covers.CoverError as error:
            reasons.append(f"{urlsplit(url).netloc}: {error}")
            continue
        files = _cover_store(book_id=book_id, images=images, digest=hashlib.sha256(data).hexdigest()[:10])
        _cover_record(book_id=book_id, status=CoverStatus.STORED, files=files)
        catalog_cache.flush_book(book.slug)
        return CoverStatus.STORED
    status = CoverStatus.FAILED if sources else CoverStatus.MISSING
    _cover_record(book_id=book_id, status=status, error="; ".join(reasons) or "sem URL nem ISBN")
    return status


@transaction.atomic
def _cover_record(*, book_id: int, status: str, files: list | None = None, error: str = "") -> None:
    values = {"cover_status": status, "cover_error": error[:255], "cover_checked_at": timezone.now()}
    if files is not None:
        values["cover_files"] = files
    Book.objects.filter(pk=book_id).update(cover_attempts=F("cover_attempts") + 1, **values)


@transaction.atomic
def book_cover_reset(*, book_id: int) -> None:
    """Forget a book's cover (files included) so the fetcher tries again from scratch."""
    book = Book.objects.only("slug", "cover_files").filter(pk=book_id).first()
    if book is None:
        return
    names = [name for name, _width, _height in book.cover_files]
    Book.objects.filter(pk=book_id).update(
        cover_files=[], cover_status=CoverStatus.PENDING, cover_error="", cover_attempts=0, cover_checked_at=None
    )
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    catalog_cache.flush_book(book.slug)


# --- Page counts --------------------------------------------------------------------------

MAX_PAGES = 100_000


@transaction.atomic
def book_pages_fill(*, pages_by_book: dict[int, int], source: str, user=None) -> list[int]:
    """Give books with no page count the one a reader reported (their first progress total,
    or an import's "Number of Pages"). Books that have one keep it. Returns the filled ids."""
    wanted = {pk: n for pk, n in pages_by_book.items() if 0 < n <= MAX_PAGES}
    empty = dict(Book.objects.select_for_update().filter(pk__in=wanted, pages__isnull=True).values_list("pk", "slug"))
    for pk in empty:
        Book.objects.filter(pk=pk).update(pages=wanted[pk])
    BookEdit.objects.bulk_create(
        [
            BookEdit(book_id=pk, user=user, field="pages", new_value=str(wanted[pk]), source=source)
            for pk in sorted(empty)
        ]
    )
    catalog_cache.flush_book(*empty.values())
    return sorted(empty)


@transaction.atomic
def book_pages_set(*, book: Book, pages: int | None, user) -> Book:
    """A librarian sets (or clears, with None) a book's page count; the change is logged."""
    if pages is not None and not 0 < pages <= MAX_PAGES:
        raise ValidationError({"pages": _("Informe um número de páginas entre 1 e %(max)s.") % {"max": MAX_PAGES}})
    book = Book.objects.select_for_update().only("pages", "slug").get(pk=book.pk)
    if book.pages == pages:
        return book
    BookEdit.objects.create(
        book=book,
        user=user,
        field="pages",
        old_value="" if book.pages is None else str(book.pages),
        new_value="" if pages is None else str(pages),
        source=BookEdit.Source.LIBRARIAN,
    )
    Book.objects.filter(pk=book.pk).update(pages=pages)
    book.pages = pages
    catalog_cache.flush_book(book.slug)
    return book
