"""Reads from a PostgreSQL streaming replica, writes to the primary (docs/operations.md, "Read replica").

Only a request may read from the replica, and only when `ReplicaRoutingMiddleware` allows it:
a GET or HEAD from a reader who has not written in the last `READ_YOUR_WRITES_SECONDS`.
Everything else reads the primary: writes, reads inside a transaction, cache fills (a value
cached from a lagging replica would outlive the lag), Celery tasks and management commands.
A replica that is down or lags past `REPLICA_MAX_LAG_SECONDS` is left alone until it recovers.
"""

import contextvars
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest

from core.metrics import replica_fallbacks, replica_in_use, replica_lag_seconds

logger = logging.getLogger(__name__)

REPLICA = "replica"
WROTE_COOKIE = "cgb_wrote"
WROTE_SALT = "core.replica.wrote"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_may_read_replica = contextvars.ContextVar("may_read_replica", default=False)

# Lag is 0 while the replica has replayed all it received; otherwise the age of the last
# replayed transaction (a paused or slow replay grows it, an idle primary does not).
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END
"""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def primary_reads():
    """Within this block every read goes to the primary."""
    token = _may_read_replica.set(False)
    try:
        yield
    finally:
        _may_read_replica.reset(token)


@dataclass
class ReplicaState:
    """This process's view of the replica, checked again at most every `REPLICA_CHECK_SECONDS`."""

    state: str = "unchecked"  # ok, lagging, down
    lag_seconds: float | None = None
    checked_at: float = float("-inf")

    @property
    def usable(self) -> bool:
        if time.monotonic() - self.checked_at >= settings.REPLICA_CHECK_SECONDS:
            self.refresh()
        return self.state == "ok"

    def refresh(self) -> None:
        self.checked_at = time.monotonic()
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(LAG_SQL)
                _in_recovery, lag = cursor.fetchone()
        except DatabaseError as exc:
            connections[REPLICA].close()
            self._record("down", None, f"{type(exc).__name__}: {exc}".strip())
            return
        lag = None if lag is None else float(lag)
        lagging = lag is None or lag > settings.REPLICA_MAX_LAG_SECONDS
        self._record("lagging" if lagging else "ok", lag)

    def mark_down(self, reason: str) -> None:
        connections[REPLICA].close()
        self.checked_at = time.monotonic()
        self._record("down", self.lag_seconds, reason)

    def _record(self, state: str, lag: float | None, reason: str = "") -> None:
        if state != self.state and state != "ok":
            logger.warning("read replica %s; reads go to the primary (%s)", state, reason or f"lag {lag} s")
        elif state != self.state:
            logger.info("read replica back in use (lag %s s)", lag)
        self.state, self.lag_seconds = state, lag
        replica_in_use.set(1 if state == "ok" else 0)
        replica_lag_seconds.set(-1 if lag is None else lag)


replica_state = ReplicaState()


class PrimaryReplicaRouter:
    """Writes and migrations on the primary; reads on the replica where the request allows it."""

    def db_for_read(self, model, **hints):
        if _may_read_replica.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two servers

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def recently_wrote(request: HttpRequest) -> bool:
    return bool(
        request.get_signed_cookie(
            WROTE_COOKIE, default=None, salt=WROTE_SALT, max_age=settings.READ_YOUR_WRITES_SECONDS
        )
    )


class ReplicaRoutingMiddleware:
    """Chooses the database for a request's reads and keeps a writer (ReadYourWritesMiddleware)
    on the primary a while. If the replica fails during a safe request, the request is served
    again from the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wants_replica = request.method in SAFE_METHODS and not recently_wrote(request)
        if wants_replica and not replica_state.usable:
            replica_fallbacks.labels(reason=replica_state.state).inc()
            wants_replica = False
        if wants_replica:
            connections[REPLICA].errors_occurred = False
        token = _may_read_replica.set(wants_replica)
        try:
            response = self.get_response(request)
        finally:
            _may_read_replica.reset(token)
        if wants_replica and response.status_code >= 500 and connections[REPLICA].errors_occurred:
            replica_state.mark_down("a query failed")
            replica_fallbacks.labels(reason="error").inc()
            response = self.get_response(request)  # a safe request: running it again is harmless
        return response


class ReadYourWritesMiddleware:
    """A successful unsafe request (POST, PUT, PATCH, DELETE) sets a short signed cookie; while
    it lives the writer's reads go to the primary and their pages are rendered for them alone
    (core.microcache), so nobody sees their own post or vote vanish. Their cached personal
    fragments (core.personal) are invalidated too, for when the cookie is gone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                from core.personal import reader_wrote  # core.personal reads through this module

                reader_wrote(user.pk)
            response.set_signed_cookie(
                WROTE_COOKIE,
                "1",
                salt=WROTE_SALT,
                max_age=settings.READ_YOUR_WRITES_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def replica_status() -> dict:
    """What /readyz and check_scalability report: the state as of now, checked afresh."""
    if not replica_configured():
        return {"configured": False}
    replica_state.refresh()
    return {
        "configured": True,
        "state": replica_state.state,
        "lag_seconds": replica_state.lag_seconds,
        "max_lag_seconds": settings.REPLICA_MAX_LAG_SECONDS,
        "serving_reads": replica_state.state == "ok",
    }
