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
