"""A reader's cached facts (core.personal.reader_facts) and how a known write carries them
over to the new version instead of rebuilding them (`amend_facts`)."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from core import personal
from core.cache import bump_namespaces, namespace_version
from core.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_at_once")]

NAME, NAMESPACE = "test_marks", "test:marks"


@pytest.fixture
def loads():
    """A kind of facts whose rebuilds are counted: each load returns {"loads": n}."""
    calls = []

    def load(user_id):
        calls.append(user_id)
        return {"loads": len(calls)}

    personal.register_facts(NAME, load, namespaces=lambda user_id: (f"{NAMESPACE}:{user_id}",))
    yield calls
    personal._facts.pop(NAME)


def facts_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return personal.reader_facts(request, NAME)


def amend(user, change=lambda facts: {**facts, "amended": True}):
    personal.amend_facts(user.pk, NAME, f"{NAMESPACE}:{user.pk}", change)


def test_facts_built_for_a_new_reader_are_stamped_with_versions_created_first(loads):
    reader = UserFactory()
    cache.delete_many([f"ver:reader:{reader.pk}", f"ver:{NAMESPACE}:{reader.pk}"])
    assert facts_of(reader) == {"loads": 1}
    assert cache.get(f"ver:{NAMESPACE}:{reader.pk}") is not None  # created before the load
    assert facts_of(reader) == {"loads": 1}  # a hit: the stamp matches the versions now stored
    assert len(loads) == 1


@pytest.mark.full_stack
def test_a_known_write_carries_the_facts_over_without_a_rebuild(loads):
    reader = UserFactory()
    assert facts_of(reader) == {"loads": 1}
    before = namespace_version(f"{NAMESPACE}:{reader.pk}")
    amend(reader)
    assert namespace_version(f"{NAMESPACE}:{reader.pk}") != before  # what else depends on it is stale
    assert facts_of(reader) == {"loads": 1, "amended": True}
    assert len(loads) == 1


def test_stale_or_missing_facts_are_rebuilt_after_the_write(loads):
    reader = UserFactory()
    amend(reader)  # nothing stored yet
    assert facts_of(reader) == {"loads": 1}
    bump_namespaces(f"{NAMESPACE}:{reader.pk}")  # another write, not carried over
    amend(reader)
    assert facts_of(reader) == {"loads": 2}


@pytest.mark.full_stack
def test_a_write_racing_the_amendment_leaves_the_facts_to_be_rebuilt(loads):
    reader = UserFactory()
    facts_of(reader)

    def raced(facts):  # another request stores the entry between WATCH and EXEC
        cache.set(f"facts:{NAME}:{reader.pk}", ("someone else's", {}), 60)
        return {**facts, "amended": True}

    amend(reader, raced)
    assert facts_of(reader) == {"loads": 2}


def test_without_redis_the_write_bumps_alone(loads, monkeypatch):
    monkeypatch.setattr(personal, "raw_redis", lambda: None)  # what the embedded default has
    reader = UserFactory()
    facts_of(reader)
    amend(reader)
    assert facts_of(reader) == {"loads": 2}


def test_a_shared_pages_placeholder_never_gets_the_readers_facts(loads):
    from django.contrib.auth import SESSION_KEY

    from core.microcache import shared_reader

    reader = UserFactory()
    request = RequestFactory().get("/")
    request.session = {SESSION_KEY: str(reader.pk)}
    assert personal.read_for_page(request, "some-page") is None
    request.user = reader
    assert personal.reader_facts(request, NAME) == {"loads": 1}
    request.user = shared_reader()  # as core.microcache renders a shared page
    assert personal.reader_facts(request, NAME) == {"loads": 2}
    assert loads == [reader.pk, 0]
    request.user = reader
    assert personal.reader_facts(request, NAME) == {"loads": 1}


@pytest.mark.full_stack
@pytest.mark.parametrize(
    "name, expected",
    [
        ("debates:topic_list", ["get_many"]),
        ("core:home", ["get_many"]),
        # login_required asks for the user before the page cache can read it with the rest
        ("social:feed", ["get", "get", "get_many"]),
    ],
)
def test_a_shared_page_hit_reads_the_cache_once(settings, monkeypatch, name, expected):
    """One `get_many` for the page, the session, the signed-in user, their facts and the
    page's personal fragments (Redis round trips; the embedded default's local-memory cache
    has none to save), once this process has seen the session."""
    from django.urls import reverse

    from core.tests.clients import signed_in

    settings.PAGE_CACHE_SECONDS = 10
    client, url = signed_in(UserFactory()), reverse(name)
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    reads = []
    for method in ("get", "get_many"):
        original = getattr(cache, method)
        monkeypatch.setattr(cache, method, lambda *a, _o=original, _n=method, **k: reads.append(_n) or _o(*a, **k))
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert reads == expected
    assert "Cookie" in response["Vary"]  # the session was read, as a page that varies by it must say


def _session_stored_at(client) -> str:
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX

    return KEY_PREFIX + client.cookies["sessionid"].value


@pytest.mark.full_stack
def test_the_session_read_with_the_page_still_decides_who_is_signed_in(settings):
    """The process remembers which reader a session was: a wrong memory (the session now
    holds another reader) or an ended session is answered from the session itself."""
    from django.contrib.sessions.backends.cached_db import SessionStore

    from core.tests.clients import signed_in

    settings.PAGE_CACHE_SECONDS = 10
    ana, bia = UserFactory(username="ana"), UserFactory(username="bia")
    client = signed_in(bia)
    client.get("/")
    stored_at = _session_stored_at(client)
    assert personal._session_readers[stored_at] == bia.pk
    personal._session_readers[stored_at] = ana.pk
    html = client.get("/").content.decode()
    assert "/leitores/bia/" in html and "/leitores/ana/" not in html
    assert personal._session_readers[stored_at] == bia.pk
    SessionStore(client.cookies["sessionid"].value).delete()  # signed out elsewhere
    html = client.get("/").content.decode()
    assert "/leitores/bia/" not in html and "Entrar" in html
