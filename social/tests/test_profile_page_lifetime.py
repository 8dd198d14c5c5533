"""A reader's stored profile lives until something it shows changes (core.microcache,
`until_changed`): their own writes, others' follows, a moderator hiding one of their posts."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from catalog.tests.factories import BookFactory
from core import microcache
from core.microcache import KEY_PREFIX, READER_KEY_PREFIX, path_cache_key
from core.tests.clients import signed_in
from core.tests.factories import UserFactory
from moderation import services as moderation
from social import services
from social.tests.helpers import make_post

pytestmark = [pytest.mark.django_db, pytest.mark.full_stack, pytest.mark.usefixtures("on_commit_at_once")]


@pytest.fixture(autouse=True)
def _fresh_process(settings):
    settings.PAGE_CACHE_SECONDS = 10
    settings.VERSIONED_PAGE_SECONDS = 300
    microcache._page_namespaces.clear()


@pytest.fixture
def owner():
    return UserFactory(username="dona_do_perfil")


@pytest.fixture(params=[KEY_PREFIX, READER_KEY_PREFIX])
def visitor(request):
    return Client() if request.param == KEY_PREFIX else signed_in(UserFactory(username="visitante"))


def stored_to_live(client, url: str) -> None:
    prefix = READER_KEY_PREFIX if client.cookies.get("sessionid") else KEY_PREFIX
    client.get(url)
    cache.delete(path_cache_key(url, prefix))
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"


def profile_url(user) -> str:
    return reverse("accounts:profile", kwargs={"username": user.username})


def test_the_owners_write_renders_their_profile_again(owner, visitor):
    stored_to_live(visitor, profile_url(owner))
    book = BookFactory(title="Memórias Póstumas")
    shelf = reverse("accounts:shelf_update", kwargs={"slug": book.slug})
    data = {"action": "add", "shelf_type": "read", "custom_name": ""}
    assert signed_in(owner, enforce_csrf_checks=False).post(shelf, data).status_code == 302
    page = visitor.get(profile_url(owner))
    assert page["X-Page-Cache"] == "miss"
    assert "Memórias Póstumas" in page.content.decode()


def test_a_new_follower_shows_on_the_stored_profile(owner, visitor):
    stored_to_live(visitor, profile_url(owner))
    services.follow_create(follower=UserFactory(), followee=owner)
    assert "1 seguidor" in visitor.get(profile_url(owner)).content.decode()


def test_a_post_hidden_by_a_moderator_leaves_its_authors_profile(owner, visitor):
    post = make_post(owner)
    stored_to_live(visitor, profile_url(owner))
    assert post.content in visitor.get(profile_url(owner)).content.decode()
    moderation.post_hide(post=post, actor=UserFactory(is_staff=True), reason="Fora do tema.")
    assert post.content not in visitor.get(profile_url(owner)).content.decode()
