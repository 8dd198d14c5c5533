"""A book's stored page lives until something it shows changes (core.microcache,
`until_changed`): a review, a debate about the book, an edit of the book itself."""

import pytest
from django.urls import reverse

from accounts import services
from catalog.tests.factories import BookFactory
from core.microcache import KEY_PREFIX, READER_KEY_PREFIX
from core.privacy import Visibility
from core.tests.factories import UserFactory
from core.tests.pages import as_a_new_process, stored_to_live, visitor_client
from debates import services as debates

pytestmark = [pytest.mark.django_db, pytest.mark.full_stack, pytest.mark.usefixtures("on_commit_at_once")]


@pytest.fixture(autouse=True)
def _fresh_process(settings):
    as_a_new_process(settings)


@pytest.fixture(params=[KEY_PREFIX, READER_KEY_PREFIX])
def reader_client(request):
    return visitor_client(request.param)


def test_a_new_review_renders_the_book_page_again(reader_client):
    book = BookFactory(title="Vidas Secas")
    url = reverse("catalog:book_detail", kwargs={"slug": book.slug})
    stored_to_live(reader_client, url)
    services.review_create(
        user=UserFactory(), book=book, rating="4", title="Seca e bela", text="Li de uma vez.",
        visibility=Visibility.PUBLIC,
    )  # fmt: skip
    page = reader_client.get(url)
    assert page["X-Page-Cache"] in ("miss", "shared")  # visitors' from the readers' new rendering
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
