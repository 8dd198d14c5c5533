import time

import pytest
from django.core.cache import cache

from core.cache import bump_namespace, cached, namespace_version, versioned_key


def test_cached_builds_once_and_caches_none():
    calls = []

    def build():
        calls.append(1)
        return None

    assert cached("test:none", build) is None
    assert cached("test:none", build) is None
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_bumping_a_namespace_changes_its_keys():
    before = versioned_key("books", 1)
    cache.set(before, "old")
    bump_namespace("books")  # outside a transaction: runs at once
    after = versioned_key("books", 1)
    assert after != before
    assert cache.get(after) is None


@pytest.mark.django_db(transaction=True)
def test_bump_waits_for_commit():
    from django.db import transaction

    version = namespace_version("topics")
    with transaction.atomic():
        bump_namespace("topics")
        assert namespace_version("topics") == version  # a reader inside the transaction sees the old version
    assert namespace_version("topics") != version


def test_lost_version_key_starts_from_a_fresh_version():
    first = namespace_version("lost")
    cache.delete("ver:lost")
    time.sleep(0.002)  # versions come from the millisecond clock
    assert namespace_version("lost") != first


@pytest.fixture
def in_request(db):
    """The request signals core.cache listens to, around the test body. With database access:
    Django's own receivers close stale connections, which a connection left open by an
    earlier test on this worker would make a database access."""
    from django.core.signals import request_finished, request_started

    request_started.send(sender=None)
    yield
    request_finished.send(sender=None)


def test_prefetched_versions_are_read_in_one_round_trip_and_created_when_missing(in_request, monkeypatch):
    cache.set("ver:known", 41, timeout=None)
    cache.delete("ver:unknown")
    from core.cache import prefetch_versions

    calls = []
    for name in ("get", "get_many"):
        original = getattr(cache, name)
        monkeypatch.setattr(cache, name, lambda *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k))
    prefetch_versions("known", "unknown", "known")
    assert calls == ["get_many"]
    assert namespace_version("known") == 41
    created = namespace_version("unknown")
    assert calls == ["get_many"]  # both memoized
    assert cache.get("ver:unknown") == created


@pytest.mark.full_stack
def test_versions_found_missing_are_created_together_without_reading_them_again(in_request, monkeypatch):
    """A new reader's first page lacks all of their versions: `create_versions` sets them in
    one pipeline (not a GET and an ADD each), keeps one this request knows, and memoizes."""
    import redis

    from core.cache import create_versions

    cache.delete_many(["ver:new:a", "ver:new:b"])
    known = namespace_version("new:known")
    sent = []
    original = redis.connection.AbstractConnection.send_packed_command
    monkeypatch.setattr(
        redis.connection.AbstractConnection,
        "send_packed_command",
        lambda self, *a, **k: sent.append(1) or original(self, *a, **k),
    )
    created = create_versions(["new:a", "new:b", "new:known"])
    assert len(sent) == 1
    assert created["new:known"] == known
    assert created == {"new:a": cache.get("ver:new:a"), "new:b": cache.get("ver:new:b"), "new:known": known}
    sent.clear()
    assert (namespace_version("new:a"), namespace_version("new:b")) == (created["new:a"], created["new:b"])
    assert sent == []  # memoized for the request


def test_late_writes_are_stored_when_the_request_ends(in_request):
    from django.core.signals import request_finished

    key, calls = versioned_key("late", 1), []

    def build():
        calls.append(1)
        return "value"

    assert cached(key, build, late=True) == "value"
    assert cache.get(key) is None  # not yet written
    assert cached(key, build, late=True) == "value"  # read back within the request
    assert calls == [1]
    request_finished.send(sender=None)
    assert cache.get(key) == ("value",)


def test_late_writes_keep_their_own_timeouts(in_request):
    from django.core.signals import request_finished

    short, long = versioned_key("late", "short"), versioned_key("late", "long")
    cached(short, lambda: "s", timeout=60, late=True)
    cached(long, lambda: "l", timeout=3600, late=True)
    request_finished.send(sender=None)
    assert (cache.get(short), cache.get(long)) == (("s",), ("l",))
    assert 0 < cache.ttl(short) <= 60 < cache.ttl(long) <= 3600


def test_late_writes_outside_a_request_are_immediate():
    cached("test:late-now", lambda: 3, late=True)
    assert cache.get("test:late-now") == (3,)


@pytest.mark.full_stack
def test_missing_versions_are_created_together_and_one_set_meanwhile_is_kept(in_request, monkeypatch):
    """Two namespaces without a version and one another process has just created (this
    request's read missed it): one pipeline creates the two and reads back all three, so
    every process goes on with the same versions."""
    from core.cache import read_versions
    from core.tests.pages import redis_round_trips

    cache.delete_many(["ver:fresh-a", "ver:fresh-b"])
    cache.set("ver:raced", 7, timeout=None)
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: {k: v for k, v in get_many(keys).items() if k != "ver:raced"})
    with redis_round_trips(monkeypatch) as trips:
        fresh_a, raced, fresh_b = read_versions(["fresh-a", "raced", "fresh-b"])
    assert len(trips) == 2  # the read, then the pipeline
    assert raced == 7
    assert fresh_a == fresh_b == cache.get("ver:fresh-a") == cache.get("ver:fresh-b")


def test_prefetched_keys_are_read_once_and_a_miss_stays_a_miss(in_request, monkeypatch):
    from core.cache import prefetch

    cache.set("test:prefetched-hit", ("kept",))
    cache.delete("test:prefetched-miss")
    prefetch(["test:prefetched-hit", "test:prefetched-miss"])
    monkeypatch.setattr(cache, "get", lambda *a, **k: pytest.fail(f"{a[0]} read again"))
    assert cached("test:prefetched-hit", lambda: "built") == "kept"
    assert cached("test:prefetched-miss", lambda: "built") == "built"


def test_a_late_set_waits_for_the_end_of_the_request(in_request):
    from django.core.signals import request_finished

    from core.cache import set_late

    set_late("test:page", ("page",), 60)
    assert cache.get("test:page") is None
    request_finished.send(sender=None)
    assert cache.get("test:page") == ("page",)
    set_late("test:page-now", ("page",), 60)  # outside a request: at once
    assert cache.get("test:page-now") == ("page",)
