"""The reading-status rules, as pure functions on unsaved model instances.

`accounts.services` applies them one book at a time under row locks; the library import
(`library/bulk.py`) applies them to a batch in memory and writes the batch at once. One
copy of the rules keeps both paths giving the same library.
"""

from datetime import date, datetime

from accounts.models import BookShelf, ReadingProgress
from catalog.models import Book

ShelfType = BookShelf.ShelfType


def place_on_status_shelf(entry: BookShelf, shelf_type: str, *, today: date, now: datetime) -> None:
    """Move a status entry to `shelf_type` with the dates that move means."""
    entry.shelf_type = shelf_type
    entry.added_at = now
    if shelf_type == ShelfType.WANT_TO_READ:
        entry.started_at = entry.finished_at = None
    elif shelf_type == ShelfType.READING:
        entry.started_at = entry.started_at or today
        entry.finished_at = None
    elif shelf_type == ShelfType.READ:
        entry.started_at = entry.started_at or today
        entry.finished_at = today


def progress_after_move(
    progress: ReadingProgress | None, *, user, book: Book, shelf_type: str, today: date, now: datetime
) -> tuple[ReadingProgress | None, dict]:
    """What a move to `shelf_type` does to the book's reading progress.

    Returns (a new progress to create, or None; the changes to an existing one, maybe
    empty): "Lendo" starts or resumes it, "Lidos" finishes it, "Abandonados" abandons it.
    """
    if shelf_type == ShelfType.READING:
        if progress is None:
            new = (
                ReadingProgress(user=user, book=book, total_pages=book.pages, started_at=today) if book.pages else None
            )
            return new, {}
        if progress.is_abandoned or progress.finished_at:
            return None, {"is_abandoned": False, "abandoned_at": None, "finished_at": None}
        return None, {}
    if progress is None:
        return None, {}
    if shelf_type == ShelfType.READ:
        return None, {
            "finished_at": today,
            "current_page": progress.total_pages,
            "is_abandoned": False,
            "abandoned_at": None,
        }
    if shelf_type == ShelfType.ABANDONED and not progress.is_abandoned:
        return None, {"is_abandoned": True, "abandoned_at": now}
    return None, {}
