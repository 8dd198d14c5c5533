"""Probes of the services a request depends on, each timed; used by /readyz and check_scalability."""

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection


@dataclass
class ProbeResult:
    name: str
    ok: bool
    latency_ms: float
    detail: str = ""


def _timed(name: str, probe) -> ProbeResult:
    started = time.perf_counter()
    try:
        detail = probe() or ""
        ok = True
    except Exception as exc:  # a probe reports any failure instead of raising
        detail, ok = f"{type(exc).__name__}: {exc}", False
    return ProbeResult(name, ok, round((time.perf_counter() - started) * 1000, 2), detail)


def probe_database() -> ProbeResult:
    def run():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return connection.vendor

    return _timed("database", run)


def probe_cache() -> ProbeResult:
    """A real set/get round trip; a django-redis cache that ignores errors would answer None."""

    def run():
        key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
        cache.set(key, value, 10)
        read = cache.get(key)
        cache.delete(key)
        if read != value:
            raise ConnectionError("set/get round trip failed")
        return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]

    return _timed("cache", run)


def probe_broker() -> ProbeResult:
    def run():
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return "eager (no broker)"
        from cgbookstore.celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
        return conn.transport_cls

    return _timed("broker", run)


def readiness() -> list[ProbeResult]:
    return [probe_database(), probe_cache(), probe_broker()]
