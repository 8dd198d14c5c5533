"""The shelf and review pages' queries use their indexes at a realistic table size (PostgreSQL)."""

import random
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from accounts import selectors
from accounts.models import BookReview, BookShelf
from catalog.models import Book

pytestmark = pytest.mark.django_db

USERS, BOOKS, SHELVES_PER_USER = 200, 400, 40


@pytest.fixture
def realistic_tables():
    rng = random.Random(7)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"idx{n}", password="!") for n in range(USERS)
    )
    books = Book.objects.bulk_create(Book(title=f"Livro {n}", slug=f"livro-idx-{n}") for n in range(BOOKS))
    statuses = [choice for choice in BookShelf.STATUS_SHELVES]
    BookShelf.objects.bulk_create(
        BookShelf(user=user, book=book, shelf_type=rng.choice(statuses))
        for user in users
        for book in rng.sample(books, SHELVES_PER_USER)
    )
    BookReview.objects.bulk_create(
        BookReview(
            user=user,
            book=book,
            rating=Decimal(rng.randint(2, 10)) / 2,
            visibility="public" if rng.random() < 0.9 else "private",
        )
        for user in users
        for book in rng.sample(books, SHELVES_PER_USER)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE accounts_bookshelf; ANALYZE accounts_bookreview; ANALYZE auth_user; ANALYZE catalog_book"
        )
    return users, books


def test_a_shelf_page_uses_the_user_shelf_index(realistic_tables):
    users, _books = realistic_tables
    plan = selectors.shelf_entries(user=users[0], shelf_type=BookShelf.ShelfType.READ)[:24].explain()
    assert "accounts_shelf_user_type_idx" in plan, plan


def test_the_book_page_reviews_use_the_partial_review_index(realistic_tables):
    _users, books = realistic_tables
    plan = selectors.public_reviews(book=books[0])[:10].explain()
    assert "accounts_review_book_idx" in plan, plan
