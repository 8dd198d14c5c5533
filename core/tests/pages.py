"""Helpers for tests of pages stored until their data changes (core.microcache, `until_changed`)."""

from django.core.cache import cache
from django.test import Client

from core import microcache
from core.microcache import KEY_PREFIX, READER_KEY_PREFIX, path_cache_key
from core.tests.clients import signed_in
from core.tests.factories import UserFactory


def as_a_new_process(settings) -> None:
    """The page caches' settings of these tests, and a process that has not seen a page yet."""
    settings.PAGE_CACHE_SECONDS = 10
    settings.VERSIONED_PAGE_SECONDS = 300
    microcache._page_namespaces.clear()


def visitor_client(prefix: str) -> Client:
    """A visitor (`KEY_PREFIX`) or a signed-in reader who shares pages (`READER_KEY_PREFIX`)."""
    return Client() if prefix == KEY_PREFIX else signed_in(UserFactory(username="visitante"))


def stored_to_live(client: Client, url: str) -> None:
    """Store the page as it is once its namespaces are known: served until they change."""
    prefix = READER_KEY_PREFIX if client.cookies.get("sessionid") else KEY_PREFIX
    client.get(url)
    cache.delete(path_cache_key(url, prefix))
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
