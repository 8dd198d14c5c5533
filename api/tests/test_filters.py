"""Each list's FilterSet serves its page and its API list: the same inputs — the pages' pt-BR
names, the API's English aliases, bad values, bad pages — pick the same rows, in the same
order, or get the same refusal, through both.

Each case names what the FilterSet should make of the inputs (the selector's arguments and
the page number), or 404; the rows expected are the selector's for those arguments.
"""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts import views as account_views
from accounts.models import BookShelf
from accounts.tests.factories import BookReviewFactory, BookShelfFactory
from api.pagination import PageNumberPagination
from catalog.tests.factories import BookFactory
from core.pagination import paginate
from core.tests.clients import signed_in
from debates import selectors as debate_selectors
from debates.models import DebateTopic
from debates.tests.factories import DebateTopicFactory

pytestmark = pytest.mark.django_db
V1 = "/api/v1"
NOT_FOUND = 404
ShelfType = BookShelf.ShelfType
LONG_NAME = "x" * (BookShelf._meta.get_field("custom_name").max_length + 1)


def both(client, api, url: str, api_url: str, params: dict):
    """The page's and the API's answer to the same query string."""
    return client.get(url, params), api.get(api_url, params)


# --- Debates: /debates/ and GET /api/v1/topics/ ----------------------------------------------


@pytest.fixture
def topics(settings):
    """Five topics on two books, so each order and each book gives a different list (2 a page)."""
    settings.DEBATES_PAGE_SIZE = 2
    now = timezone.now()
    dune, emma = BookFactory(slug="duna"), BookFactory(slug="emma")
    for i, (book, hot) in enumerate([(dune, 5), (emma, 1), (dune, 9), (emma, 3), (dune, 0)]):
        topic = DebateTopicFactory(book=book, hot_score=hot)
        # Oldest created is the most recently active: "novos" and "ativos" disagree.
        DebateTopic.objects.filter(pk=topic.pk).update(
            created_at=now - timedelta(days=10 - i), last_activity_at=now - timedelta(hours=i)
        )


TOPIC_CASES = [
    ({}, {"page": 1, "book_slug": None, "sort": "ativos"}),
    ({"ordem": "novos"}, {"page": 1, "book_slug": None, "sort": "novos"}),
    ({"sort": "novos"}, {"page": 1, "book_slug": None, "sort": "novos"}),
    ({"ordem": "em-alta", "sort": "novos"}, {"page": 1, "book_slug": None, "sort": "em-alta"}),
    ({"ordem": "nenhuma"}, {"page": 1, "book_slug": None, "sort": "ativos"}),
    ({"sort": "-novos"}, {"page": 1, "book_slug": None, "sort": "ativos"}),
    ({"livro": "duna"}, {"page": 1, "book_slug": "duna", "sort": "ativos"}),
    ({"book": "emma", "sort": "em-alta"}, {"page": 1, "book_slug": "emma", "sort": "em-alta"}),
    ({"livro": "livro-que-nao-existe"}, {"page": 1, "book_slug": "livro-que-nao-existe", "sort": "ativos"}),
    ({"livro": "não é slug"}, NOT_FOUND),
    ({"book": "a/b"}, NOT_FOUND),
    ({"livro": "x" * 256}, NOT_FOUND),
    ({"pagina": "2"}, {"page": 2, "book_slug": None, "sort": "ativos"}),
    ({"page": "2", "ordem": "novos"}, {"page": 2, "book_slug": None, "sort": "novos"}),
    ({"pagina": "99"}, {"page": 3, "book_slug": None, "sort": "ativos"}),
    ({"pagina": "abc"}, {"page": 1, "book_slug": None, "sort": "ativos"}),
    ({"page": "-1"}, {"page": 1, "book_slug": None, "sort": "ativos"}),
    ({"livro": "duna", "pagina": "2"}, {"page": 2, "book_slug": "duna", "sort": "ativos"}),
]


def page_topic_slugs(response) -> list[str]:
    return re.findall(r'<h2 class="topic-title"><a href="/debates/([^/"]+)/">', response.content.decode())


@pytest.mark.parametrize(("params", "expected"), TOPIC_CASES)
def test_topic_list_page_and_api_agree(client, api, topics, params, expected):
    page, answer = both(client, api, reverse("debates:topic_list"), f"{V1}/topics/", params)
    if expected == NOT_FOUND:
        assert (page.status_code, answer.status_code) == (404, 404)
        assert answer.json()["error"] == "Livro não encontrado."
        return
    assert (page.status_code, answer.status_code) == (200, 200)
    rows = debate_selectors.topic_list_page(
        page_number=expected["page"], book_slug=expected["book_slug"], sort=expected["sort"]
    ).rows
    slugs = [row.slug for row in rows]
    assert page_topic_slugs(page) == slugs
    assert [row["slug"] for row in answer.json()["results"]] == slugs


def test_topic_cases_tell_the_orders_and_books_apart(topics):
    """The cases above could fail: each order, and each book, picks a different first page."""

    def first_page(**kwargs) -> tuple[int, ...]:
        return tuple(row.id for row in debate_selectors.topic_list_page(**kwargs).rows)

    assert len({first_page(sort=sort) for sort in debate_selectors.TOPIC_SORTS}) == 3
    assert len({first_page(book_slug=book) for book in (None, "duna", "emma")}) == 3


# --- Shelves: /<username>/estantes/ and GET /api/v1/me/shelves/ -------------------------------


@pytest.fixture
def shelves(reader, monkeypatch):
    """A reader's shelves: Lidos (rated, finished on different days), Quero ler, a custom
    shelf; 2 books a page on both sides."""
    monkeypatch.setattr(account_views, "SHELF_PAGE_SIZE", 2)
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    titles = ["Duna", "Emma", "Caim", "Beloved", "Amada", "Fausto"]
    books = [BookFactory(title=title, author_names=title[::-1]) for title in titles]
    # Newest added, A–Z, best rated and first finished: four different orders of Lidos.
    for book, day, rating in zip(books[:3], (1, 3, 2), (4, 5, 3), strict=True):
        BookShelfFactory(user=reader, book=book, shelf_type=ShelfType.READ, finished_at=date(2024, 1, day))
        BookReviewFactory(user=reader, book=book, rating=rating)
    for book in books[3:5]:
        BookShelfFactory(user=reader, book=book, shelf_type=ShelfType.WANT_TO_READ)
    for book in (books[5], books[1]):
        BookShelfFactory(user=reader, book=book, shelf_type=ShelfType.CUSTOM, custom_name="Clássicos")
    return reader


def choices(shelf_type="", custom_name="", sort="-adicionado", page=1) -> dict:
    return {"shelf_type": shelf_type, "custom_name": custom_name, "sort": sort, "page": page}


SHELF_CASES = [
    ({"estante": "read"}, choices("read")),
    ({"shelf_type": "read"}, choices("read")),
    ({"estante": "read", "ordem": "titulo"}, choices("read", sort="titulo")),
    ({"shelf_type": "read", "sort": "-nota"}, choices("read", sort="-nota")),
    ({"estante": "read", "ordem": "lido", "sort": "-lido"}, choices("read", sort="lido")),
    ({"estante": "read", "ordem": "nenhuma"}, choices("read")),
    ({"estante": "want_to_read", "ordem": "autor"}, choices("want_to_read", sort="autor")),
    ({"estante": "custom", "nome": "Clássicos"}, choices("custom", "Clássicos")),
    ({"shelf_type": "custom", "custom_name": "clássicos"}, choices("custom", "clássicos")),
    ({"estante": "custom", "nome": "Nenhuma"}, choices("custom", "Nenhuma")),
    ({"estante": "read", "nome": "Clássicos"}, choices("read")),
    ({"estante": "read", "pagina": "2"}, choices("read", page=2)),
    ({"shelf_type": "read", "page": "2", "ordem": "titulo"}, choices("read", sort="titulo", page=2)),
    ({"estante": "read", "pagina": "99"}, choices("read", page=2)),
    ({"estante": "read", "pagina": "abc"}, choices("read")),
    ({"estante": "nenhuma"}, NOT_FOUND),
    ({"shelf_type": "CUSTOM"}, NOT_FOUND),
    ({"estante": "custom", "nome": LONG_NAME}, NOT_FOUND),
    ({"shelf_type": "custom", "custom_name": LONG_NAME}, NOT_FOUND),
]


def expected_book_ids(owner, expected: dict) -> list[int]:
    entries = account_selectors.shelf_entries(
        user=owner, shelf_type=expected["shelf_type"], custom_name=expected["custom_name"]
    )
    rows = account_selectors.shelf_rows(entries=entries, owner=owner, is_owner=True, sort=expected["sort"])
    return [row["book_id"] for row in paginate(rows, number=expected["page"], per_page=2)]


@pytest.mark.parametrize(("params", "expected"), SHELF_CASES)
def test_shelf_list_page_and_api_agree(shelves, reader_api, params, expected):
    url = reverse("accounts:shelves", kwargs={"username": shelves.username})
    page, answer = both(signed_in(shelves), reader_api, url, f"{V1}/me/shelves/", params)
    if expected == NOT_FOUND:
        assert (page.status_code, answer.status_code) == (404, 404)
        assert answer.json()["error"] == "Estante não encontrada."
        return
    assert (page.status_code, answer.status_code) == (200, 200)
    ids = expected_book_ids(shelves, expected)
    assert [row["book_id"] for row in page.context["page"].object_list] == ids
    assert [entry["book"]["id"] for entry in answer.json()["results"]] == ids


def test_shelf_overview_selects_the_same_books(shelves, reader_api):
    """Without a shelf the page lists each book once, the API each entry: the same books."""
    url = reverse("accounts:shelves", kwargs={"username": shelves.username})
    page, answer = both(signed_in(shelves), reader_api, url, f"{V1}/me/shelves/", {"sort": "titulo"})
    page_ids = [row["book_id"] for row in page.context["page"].object_list]
    api_ids = [entry["book"]["id"] for entry in answer.json()["results"]]
    assert page.context["page"].paginator.count == 6
    assert answer.json()["count"] == 7  # Emma is on Lidos and Clássicos
    assert api_ids[: len(page_ids)] == page_ids  # both start A–Z: Amada, Beloved


def test_shelf_cases_tell_the_orders_apart(shelves):
    """The cases above could fail: each order of Lidos is a different sequence."""
    entries = account_selectors.shelf_entries(user=shelves, shelf_type=ShelfType.READ)
    orders = {
        tuple(
            row["book_id"]
            for row in account_selectors.shelf_rows(entries=entries, owner=shelves, is_owner=True, sort=sort)
        )
        for sort in ("-adicionado", "titulo", "-nota", "lido")
    }
    assert len(orders) == 4
