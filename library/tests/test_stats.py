from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts.models import BookShelf, ShelfVisibility
from accounts.tests.factories import BookReviewFactory, BookShelfFactory, ReadingProgressFactory
from catalog.tests.factories import AuthorFactory, BookFactory, CategoryFactory
from core.tests.factories import UserFactory
from library import selectors

READ = BookShelf.ShelfType.READ
pytestmark = pytest.mark.django_db


@pytest.fixture
def reader_2024():
    """Four books finished in 2024 (one without a page count), one in 2023, one being read."""
    reader = UserFactory()
    fiction, classics = CategoryFactory(name="Ficção", slug="ficcao"), CategoryFactory(name="Clássicos", slug="cl")
    x, y = AuthorFactory(name="Autora X", slug="x"), AuthorFactory(name="Autor Y", slug="y")
    a = BookFactory(title="A", pages=100, authors=[x])
    b = BookFactory(title="B", pages=300, authors=[x])
    c = BookFactory(title="C", pages=650, authors=[y])
    d = BookFactory(title="D", pages=None, authors=[y])
    a.categories.set([fiction])
    b.categories.set([fiction, classics])
    shelf = lambda book, finished, started=None, kind=READ: BookShelfFactory(  # noqa: E731
        user=reader, book=book, shelf_type=kind, finished_at=finished, started_at=started
    )
    shelf(a, date(2024, 1, 10), date(2024, 1, 1))
    shelf(b, date(2024, 1, 20), date(2024, 1, 10))
    shelf(c, date(2024, 3, 5))
    shelf(d, date(2024, 3, 6))
    shelf(BookFactory(pages=999), date(2023, 12, 31))
    shelf(BookFactory(pages=999), None, kind=BookShelf.ShelfType.READING)
    ReadingProgressFactory(user=reader, book=b, total_pages=350, current_page=350)  # their edition
    BookReviewFactory(user=reader, book=a, rating=Decimal("4.0"), visibility="public")
    BookReviewFactory(user=reader, book=b, rating=Decimal("2.5"), visibility="private")
    return reader


def test_year_stats_match_the_hand_computed_numbers(reader_2024):
    stats = selectors.year_stats(owner=reader_2024, viewer=reader_2024, year=2024)
    assert (stats["books"], stats["pages"], stats["unknown_pages"]) == (4, 1100, 1)
    months = {row["month"]: (row["books"], row["pages"]) for row in stats["months"] if row["books"]}
    assert months == {1: (2, 450), 3: (2, 650)}
    assert [row["count"] for row in stats["page_buckets"]] == [1, 1, 0, 1]
    assert stats["longest"]["title"] == "C" and stats["longest"]["pages"] == 650
    assert stats["shortest"]["title"] == "A" and stats["shortest"]["pages"] == 100
    assert {str(row["rating"]): row["count"] for row in stats["ratings"] if row["count"]} == {"2.5": 1, "4.0": 1}
    assert stats["average_rating"] == Decimal("3.25")
    assert [(row["name"], row["count"]) for row in stats["categories"]] == [("Ficção", 2), ("Clássicos", 1)]
    assert [(row["name"], row["count"]) for row in stats["authors"]] == [("Autor Y", 2), ("Autora X", 2)]
    assert stats["days_per_book"] == 9.5
    pace = selectors.reading_pace(stats, today=date(2025, 2, 1))
    assert pace == {"pages_per_day": 3.0, "books_per_month": 0.3, "days_per_book": 9.5}


def test_others_see_public_reviews_only(reader_2024):
    stats = selectors.year_stats(owner=reader_2024, viewer=AnonymousUser(), year=2024)
    assert stats["rated"] == 1 and stats["average_rating"] == Decimal("4.00")


def test_private_shelves_hide_the_stats_from_others(reader_2024):
    ShelfVisibility.objects.create(user=reader_2024, shelf_type=READ, visibility="private")
    with pytest.raises(PermissionDenied):
        selectors.year_stats(owner=reader_2024, viewer=UserFactory(), year=2024)
    assert selectors.year_stats(owner=reader_2024, viewer=reader_2024, year=2024)["books"] == 4


def test_stats_are_cached_and_refreshed_when_a_shelf_changes(reader_2024, django_capture_on_commit_callbacks):
    assert selectors.year_stats(owner=reader_2024, viewer=reader_2024, year=2024)["books"] == 4
    with django_capture_on_commit_callbacks(execute=True):
        BookShelfFactory(user=reader_2024, book=BookFactory(pages=10), shelf_type=READ, finished_at=date(2024, 5, 1))
    assert selectors.year_stats(owner=reader_2024, viewer=reader_2024, year=2024)["books"] == 5


@pytest.mark.parametrize(
    ("done", "today", "ahead", "behind"),
    [
        (12, date(2025, 3, 11), 2, 0),  # day 70: expected 52 × 70 / 365 = 9.97
        (8, date(2025, 3, 11), 0, 1),  # 1.97 behind counts as 1
        (10, date(2025, 3, 11), 0, 0),  # 0.03 ahead: on pace
        (51, date(2025, 12, 31), 0, 1),  # last day: 52 expected
    ],
)
def test_goal_pace(done, today, ahead, behind):
    pace = selectors.goal_pace(goal=52, done=done, year=2025, today=today)
    assert (pace["ahead"], pace["behind"]) == (ahead, behind)


def test_goal_pace_of_past_and_future_years():
    assert selectors.goal_pace(goal=10, done=4, year=2024, today=date(2025, 1, 1))["behind"] == 6
    future = selectors.goal_pace(goal=10, done=0, year=2026, today=date(2025, 6, 1))
    assert (future["expected"], future["behind"], future["percent"]) == (0, 0, 0)
    assert selectors.goal_pace(goal=10, done=12, year=2025, today=date(2025, 6, 1))["reached"]
