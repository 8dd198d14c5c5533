import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from catalog.tests.factories import BookFactory
from core.panels import render_panels
from debates import services
from debates.panels import book_panel, home_panel
from debates.tests.factories import DebateTopicFactory

pytestmark = pytest.mark.django_db


def test_book_panel_lists_that_books_debates_and_links_to_create_one():
    book = BookFactory()
    mine = DebateTopicFactory.create_batch(6, book=book)
    other = DebateTopicFactory(title="De outro livro")
    html = book_panel(RequestFactory().get("/"), book)
    assert "Debates sobre este livro" in html
    assert sum(topic.title in html for topic in mine) == 5
    assert other.title not in html
    assert reverse("debates:topic_create", kwargs={"book_slug": book.slug}) in html


def test_book_panel_is_cached_until_a_new_topic(django_assert_num_queries, django_capture_on_commit_callbacks):
    book = BookFactory()
    request = RequestFactory().get("/")
    book_panel(request, book)
    with django_assert_num_queries(0):
        book_panel(request, book)
    with django_capture_on_commit_callbacks(execute=True):
        DebateTopicFactory(book=book, title="Recém-criado")
    assert "Recém-criado" in book_panel(request, book)


def test_home_panel_shows_active_debates(user, django_capture_on_commit_callbacks):
    quiet = DebateTopicFactory(title="Parado")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=DebateTopicFactory(title="Agitado"), author=user, content="oi")
    html = home_panel(RequestFactory().get("/"), None)
    assert "Debates ativos" in html
    assert html.index("Agitado") < html.index(quiet.title)


def test_panels_are_registered_on_the_book_and_home_pages():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert any("Debates sobre este livro" in html for html in render_panels("book", request, BookFactory()))
    assert any("Debates ativos" in html for html in render_panels("home", request, None))


def test_home_page_shows_the_debates_panel(client):
    DebateTopicFactory(title="Na página inicial")
    assert "Na página inicial" in client.get("/").content.decode()
