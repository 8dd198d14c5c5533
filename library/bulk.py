"""A reader's shelves, readings and reviews for a batch of books, changed in memory and
written back in a fixed number of queries.

The import applies a few hundred rows per transaction. Going through the accounts services
row by row costs 5–15 queries per row plus the cache and recommendation work of every
post_save; instead `ReaderLibrary.load` reads the reader's state for the batch's books in
five queries, the import rules (library/services.py) change it in memory with the same
reading-status rules as the services (accounts/rules.py), and `save` writes it with bulk
inserts and updates, then refreshes what is derived from it once: one rating
recomputation per distinct book, one stats invalidation and one `books_changed` signal
per batch (bulk writes send no post_save).
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Min
from django.utils import timezone

from accounts import rules
from accounts.models import BookReview, BookShelf, ReadingProgress, ShelfVisibility
from accounts.services import book_ratings_refresh
from accounts.signals import books_changed
from catalog.models import Book
from core.db import bulk_set
from library.cache import flush_reader_stats

ShelfType = BookShelf.ShelfType
SHELF_MOVE_FIELDS = ["shelf_type", "added_at", "started_at", "finished_at"]
PROGRESS_FIELDS = ["finished_at", "current_page", "is_abandoned", "abandoned_at"]


@dataclass
class ReaderLibrary:
    user: AbstractBaseUser
    statuses: dict[int, BookShelf] = field(default_factory=dict)  # book id → its status entry
    other_entries: set[tuple[int, str, str]] = field(default_factory=set)  # (book, shelf, name)
    custom_spelling: dict[str, str] = field(default_factory=dict)  # NAME → first spelling
    progress: dict[int, ReadingProgress] = field(default_factory=dict)
    reviewed: set[int] = field(default_factory=set)
    # What save() writes.
    new_entries: list[BookShelf] = field(default_factory=list)
    moved: dict[int, BookShelf] = field(default_factory=dict)  # by pk
    new_progress: list[ReadingProgress] = field(default_factory=list)
    changed_progress: dict[int, ReadingProgress] = field(default_factory=dict)
    new_reviews: list[BookReview] = field(default_factory=list)

    @classmethod
    def load(cls, *, user: AbstractBaseUser, book_ids: set[int]) -> "ReaderLibrary":
        """The reader's entries for these books (status entries and readings locked, as
        shelf_move locks them), their custom shelf names and reviews: five queries."""
        library = cls(user=user)
        for entry in BookShelf.objects.select_for_update().filter(user=user, book_id__in=book_ids).order_by("pk"):
            if entry.shelf_type in BookShelf.STATUS_SHELVES:
                library.statuses[entry.book_id] = entry
            else:
                library.other_entries.add((entry.book_id, entry.shelf_type, entry.custom_name))
        # accounts.services._canonical_custom_name: the spelling of the oldest matching shelf.
        names = (
            BookShelf.objects.filter(user=user, shelf_type=ShelfType.CUSTOM)
            .values("custom_name")
            .annotate(first=Min("pk"))
            .order_by("first")
            .values_list("custom_name", flat=True)
        )
        # …then, as there, the spelling an emptied shelf keeps in its visibility setting.
        kept = ShelfVisibility.objects.filter(user=user, shelf_type=ShelfType.CUSTOM).order_by("pk")
        for name in [*names, *kept.values_list("custom_name", flat=True)]:
            library.custom_spelling.setdefault(name.upper(), name)
        progress = ReadingProgress.objects.select_for_update().filter(user=user, book_id__in=book_ids)
        library.progress = {reading.book_id: reading for reading in progress.order_by("pk")}
        library.reviewed = set(
            BookReview.objects.filter(user=user, book_id__in=book_ids).values_list("book_id", flat=True)
        )
        return library

    # --- Changes in memory (the services' rules) ---------------------------------------------

    def status_of(self, book_id: int) -> BookShelf | None:
        return self.statuses.get(book_id)

    def move(self, *, book: Book, shelf_type: str) -> BookShelf:
        """accounts.services.shelf_move in memory: one status entry per book, and its reading."""
        today, now = timezone.localdate(), timezone.now()
        entry = self.statuses.get(book.pk)
        if entry is None:
            entry = self.statuses[book.pk] = BookShelf(user=self.user, book=book)
            self.new_entries.append(entry)
        elif entry.shelf_type == shelf_type:
            return entry
        elif entry.pk:
            self.moved[entry.pk] = entry
        rules.place_on_status_shelf(entry, shelf_type, today=today, now=now)
        reading = self.progress.get(book.pk)
        new, changes = rules.progress_after_move(
            reading, user=self.user, book=book, shelf_type=shelf_type, today=today, now=now
        )
        if new is not None:
            self.progress[book.pk] = new
            self.new_progress.append(new)
        elif changes:
            self.set_progress(reading, **changes)
        return entry

    def set_progress(self, reading: ReadingProgress, **values) -> None:
        for name, value in values.items():
            setattr(reading, name, value)
        if reading.pk:
            self.changed_progress[reading.pk] = reading

    def add(self, *, book: Book, shelf_type: str, custom_name: str = "") -> None:
        """accounts.services.shelf_add for Favoritos and custom shelves (name already cleaned)."""
        if custom_name:
            custom_name = self.custom_spelling.setdefault(custom_name.upper(), custom_name)
        key = (book.pk, shelf_type, custom_name)
        if key not in self.other_entries:
            self.other_entries.add(key)
            self.new_entries.append(
                BookShelf(user=self.user, book=book, shelf_type=shelf_type, custom_name=custom_name)
            )

    def review(self, *, book: Book, rating, text: str) -> None:
        """A new review, unless the reader already reviewed the book (theirs always wins).

        Publicity is left to the model's default, as review_create leaves it.
        """
        if book.pk not in self.reviewed:
            self.reviewed.add(book.pk)
            self.new_reviews.append(BookReview(user=self.user, book=book, rating=rating, text=text))

    # --- Writing -----------------------------------------------------------------------------

    def save(self) -> None:
        """Write every change (call inside the batch's transaction), then refresh what
        derives from it. A fixed number of queries whatever the batch size."""
        # added_at is auto_now_add: bulk_create stamps it now, so put the file's dates back.
        added_at = [
            (entry, entry.added_at) for entry in self.new_entries if entry.shelf_type in BookShelf.STATUS_SHELVES
        ]
        BookShelf.objects.bulk_create(self.new_entries)
        for entry, value in added_at:
            entry.added_at = value
        bulk_set([entry for entry, _value in added_at] + list(self.moved.values()), SHELF_MOVE_FIELDS)
        ReadingProgress.objects.bulk_create(self.new_progress)
        bulk_set(list(self.changed_progress.values()), PROGRESS_FIELDS)
        BookReview.objects.bulk_create(self.new_reviews)
        book_ratings_refresh(book_ids={review.book_id for review in self.new_reviews})
        self._announce()

    def _announce(self) -> None:
        flush_reader_stats(user_id=self.user.pk)
        if self.new_entries or self.moved or self.new_reviews:
            books_changed.send(sender=ReaderLibrary, user_id=self.user.pk)
