from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import BookReview, BookShelf, ReadingProgress
from catalog.models import Book
from catalog.tests.factories import BookFactory

ShelfType = BookShelf.ShelfType


@pytest.fixture
def book(db):
    return BookFactory(pages=320)


@pytest.fixture
def rf_request():
    """A GET request as the book page would receive it, for rendering panels directly."""

    def build(user, path="/livros/x/"):
        from django.contrib.auth.models import AnonymousUser

        request = RequestFactory().get(path)
        request.user = user or AnonymousUser()
        request.htmx = False
        return request

    return build


def seed_shelves(user, count: int) -> list:
    """`count` books spread over every shelf kind, finished ones over the last months."""
    start = Book.objects.count()
    books = Book.objects.bulk_create(
        Book(title=f"Estante {start + index}", slug=f"estante-{start + index}", pages=250) for index in range(count)
    )
    today = timezone.localdate()
    entries, progress = [], []
    kinds = [ShelfType.WANT_TO_READ, ShelfType.READING, ShelfType.READ, ShelfType.ABANDONED]
    for index, book in enumerate(books):
        kind = kinds[index % 4]
        finished = today - timedelta(days=30 * (index % 12)) if kind == ShelfType.READ else None
        entries.append(BookShelf(user=user, book=book, shelf_type=kind, finished_at=finished, started_at=finished))
        if index % 3 == 0:
            entries.append(BookShelf(user=user, book=book, shelf_type=ShelfType.FAVORITES))
        if index % 5 == 0:
            entries.append(
                BookShelf(user=user, book=book, shelf_type=ShelfType.CUSTOM, custom_name=f"Lista {index % 3}")
            )
        if kind in (ShelfType.READING, ShelfType.READ):
            progress.append(ReadingProgress(user=user, book=book, current_page=100, total_pages=400))
    BookShelf.objects.bulk_create(entries)
    ReadingProgress.objects.bulk_create(progress)
    return books


def seed_reviews(book, count: int) -> list:
    start = get_user_model().objects.count()
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"resenhista{start + index}") for index in range(count)
    )
    ratings = ["1", "2.5", "3", "4.5", "5"]
    return BookReview.objects.bulk_create(
        BookReview(
            user=user,
            book=book,
            rating=ratings[index % 5],
            text=f"Resenha {index}",
            visibility="public" if index % 4 != 0 else "private",
            helpful_count=index,
        )
        for index, user in enumerate(users)
    )
