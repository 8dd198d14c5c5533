"""Catalog background work: book covers (docs/catalog.md#covers)."""

from django.conf import settings

from catalog import selectors, services
from core.jobs import task


@task(soft_time_limit=60, time_limit=90)
def book_cover_fetch(book_id: int) -> str:
    """Fetch one book's cover (a no-op once it is stored)."""
    return services.book_cover_fetch(book_id=book_id)


@task(soft_time_limit=15 * 60, time_limit=16 * 60)
def covers_fetch_missing(limit: int | None = None) -> int:
    """One batch of missing covers (periodic). Off when COVERS_FETCH is false."""
    if not settings.COVERS_FETCH:
        return 0
    ids = selectors.books_missing_cover(limit=limit or settings.COVERS_BATCH_SIZE)
    for book_id in ids:
        services.book_cover_fetch(book_id=book_id)
    return len(ids)
