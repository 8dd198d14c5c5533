import pytest
from django.core.cache import cache

from catalog import cache as catalog_cache
from catalog.tests.factories import BookFactory
from catalog.warmup import hot_book_url
from core.tasks import warm_hot_pages

pytestmark = pytest.mark.django_db


def test_warming_fills_the_popular_books_pages():
    books = BookFactory.create_batch(3)
    assert cache.get(catalog_cache.book_cache_key(books[0].slug)) is None
    written = warm_hot_pages.delay().get()
    assert written["catalog"] == 5
    for book in books:
        assert cache.get(catalog_cache.book_cache_key(book.slug))[0][0] == book  # (book, related rows)


def test_the_hot_book_is_the_most_reviewed():
    BookFactory()
    top = BookFactory(ratings_count=9)
    assert hot_book_url() == top.get_absolute_url()
