"""gunicorn's access log without URL secrets, stamped in UTC (`logger_class` in deploy/gunicorn.conf.py)."""

from datetime import UTC, datetime

from gunicorn.glogging import Logger

from core.logging import redact


class AccessLogger(Logger):
    def now(self) -> str:
        return datetime.now(UTC).strftime("[%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z]"

    def atoms(self, resp, req, environ, request_time) -> dict:
        # The request line, query, referer and any header or environ atom may carry `?k=`.
        return {key: redact(value) for key, value in super().atoms(resp, req, environ, request_time).items()}
