"""One rendering of a book's page serves visitors and signed-in readers (core.microcache,
`from_shared`): the visitors' page is the readers' shared page filled for a visitor, the same
bytes as a page rendered for a visitor, with no token and nothing of any reader."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.tests.factories import BookShelfFactory
from catalog.models import Book
from catalog.tests.factories import BookFactory
from core.cache import version_key
from core.privacy import Visibility
from core.tests.clients import signed_in
from core.tests.factories import UserFactory
from core.tests.pages import redis_round_trips
from debates import services as debates

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.full_stack,
    pytest.mark.usefixtures("on_commit_at_once", "stored_pages"),
]


@pytest.fixture
def book_url():
    """A book with what a visitor's page shows differently: reviews (votes, report links), a
    debate, the shelf panel, the header."""
    book = BookFactory(title="Vidas Secas")
    for title, visibility in (("Seca e bela", Visibility.PUBLIC), ("Só minha", Visibility.PRIVATE)):
        services.review_create(
            user=UserFactory(), book=book, rating="4", title=title, text="Li de uma vez.", visibility=visibility
        )
    debates.topic_create(book=book, creator=UserFactory(), title="Fabiano e a linguagem", description="")
    return book.get_absolute_url()


def test_a_visitor_gets_the_bytes_of_a_page_rendered_for_visitors(book_url, settings):
    shared = Client().get(book_url)
    assert shared["X-Page-Cache"] == "shared"
    settings.PAGE_CACHE_SECONDS = 0  # no page cache: rendered for this visitor
    rendered = Client().get(book_url)
    assert rendered.get("X-Page-Cache") is None
    assert shared.content == rendered.content
    assert "Seca e bela" in shared.content.decode() and "Só minha" not in shared.content.decode()


def test_the_first_view_of_a_book_reads_and_writes_redis_in_few_round_trips(monkeypatch):
    """A book nobody has opened since it changed: none of its namespaces has a version yet.
    Its first view stores both pages, the visitors' and the readers' shared one, in 10 round
    trips: the two pages (2), the page's version with the catalog's, the page's created (2),
    the book's data, then stored (2), the panels' versions, created together (2), their keys
    in one read (1), and every late write in one pipeline (1) as the request ends."""
    book = BookFactory(title="Angústia")
    namespaces = (f"catalog:book-page:{book.slug}", f"accounts:book:{book.pk}:reviews", f"debates:book:{book.pk}")
    cache.delete_many([version_key(namespace) for namespace in (*namespaces, "recommendations:similar")])
    with redis_round_trips(monkeypatch) as trips:
        assert Client().get(book.get_absolute_url())["X-Page-Cache"] == "shared"
    assert len(trips) == 10, trips
    with redis_round_trips(monkeypatch) as trips:
        assert Client().get(book.get_absolute_url())["X-Page-Cache"] == "hit"
    assert len(trips) == 1, trips


def test_the_first_visitor_renders_the_page_for_readers_too(book_url):
    assert Client().get(book_url)["X-Page-Cache"] == "shared"
    assert Client().get(book_url)["X-Page-Cache"] == "hit"
    reader = signed_in(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        assert reader.get(book_url)["X-Page-Cache"] == "hit"
    assert not [query for query in queries if "catalog_book" in query["sql"]]  # the book was not read


def test_after_a_reader_a_visitor_costs_no_query(book_url):
    ana = UserFactory(username="ana_leitora")
    BookShelfFactory(user=ana, book=Book.objects.get(title="Vidas Secas"), shelf_type="read")
    assert signed_in(ana).get(book_url)["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        page = Client().get(book_url)
    assert page["X-Page-Cache"] == "shared" and len(queries) == 0
    html = page.content.decode()
    assert not page.cookies  # no CSRF cookie: stored for every visitor
    assert "ana_leitora" not in html and "csrfmiddlewaretoken" not in html and "<!--" not in html
    assert "Entre</a> para guardar este livro" in html and "Criar conta" in html


def test_a_visitor_signing_in_from_the_page_comes_back_to_it(book_url):
    html = Client().get(book_url).content.decode()
    assert f'href="{reverse("account_login")}?next={book_url}"' in html
