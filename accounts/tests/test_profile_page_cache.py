"""Anonymous and signed-in readers get the profile a stranger sees from the page cache; a
privacy change purges it at once; its owner always gets their own."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import BookShelf
from catalog.tests.factories import BookFactory
from core.microcache import READER_KEY_PREFIX, path_cache_key
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_shelf_made_private_leaves_the_cached_anonymous_profile_at_once(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 30
    owner, book = UserFactory(), BookFactory(title="Um Livro Bem Particular")
    BookShelf.objects.create(user=owner, book=book, shelf_type=BookShelf.ShelfType.READING)
    url = reverse("accounts:profile", kwargs={"username": owner.username})
    assert client.get(url)["X-Page-Cache"] == "shared"  # one rendering for visitors and readers
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit" and "Um Livro Bem Particular" in hit.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.shelf_visibility_set(user=owner, shelf_type=BookShelf.ShelfType.READING, visibility="private")
    after = client.get(url)
    assert after["X-Page-Cache"] == "shared" and "Um Livro Bem Particular" not in after.content.decode()


def test_signed_in_readers_share_the_strangers_profile_and_its_owner_gets_their_own(client, settings):
    settings.PAGE_CACHE_SECONDS = 10
    owner, book = UserFactory(username="dona"), BookFactory(title="Um Livro Bem Particular")
    BookShelf.objects.create(user=owner, book=book, shelf_type=BookShelf.ShelfType.READING)
    services.shelf_visibility_set(user=owner, shelf_type=BookShelf.ShelfType.READING, visibility="private")
    url = reverse("accounts:profile", kwargs={"username": owner.username})
    first, second = Client(), Client()
    first.force_login(UserFactory())
    second.force_login(UserFactory())
    assert [first.get(url)["X-Page-Cache"], second.get(url)["X-Page-Cache"]] == ["miss", "hit"]
    stored = cache.get(path_cache_key(url, READER_KEY_PREFIX))[0]
    assert "Um Livro Bem Particular" not in stored and "Editar perfil" not in stored

    client.force_login(owner)
    own = client.get(url)
    assert own["X-Page-Cache"] == "miss"  # their own, stored apart (test_own_profile_page.py)
    assert "Um Livro Bem Particular" in own.content.decode() and "Editar perfil" in own.content.decode()
