from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from accounts import selectors, services
from accounts.models import BookShelf, ReadingProgress
from accounts.tests.conftest import seed_reviews
from accounts.tests.factories import BookReviewFactory, BookShelfFactory
from catalog.tests.factories import BookFactory

pytestmark = pytest.mark.django_db
ShelfType = BookShelf.ShelfType


def test_reading_stats_count_books_and_pages_per_month_for_twelve_months(user):
    today = date(2025, 6, 15)
    own_edition = BookFactory(pages=300)
    catalog_pages = BookFactory(pages=120)
    no_pages = BookFactory(pages=None)
    old = BookFactory(pages=999)
    BookShelfFactory(user=user, book=own_edition, shelf_type=ShelfType.READ, finished_at=date(2025, 6, 2))
    ReadingProgress.objects.create(user=user, book=own_edition, current_page=410, total_pages=410)
    BookShelfFactory(user=user, book=catalog_pages, shelf_type=ShelfType.READ, finished_at=date(2025, 6, 10))
    BookShelfFactory(user=user, book=no_pages, shelf_type=ShelfType.READ, finished_at=date(2024, 7, 1))
    BookShelfFactory(user=user, book=old, shelf_type=ShelfType.READ, finished_at=date(2024, 6, 30))

    stats = selectors.reading_stats(user=user, today=today)

    assert len(stats) == 12
    assert stats[0] == {"month": date(2024, 7, 1), "label": "Julho 2024", "books": 1, "pages": 0}
    assert stats[-1] == {"month": date(2025, 6, 1), "label": "Junho 2025", "books": 2, "pages": 410 + 120}
    assert sum(row["books"] for row in stats) == 3


def test_shelf_counts_list_status_shelves_first_then_custom_by_name(user):
    book = BookFactory()
    BookShelfFactory(user=user, shelf_type=ShelfType.CUSTOM, custom_name="Zeta", book=book)
    BookShelfFactory(user=user, shelf_type=ShelfType.CUSTOM, custom_name="alfa", book=book)
    BookShelfFactory(user=user, shelf_type=ShelfType.READ, book=book)
    BookShelfFactory(user=user, shelf_type=ShelfType.WANT_TO_READ)
    labels = [(shelf["label"], shelf["count"]) for shelf in selectors.shelf_counts(user=user)]
    assert labels == [("Quero ler", 1), ("Lidos", 1), ("alfa", 1), ("Zeta", 1)]


def test_reviews_summary_puts_half_stars_in_their_floor_bucket(book):
    for rating in ["4.5", "4", "1.5", "5"]:
        BookReviewFactory(book=book, rating=Decimal(rating))
    BookReviewFactory(book=book, rating=Decimal("3"), visibility="private")
    summary = selectors.book_reviews_summary(book=book)
    histogram = {row["star"]: row["count"] for row in summary["histogram"]}
    assert histogram == {5: 1, 4: 2, 3: 1, 2: 0, 1: 1}
    assert summary["count"] == 5 and summary["public_count"] == 4
    assert summary["average"] == Decimal("3.60")
    assert len(summary["reviews"]) == 4


def test_reviews_summary_lists_most_helpful_public_reviews_first(book):
    seed_reviews(book, 15)
    reviews = selectors.book_reviews_summary(book=book)["reviews"]
    assert len(reviews) == selectors.TOP_REVIEWS
    assert [review.helpful_count for review in reviews] == sorted(
        (review.helpful_count for review in reviews), reverse=True
    )
    assert all(review.visibility == "public" for review in reviews)


def test_reviews_summary_is_rebuilt_after_a_review_is_written(book, django_capture_on_commit_callbacks):
    assert selectors.book_reviews_summary(book=book)["count"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        BookReviewFactory(book=book)
    assert selectors.book_reviews_summary(book=book)["count"] == 1


def test_helpful_vote_refreshes_the_cached_review_order(book, django_capture_on_commit_callbacks):
    from accounts.services import review_mark_helpful
    from core.tests.factories import UserFactory

    first, second = BookReviewFactory(book=book), BookReviewFactory(book=book)
    assert [review.pk for review in selectors.book_reviews_summary(book=book)["reviews"]] == [second.pk, first.pk]
    with django_capture_on_commit_callbacks(execute=True):
        review_mark_helpful(review=first, user=UserFactory())
    assert [review.pk for review in selectors.book_reviews_summary(book=book)["reviews"]] == [first.pk, second.pk]


def test_shelf_visibilities_read_once_per_owner_and_forgotten_on_a_change(user, django_assert_num_queries):
    BookShelf.objects.create(user=user, book=BookFactory(), shelf_type=ShelfType.READ)
    selectors.shelf_counts(user=user)
    with django_assert_num_queries(0):  # the profile's goal panel asks again
        assert selectors.shelf_visibility(user=user, shelf_type=ShelfType.READ) == "public"
    services.shelf_visibility_set(user=user, shelf_type=ShelfType.READ, visibility="private")
    assert selectors.shelf_visibility(user=user, shelf_type=ShelfType.READ) == "private"


def test_reader_library_holds_the_readers_books_custom_shelf_and_helpful_votes(user, monkeypatch):
    shelved, reviewed, other = BookFactory(), BookFactory(), BookFactory()
    services.shelf_add(user=user, book=shelved, shelf_type=BookShelf.ShelfType.WANT_TO_READ)
    BookReviewFactory(user=user, book=reviewed)
    voted = BookReviewFactory(book=other, visibility="public")
    services.review_mark_helpful(review=voted, user=user)
    library = selectors.reader_library(user.pk)
    assert library.book_ids == {shelved.pk, reviewed.pk}
    assert library.helpful_review_ids == {voted.pk} and not library.has_custom_shelf
    services.shelf_add(user=user, book=other, shelf_type=BookShelf.ShelfType.CUSTOM, custom_name="Férias")
    assert selectors.reader_library(user.pk).has_custom_shelf
    # Too much to cache: None, and the fillers ask the database.
    monkeypatch.setattr(selectors, "READER_LIBRARY_MAX_ROWS", 3)
    assert selectors.reader_library(user.pk) is None


def test_continue_reading_lists_open_progress_on_the_lendo_shelf_newest_first(user):
    other = BookShelfFactory(shelf_type=ShelfType.READING).user
    older, newer, finished, abandoned, moved = (BookFactory() for _ in range(5))
    for book in (older, newer, finished, abandoned):
        BookShelfFactory(user=user, book=book, shelf_type=ShelfType.READING)
    BookShelfFactory(user=user, book=moved, shelf_type=ShelfType.READ)
    for book in (older, newer, finished, abandoned, moved):
        ReadingProgress.objects.create(user=user, book=book, current_page=10, total_pages=100)
    ReadingProgress.objects.create(user=other, book=older, current_page=50, total_pages=100)
    ReadingProgress.objects.filter(user=user, book=finished).update(finished_at=date(2025, 1, 2))
    ReadingProgress.objects.filter(user=user, book=abandoned).update(is_abandoned=True)
    mine = ReadingProgress.objects.filter(user=user)
    mine.filter(book=older).update(updated_at=datetime(2025, 3, 1, tzinfo=UTC))
    mine.filter(book=newer).update(current_page=40, updated_at=datetime(2025, 3, 2, tzinfo=UTC))

    readings = selectors.continue_reading(user=user)

    assert [(progress.book.title, progress.current_page) for progress in readings] == [
        (newer.title, 40),
        (older.title, 10),
    ]
    assert readings[0].book.get_absolute_url() == newer.get_absolute_url()
    assert readings[0].percentage == 40
    assert len(selectors.continue_reading(user=user, limit=1)) == 1
