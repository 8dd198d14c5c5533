""" "Seu ano em livros": covers of the year's books, totals, highlights, month by month."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import BookShelf
from accounts.tests.factories import BookReviewFactory, BookShelfFactory
from catalog.models import Book
from catalog.tests.factories import BookFactory
from conftest import clear_test_cache
from core.privacy import Visibility

pytestmark = pytest.mark.django_db
YEAR = 2025


def read(user, title, *, month, pages=None, rating=None):
    book = BookFactory(title=title, pages=pages)
    day = date(YEAR, month, 10)
    BookShelfFactory(user=user, book=book, shelf_type=BookShelf.ShelfType.READ, started_at=day, finished_at=day)
    if rating:
        BookReviewFactory(user=user, book=book, rating=Decimal(rating))
    return book


def summary(client, user):
    url = reverse("library:year_summary", kwargs={"username": user.username, "year": YEAR})
    return client.get(url)


def test_the_year_is_shown_with_covers_highlights_and_months(auth_client, user):
    read(user, "Curto", month=2, pages=120, rating="3")
    long = read(user, "Longo", month=2, pages=900, rating="4")
    best = read(user, "Favorito", month=7, pages=300, rating="5")
    Book.objects.filter(pk=best.pk).update(cover_files=[["covers/01/1-abc-160.jpg", 160, 240]])

    response = summary(auth_client, user)
    html = response.content.decode()

    assert response.status_code == 200
    books = response.context["year_books"]
    assert [b.title for b in books["books"]] == ["Curto", "Longo", "Favorito"]
    assert html.count('class="cover small cover-img"') == 2  # on the wall and as the best rated
    assert html.count('class="cover mini cover-img"') == 1  # in July's row
    assert "/media/covers/01/1-abc-160.jpg" in html
    assert books["longest"]["book"] == long and "900 páginas" in html
    assert books["best"]["book"] == best and "★ 5,0" in html
    months = [len(m["books"]) for m in books["months"]]
    assert months == [0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    assert html.count('class="w-100"') == 1 and html.count('class="w-50"') == 1  # February, July
    assert "<strong>3</strong> livros" in html and "<strong>1320</strong> páginas" in html


def test_a_year_without_books_says_so(auth_client, user):
    assert "Nenhum livro terminado neste ano ainda." in summary(auth_client, user).content.decode()


def test_others_see_only_public_ratings_for_the_best_rated(client, user):
    read(user, "Público", month=1, rating="4")
    secret = read(user, "Segredo", month=1)
    BookReviewFactory(user=user, book=secret, rating=Decimal("5"), visibility=Visibility.PRIVATE)
    response = summary(client, user)  # anonymous; Lidos is public by default
    assert response.context["year_books"]["best"]["book"].title == "Público"


def cold_query_count(client, user) -> int:
    clear_test_cache()
    with CaptureQueriesContext(connection) as queries:
        assert summary(client, user).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_year(auth_client, user):
    for i in range(3):
        read(user, f"Livro {i}", month=1 + i, pages=100 + i, rating="4")
    few = cold_query_count(auth_client, user)
    for i in range(3, 30):
        read(user, f"Livro {i}", month=1 + i % 12, pages=100 + i, rating="4")
    # Covers, months and highlights come from 2 queries, whatever the number of books.
    assert cold_query_count(auth_client, user) == few
