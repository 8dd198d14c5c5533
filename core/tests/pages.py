"""Helpers for tests of pages stored until their data changes (core.microcache, `until_changed`)."""

from contextlib import contextmanager

from django.test import Client
from redis.connection import AbstractConnection

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


@contextmanager
def redis_round_trips(monkeypatch):
    """What the block sends to Redis, one entry per round trip (a pipeline is one): the start
    of each payload, enough to tell the commands apart in a failure's message."""
    trips: list[bytes] = []
    send = AbstractConnection.send_packed_command

    def counted(connection, command, *args, **kwargs):
        trips.append(bytes(command if isinstance(command, (bytes, bytearray)) else command[0])[:80])
        return send(connection, command, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    try:
        yield trips
    finally:
        monkeypatch.setattr(AbstractConnection, "send_packed_command", send)
