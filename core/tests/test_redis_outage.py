"""Redis going away must cost speed, not pages or sessions."""

import logging

import pytest
from django.core.cache import cache

from core.tests.processes import free_port, redis_server

pytestmark = pytest.mark.django_db


def redis_cache(url):
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "outage",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }


def test_pages_are_served_from_the_database_when_redis_is_unreachable(client, settings, user, caplog):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    client.force_login(user)
    with caplog.at_level(logging.WARNING):
        response = client.get("/")
    assert response.status_code == 200
    assert user.username in response.content.decode()
    assert any("ConnectionError" in r.getMessage() or r.exc_info for r in caplog.records)


def test_stopping_redis_mid_traffic_loses_no_session_and_no_page(client, settings, user):
    with redis_server() as (url, process):
        settings.CACHES = redis_cache(url)
        client.force_login(user)
        assert client.get("/").status_code == 200
        assert cache.get(next(iter(cache.keys("*")), "missing")) is not None  # Redis really was used

        process.kill()
        process.wait(5)

        for _ in range(3):
            response = client.get("/")
            assert response.status_code == 200
            assert user.username in response.content.decode()  # the session came from the database
