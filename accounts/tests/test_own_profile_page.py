"""A reader's own profile is stored for them alone (core.microcache's own pages): served with
their header and a CSRF token of theirs, never to anyone else, and rendered again when what
it shows changes."""

import re

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import BookShelf
from catalog.tests.factories import BookFactory
from core.microcache import OWN_KEY_PREFIX, own_page_key
from core.replica import WROTE_COOKIE
from core.tests.clients import signed_in
from core.tests.factories import UserFactory
from recommendations import cache as recommendations_cache

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.full_stack,
    pytest.mark.usefixtures("on_commit_at_once", "stored_pages"),
]


@pytest.fixture
def owner():
    owner = UserFactory(username="dona")
    book = BookFactory(title="Um Livro Bem Particular")
    BookShelf.objects.create(user=owner, book=book, shelf_type=BookShelf.ShelfType.READING)
    services.shelf_visibility_set(user=owner, shelf_type=BookShelf.ShelfType.READING, visibility="private")
    return owner


def profile_url(user) -> str:
    return reverse("accounts:profile", kwargs={"username": user.username})


def test_the_owner_is_served_their_own_stored_profile_with_their_header_and_token(owner):
    client = signed_in(owner)
    first, second = client.get(profile_url(owner)), client.get(profile_url(owner))
    assert [first["X-Page-Cache"], second["X-Page-Cache"]] == ["miss", "hit"]
    page = second.content.decode()
    assert "Um Livro Bem Particular" in page and "Editar perfil" in page  # what only its owner sees
    assert "<!--viewer" not in page and "dona" in page  # every mark filled: their header
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    assert client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token}).status_code == 302


def test_no_one_else_is_served_the_owners_page(owner):
    signed_in(owner).get(profile_url(owner))
    stranger = signed_in(UserFactory()).get(profile_url(owner))
    assert "Um Livro Bem Particular" not in stranger.content.decode()
    assert "Editar perfil" not in stranger.content.decode()


def test_a_stored_own_profile_costs_no_query(owner, django_assert_num_queries):
    client = signed_in(owner)
    client.get(profile_url(owner))
    with django_assert_num_queries(0):
        assert client.get(profile_url(owner))["X-Page-Cache"] == "hit"


def test_the_owners_write_shows_on_their_page_after_their_writing_window(owner):
    client = signed_in(owner, enforce_csrf_checks=False)
    client.get(profile_url(owner))
    book = BookFactory(title="Memórias Póstumas")
    data = {"action": "add", "shelf_type": "read", "custom_name": ""}
    assert client.post(reverse("accounts:shelf_update", kwargs={"slug": book.slug}), data).status_code == 302
    assert "X-Page-Cache" not in client.get(profile_url(owner))  # just wrote: rendered for them alone
    # The window over (and the emptied messages cookie gone, as a browser drops it): their
    # stored page must not hide the write.
    for name in (WROTE_COOKIE, "messages"):
        client.cookies.pop(name, None)
    page = client.get(profile_url(owner))
    assert page["X-Page-Cache"] == "miss" and "Memórias Póstumas" in page.content.decode()


def test_a_new_recommendation_list_renders_the_owners_page_again(owner):
    client = signed_in(owner)
    client.get(profile_url(owner))
    assert client.get(profile_url(owner))["X-Page-Cache"] == "hit"
    recommendations_cache.flush_user(user_id=owner.pk)  # their list was computed again
    assert client.get(profile_url(owner))["X-Page-Cache"] == "miss"


def test_the_page_is_kept_under_the_readers_id(owner, rf):
    request = rf.get(profile_url(owner))
    request.user = owner
    assert own_page_key(request).startswith(f"{OWN_KEY_PREFIX}{owner.pk}:")
