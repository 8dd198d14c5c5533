"""Pages shared by signed-in readers (core.microcache.reader_page_cache), through the catalog's
search page: one rendering for everyone, each reader's header, counter and CSRF token filled
in, nobody's data in the stored page, writers and moderators served pages of their own."""

import re

import pytest
from django.core.cache import cache

from catalog.tests.factories import BookFactory
from core.microcache import READER_KEY_PREFIX, path_cache_key
from core.tests.clients import signed_in
from core.tests.factories import UserFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db

URL = "/livros/?q=duna"


@pytest.fixture(autouse=True)
def _shared_pages(settings):
    settings.PAGE_CACHE_SECONDS = 10


@pytest.fixture
def book():
    return BookFactory(title="Duna")


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_readers_share_one_rendering_with_their_own_header(book):
    ana, bruno = UserFactory(username="ana"), UserFactory(username="bruno")
    Notification.objects.create(recipient=bruno, kind=Notification.Kind.REPLY, message="x")
    first, second = signed_in(ana).get(URL), signed_in(bruno).get(URL)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    for response, name in ((first, "ana"), (second, "bruno")):
        html = response.content.decode()
        assert "Duna" in html
        assert f'href="/leitores/{name}/"' in html
        assert "<!--viewer" not in html and "<!--slot" not in html
    assert "ana" not in second.content.decode().replace("Duna", "")  # nothing of the first reader
    assert 'class="notif-count"' in second.content.decode() and 'class="notif-count"' not in first.content.decode()


def test_the_stored_page_holds_no_reader_data_and_no_usable_token(book):
    ana = UserFactory(username="ana_leitora")
    signed_in(ana).get(URL)
    stored = cache.get(path_cache_key(URL, READER_KEY_PREFIX))[0]
    assert "ana_leitora" not in stored
    assert "X-CSRFToken" not in stored and "<body<!--viewer:nav:2-->>" in stored  # the header is filled per reader


def test_each_reader_gets_a_csrf_token_that_works(book):
    ana, bruno = UserFactory(), UserFactory()
    signed_in(ana).get(URL)
    client = signed_in(bruno)
    page = client.get(URL)
    assert page["X-Page-Cache"] == "hit"
    logout = client.post("/conta/logout/", {"csrfmiddlewaretoken": csrf_of(page.content.decode())})
    assert logout.status_code == 302  # a wrong token would be a 403


def test_a_reader_without_a_csrf_cookie_never_gets_the_placeholders_secret(book):
    from django.conf import settings

    client = signed_in(UserFactory())
    assert settings.CSRF_COOKIE_NAME not in client.cookies  # cleared, or never set
    page = client.get(URL)
    assert page["X-Page-Cache"] == "miss"  # rendered with the placeholder's unusable secret
    secret = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert secret and set(secret) != {"0"}  # a new secret of their own, not the placeholder's
    logout = client.post("/conta/logout/", {"csrfmiddlewaretoken": csrf_of(page.content.decode())})
    assert logout.status_code == 302


def test_a_writer_is_served_pages_of_their_own_for_a_while(book):
    ana = UserFactory()
    client = signed_in(ana)
    client.get(URL)
    token = csrf_of(client.get(URL).content.decode())
    assert client.post("/conta/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    client.force_login(ana)
    assert client.get(URL).get("X-Page-Cache") is None  # wrote a moment ago: rendered for them


def test_moderators_and_flash_messages_skip_the_shared_page(book):
    moderator = UserFactory(is_staff=True)
    assert signed_in(moderator).get(URL).get("X-Page-Cache") is None
    reader = signed_in(UserFactory())
    session = reader.session
    session["_messages"] = "[]"
    session.save()
    assert reader.get(URL).get("X-Page-Cache") is None


def test_a_shared_page_costs_no_rendering_query(book, django_assert_max_num_queries):
    signed_in(UserFactory()).get(URL)
    client = signed_in(UserFactory())
    client.get("/livros/?q=nada")  # the reader's session and connection are warm
    with django_assert_max_num_queries(2):  # the session's user, the unread counter
        assert client.get(URL)["X-Page-Cache"] == "hit"
