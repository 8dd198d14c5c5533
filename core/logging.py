"""Log records that carry the request id, as JSON in production or one plain line in development.

The id lives in a context variable: the request middleware binds it for the request, and
the Celery signals in `core.observability` bind it again in the worker for the tasks that
request started, so one grep follows a reader's click into the background work it caused.
"""

import json
import logging
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
task_var: ContextVar[tuple[str, str] | None] = ContextVar("task", default=None)  # (task name, task id)

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_RECORD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "task_name", "task_id"}


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
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
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
