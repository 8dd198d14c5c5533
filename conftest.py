"""Test-wide setup: real PostgreSQL and Redis (see `scripts/services.sh`), isolated caches."""

import os

import pytest


def pytest_configure(config):
    """Give each xdist worker its own cache key space (and its child processes too).

    xdist names the worker only after Django has read its settings, so the prefix is set
    here, before any cache connection exists.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    from django.conf import settings
    from django.core.cache import caches

    # Keep the run's own prefix too, so two test runs sharing a Redis never meet.
    prefix = f"{os.environ.get('CACHE_KEY_PREFIX', 'cgbtest')}-{worker}"
    os.environ["CACHE_KEY_PREFIX"] = prefix
    for alias in settings.CACHES.values():
        alias["KEY_PREFIX"] = prefix
    caches.__dict__.pop("settings", None)  # rebuilt from the updated CACHES on first use


def clear_test_cache():
    """Remove this worker's keys only; never FLUSHDB a shared Redis."""
    from django.core.cache import cache

    from debates.selectors import forget_topic_slugs

    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()
    forget_topic_slugs()  # kept per process, like a cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_test_cache()
    yield
    clear_test_cache()


@pytest.fixture
def user(db):
    from core.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def auth_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Factories create many users; the production hasher costs ~1 s each on this hardware."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_may_join_results():
    """Eager tasks run from many threads at once (concurrency tests, live servers) can leave
    Celery's process-wide "inside a task" flag set; a later test that waits on a real
    worker's result would then be refused."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture
def stored_pages(settings):
    """The page caches' settings of tests of stored pages (core.microcache), in a process that
    has not seen a page yet."""
    from core.tests.pages import as_a_new_process

    as_a_new_process(settings)


@pytest.fixture
def on_commit_at_once(monkeypatch):
    """Cache versions are bumped after commit and a test's transaction never commits: run the
    callbacks at once (the same connection sees the rows). For tests of what a reader sees
    after their own write on a shared page."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
