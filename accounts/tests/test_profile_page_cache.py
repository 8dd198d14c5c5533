"""Anonymous readers get a profile page from the page cache; a privacy change purges it at once."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import BookShelf
from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_shelf_made_private_leaves_the_cached_anonymous_profile_at_once(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 30
    owner, book = UserFactory(), BookFactory(title="Um Livro Bem Particular")
    BookShelf.objects.create(user=owner, book=book, shelf_type=BookShelf.ShelfType.READING)
    url = reverse("accounts:profile", kwargs={"username": owner.username})
    assert client.get(url)["X-Page-Cache"] == "miss"
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit" and "Um Livro Bem Particular" in hit.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.shelf_visibility_set(user=owner, shelf_type=BookShelf.ShelfType.READING, visibility="private")
    after = client.get(url)
    assert after["X-Page-Cache"] == "miss" and "Um Livro Bem Particular" not in after.content.decode()


def test_signed_in_readers_always_get_a_fresh_profile(client):
    owner = UserFactory()
    client.force_login(UserFactory())
    response = client.get(reverse("accounts:profile", kwargs={"username": owner.username}))
    assert response.status_code == 200 and "X-Page-Cache" not in response
