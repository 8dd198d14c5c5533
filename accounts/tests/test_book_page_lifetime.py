"""A book's stored page lives until something it shows changes (core.microcache,
`until_changed`): a review, a debate about the book, an edit of the book itself; a debate
about another book leaves it stored (BOOK_PAGE_SECONDS at most)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts import services
from catalog.tests.factories import BookFactory
from core.microcache import KEY_PREFIX, READER_KEY_PREFIX, path_cache_key
from core.privacy import Visibility
from core.tests.factories import UserFactory
from core.tests.pages import stored_to_live, visitor_client
from debates import services as debates

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.full_stack,
    pytest.mark.usefixtures("on_commit_at_once", "stored_pages"),
]


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


def test_a_post_in_a_debate_about_the_book_shows_on_its_page(reader_client):
    book = BookFactory(title="Vidas Secas")
    topic = debates.topic_create(book=book, creator=UserFactory(), title="Fabiano e a linguagem", description="")
    url = reverse("catalog:book_detail", kwargs={"slug": book.slug})
    stored_to_live(reader_client, url)
    debates.post_create(topic=topic, author=UserFactory(), content="Ele fala pouco, mas pensa muito.")
    assert "1 mensagem" in reader_client.get(url).content.decode()


def test_a_debate_about_another_book_leaves_the_page_stored(reader_client):
    book, other = BookFactory(title="Vidas Secas"), BookFactory(title="São Bernardo")
    topic = debates.topic_create(book=other, creator=UserFactory(), title="Paulo Honório", description="")
    url = reverse("catalog:book_detail", kwargs={"slug": book.slug})
    stored_to_live(reader_client, url)
    debates.post_create(topic=topic, author=UserFactory(), content="Um narrador que não se perdoa.")
    debates.topic_create(book=other, creator=UserFactory(), title="Madalena", description="")
    assert reader_client.get(url)["X-Page-Cache"] == "hit"


def test_a_debate_moved_to_another_book_leaves_the_first_ones_page(reader_client):
    book, other = BookFactory(title="Vidas Secas"), BookFactory(title="São Bernardo")
    topic = debates.topic_create(book=book, creator=UserFactory(), title="Baleia", description="")
    url = reverse("catalog:book_detail", kwargs={"slug": book.slug})
    stored_to_live(reader_client, url)
    topic.book = other  # as the admin does
    topic.save()
    assert "Baleia" not in reader_client.get(url).content.decode()


def test_the_page_lives_the_books_bound_not_the_topics(reader_client, settings):
    settings.BOOK_PAGE_SECONDS = 3600  # a topic's page: VERSIONED_PAGE_SECONDS, 300
    book = BookFactory()
    url = reverse("catalog:book_detail", kwargs={"slug": book.slug})
    stored_to_live(reader_client, url)
    prefix = KEY_PREFIX if reader_client.cookies.get("sessionid") is None else READER_KEY_PREFIX
    assert 3500 < cache.ttl(path_cache_key(url, prefix)) <= 3600


def test_an_edit_of_the_book_reaches_its_page_under_any_query_string(reader_client):
    book = BookFactory(title="Vidas Secas")
    url = reverse("catalog:book_detail", kwargs={"slug": book.slug}) + "?origem=busca"
    stored_to_live(reader_client, url)
    book.description = "Romance de 1938 sobre uma família de retirantes."
    book.save()
    assert "família de retirantes" in reader_client.get(url).content.decode()
