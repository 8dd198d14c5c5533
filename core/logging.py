"""Log records that carry the request id, as JSON in production or one plain line in development.

The id lives in a context variable: the request middleware binds it for the request, and
the Celery signals in `core.observability` bind it again in the worker for the tasks that
request started, so one grep follows a reader's click into the background work it caused.
"""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
task_var: ContextVar[tuple[str, str] | None] = ContextVar("task", default=None)  # (task name, task id)

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_RECORD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "task_name", "task_id"}


# Secrets that travel in URLs: share-link tokens (`?k=`, `?meta=`) and allauth's password
# reset and e-mail confirmation keys. Logs keep the path, never the secret.
_SECRETS = re.compile(r"(?P<keep>[?&;](?:k|meta)=|/password/reset/key/|/confirm-email/)[^&;\s\"'/]+")


def redact(text: str) -> str:
    return _SECRETS.sub(r"\g<keep>[redacted]", text) if isinstance(text, str) else text


def scrub_event(event: dict, hint) -> dict:
    """Sentry's `before_send`: the same URL secrets out of the reported request."""
    request = event.get("request") or {}
    if isinstance(request.get("url"), str):
        request["url"] = redact(request["url"])
    if isinstance(request.get("query_string"), str):
        request["query_string"] = redact("?" + request["query_string"])[1:]
    return event


def utc_timestamp(created: float) -> str:
    """ISO 8601 in UTC with milliseconds: `2026-12-03T07:42:35.123Z`."""
    return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class RedactFilter(logging.Filter):
    """Drops URL secrets from every message, whoever logs it (Django's request logger too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class PlainFormatter(logging.Formatter):
    """One readable line, stamped in UTC."""

    def formatTime(self, record, datefmt=None) -> str:  # noqa: N802 (logging's name)
        return utc_timestamp(record.created)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request id and task (or "-" outside of them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        task = task_var.get()
        record.task_name, record.task_id = task or ("-", "-")
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: what log shippers (Loki, ELK, CloudWatch) index without parsing."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": utc_timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if getattr(record, "task_id", "-") != "-":
            entry["task_name"], entry["task_id"] = record.task_name, record.task_id
        entry.update({key: value for key, value in vars(record).items() if key not in _RECORD_ATTRS})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
