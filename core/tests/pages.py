"""Helpers for tests of pages stored until their data changes (core.microcache, `until_changed`)."""

from django.test import Client

from core import microcache
from core.microcache import KEY_PREFIX
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
    """Store the page: served until its namespaces change."""
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
