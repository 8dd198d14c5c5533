"""A book's stored page lives until something it shows changes (core.microcache,
`until_changed`): a review, a debate about the book, an edit of the book itself."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts import services
from catalog.tests.factories import BookFactory
from core import microcache
from core.microcache import KEY_PREFIX, READER_KEY_PREFIX, path_cache_key
from core.privacy import Visibility
from core.tests.clients import signed_in
from core.tests.factories import UserFactory
from debates import services as debates

pytestmark = [pytest.mark.django_db, pytest.mark.full_stack, pytest.mark.usefixtures("on_commit_at_once")]


@pytest.fixture(autouse=True)
def _fresh_process(settings):
    settings.PAGE_CACHE_SECONDS = 10
    settings.VERSIONED_PAGE_SECONDS = 300
    microcache._page_namespaces.clear()


@pytest.fixture(params=[KEY_PREFIX, READER_KEY_PREFIX])
def reader_client(request):
    return Client() if request.param == KEY_PREFIX else signed_in(UserFactory(username="ana"))


def stored_to_live(client, url: str) -> None:
    """The page as stored once its namespaces are known: served until they change."""
    prefix = READER_KEY_PREFIX if client.cookies.get("sessionid") else KEY_PREFIX
    client.get(url)
    cache.delete(path_cache_key(url, prefix))
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_new_review_renders_the_book_page_again(reader_client):
    book = BookFactory(title="Vidas Secas")
    url = reverse("catalog:book_detail", kwargs={"slug": book.slug})
    stored_to_live(reader_client, url)
    services.review_create(
        user=UserFactory(), book=book, rating="4", title="Seca e bela", text="Li de uma vez.",
        visibility=Visibility.PUBLIC,
    )  # fmt: skip
    page = reader_client.get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "Seca e bela" in page.content.decode()


def test_a_new_debate_about_the_book_renders_its_page_again(reader_client):
    book = BookFactory(title="Vidas Secas")
    url = reverse("catalog:book_detail", kwargs={"slug": book.slug})
    stored_to_live(reader_client, url)
    debates.topic_create(book=book, creator=UserFactory(), title="Fabiano e a linguagem", description="")
    assert "Fabiano e a linguagem" in reader_client.get(url).content.decode()


def test_an_edit_of_the_book_shows_at_once(reader_client):
    book = BookFactory(title="Vidas Secas")
    url = reverse("catalog:book_detail", kwargs={"slug": book.slug})
    stored_to_live(reader_client, url)
    book.description = "Romance de 1938 sobre uma família de retirantes."
    book.save()
    assert "família de retirantes" in reader_client.get(url).content.decode()
