"""The shelves page: one row per book in "Todas", grid or table, sorted on the server."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import BookShelf
from accounts.tests.factories import BookReviewFactory, BookShelfFactory
from catalog.tests.factories import AuthorFactory, BookFactory

pytestmark = pytest.mark.django_db
ShelfType = BookShelf.ShelfType


@pytest.fixture
def library(user):
    """Three books: one read and favourite, one read, one wanted; reviews of 5, 2 (private) stars."""
    dom = BookFactory(title="Dom Casmurro", authors=[AuthorFactory(name="Machado de Assis")])
    cortico = BookFactory(title="O Cortiço", authors=[AuthorFactory(name="Aluísio Azevedo")])
    iracema = BookFactory(title="Iracema", authors=[AuthorFactory(name="José de Alencar")])
    BookShelfFactory(user=user, book=dom, shelf_type=ShelfType.READ, finished_at=date(2026, 3, 1))
    BookShelfFactory(user=user, book=dom, shelf_type=ShelfType.FAVORITES)
    BookShelfFactory(user=user, book=cortico, shelf_type=ShelfType.READ, finished_at=date(2026, 5, 1))
    BookShelfFactory(user=user, book=iracema, shelf_type=ShelfType.WANT_TO_READ)
    BookReviewFactory(user=user, book=dom, rating=Decimal("5"))
    BookReviewFactory(user=user, book=cortico, rating=Decimal("2"), visibility="private")
    return dom, cortico, iracema


def titles(html: str) -> list[str]:
    return re.findall(r'<td><a href="/livros/[^"]+/">([^<]+)</a></td>', html)


def shelves_page(client, user, **params) -> str:
    response = client.get(reverse("accounts:shelves", kwargs={"username": user.username}), params)
    assert response.status_code == 200
    return response.content.decode()


def test_all_shelves_list_a_book_once_with_every_shelf_it_is_on(client, user, library):
    html = shelves_page(client, user)
    assert html.count(">Dom Casmurro</a>") == 1
    assert "Lidos · Favoritos" in html or "Favoritos · Lidos" in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("titulo", ["Dom Casmurro", "Iracema", "O Cortiço"]),
        ("-titulo", ["O Cortiço", "Iracema", "Dom Casmurro"]),
        ("autor", ["O Cortiço", "Iracema", "Dom Casmurro"]),
        ("-lido", ["O Cortiço", "Dom Casmurro", "Iracema"]),  # never read last
        ("-nota", ["Dom Casmurro", "O Cortiço", "Iracema"]),  # the owner sees their private rating
    ],
)
def test_the_table_sorts_on_the_server(auth_client, user, library, sort, expected):
    assert titles(shelves_page(auth_client, user, vista="tabela", ordem=sort)) == expected


def test_others_do_not_see_a_private_rating_nor_can_sort_by_it(client, user, library):
    html = shelves_page(client, user, vista="tabela", ordem="-nota")
    assert titles(html) == ["Dom Casmurro", "O Cortiço", "Iracema"]  # unrated ones after, in shelving order
    assert "2 de 5" not in html and "5 de 5" in html


def test_column_headers_link_to_their_sort_and_reverse_the_current_one(client, user, library):
    html = shelves_page(client, user, vista="tabela", ordem="titulo")
    assert 'aria-sort="ascending"><a href="?vista=tabela&amp;ordem=-titulo">' in html
    assert '<a href="?vista=tabela&amp;ordem=-nota">' in html  # ratings start highest first


@pytest.mark.parametrize("sort", ["", "senha", "-" * 50, "titulo; DROP TABLE"])
def test_an_unknown_sort_falls_back_to_newest_added(client, user, library, sort):
    assert len(titles(shelves_page(client, user, vista="tabela", ordem=sort))) == 3


def test_the_profile_shows_public_reviews_to_others_and_every_review_to_the_owner(client, user, library):
    url = reverse("accounts:profile", kwargs={"username": user.username})
    html = client.get(url).content.decode()
    assert "Resenhas" in html and "<strong>Dom Casmurro</strong>" in html
    assert "<strong>O Cortiço</strong>" not in html  # a private review
    client.force_login(user)
    assert "<strong>O Cortiço</strong>" in client.get(url).content.decode()
