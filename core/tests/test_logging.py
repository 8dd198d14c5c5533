"""Logs: UTC timestamps, security events, no URL secrets (Django's logs and gunicorn's access log)."""

import io
import json
import logging
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from gunicorn.config import Config

from core.access_log import AccessLogger
from core.logging import JsonFormatter, PlainFormatter, redact, scrub_event
from core.tests.factories import UserFactory

UTC_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
CREATED = 1_780_000_000.25  # 2026-05-28T20:26:40.250Z, 17:26 in São Paulo


def test_json_and_plain_lines_are_stamped_in_utc_with_z():
    record = logging.makeLogRecord({"msg": "x", "created": CREATED, "msecs": 250.0})
    assert json.loads(JsonFormatter().format(record))["time"] == "2026-05-28T20:26:40.250Z"
    assert PlainFormatter("%(asctime)s %(message)s").format(record) == "2026-05-28T20:26:40.250Z x"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("GET /leitores/ana/estantes/?estante=read&k=AbC:123-x HTTP/1.1", "?estante=read&k=[redacted] HTTP/1.1"),
        ("/biblioteca/ana/estatisticas/2026/?k=a1:b2&meta=c3:d4", "?k=[redacted]&meta=[redacted]"),
        ("/conta/password/reset/key/1-abc123def/", "/conta/password/reset/key/[redacted]/"),
        ("/conta/confirm-email/MjQ:1tXk/", "/conta/confirm-email/[redacted]/"),
        ("/livros/?book=1&page=2", "/livros/?book=1&page=2"),
    ],
)
def test_redact_keeps_the_path_and_drops_url_secrets(text, expected):
    assert redact(text).endswith(expected)


@pytest.fixture
def console():
    """The configured console handler (filters and formatter as in production), into a buffer."""
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "name", None) == "console")
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


@pytest.mark.django_db
def test_share_link_tokens_never_reach_the_application_log(client, console):
    user = UserFactory(username="ana")
    client.get(f"/leitores/{user.username}/estantes/?estante=read&k=segredo:abc123")  # unlisted/private → 404 logged
    logging.getLogger("cgbookstore.test").warning("visit %s", "/x/?estante=read&k=segredo:abc123")
    output = console.getvalue()
    assert "visit /x/?estante=read&k=[redacted]" in output
    assert "segredo" not in output


@pytest.mark.django_db
def test_logins_failures_lockouts_and_429s_are_logged(client, caplog, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "2/5m/key"}
    user = UserFactory(username="ana")
    caplog.set_level(logging.INFO)
    client.post(reverse("account_login"), {"login": "ana", "password": "senha-forte-123"})
    client.logout()
    for _attempt in range(3):
        client.post(reverse("account_login"), {"login": "ana", "password": "errada"})
    staff = UserFactory(username="moderadora", is_staff=True)
    for _attempt in range(3):
        response = client.post("/admin/login/", {"username": staff.username, "password": "errada"})
    assert response.status_code == 429
    events = [(getattr(r, "event", None), getattr(r, "login", getattr(r, "user_id", None))) for r in caplog.records]
    assert ("login", user.pk) in events
    assert events.count(("login_failed", "ana")) == 2 and ("login_locked", "ana") in events
    assert ("login_failed", "moderadora") in events
    limited = [r for r in caplog.records if getattr(r, "event", None) == "rate_limited"]
    assert limited and limited[-1].ip == "127.0.0.1" and int(limited[-1].retry_after) > 0


def access_logger(tmp_path, **settings) -> AccessLogger:
    cfg = Config()
    for name, value in {"accesslog": str(tmp_path / "access.log"), **settings}.items():
        cfg.set(name, value)
    return AccessLogger(cfg)


def get_environ(path: str, query: str = "", **extra) -> dict:
    """What gunicorn hands the logger of a GET."""
    raw_uri = f"{path}?{query}" if query else path
    return {"REQUEST_METHOD": "GET", "RAW_URI": raw_uri, "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", **extra}  # fmt: skip


def test_gunicorn_access_log_redacts_tokens_and_stamps_utc(tmp_path):
    logger = access_logger(tmp_path)
    referer = "https://cgbookstore.example.com/leitores/ana/estantes/?k=segredo:def"
    environ = get_environ("/resenhas/7/", "k=segredo:abc", HTTP_REFERER=referer)
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger.access(response, request, environ, timedelta(milliseconds=12))
    line = (tmp_path / "access.log").read_text()
    assert "GET /resenhas/7/?k=[redacted] HTTP/1.1" in line and "segredo" not in line
    assert UTC_STAMP.search(line), line


def test_sentry_reports_lose_the_url_secrets_too():
    event = {"request": {"url": "https://x.example/resenhas/7/?k=segredo:1", "query_string": "k=segredo:1&page=2"}}
    request = scrub_event(event, None)["request"]
    assert request == {"url": "https://x.example/resenhas/7/?k=[redacted]", "query_string": "k=[redacted]&page=2"}


def test_access_log_atoms_are_those_the_format_prints_redacted(tmp_path):
    logger = access_logger(tmp_path, access_log_format='%(r)s "%({Referer}i)s" %({x-request-id}o)s %(s)s')
    environ = get_environ("/livros/")
    referer = "https://cgbookstore.example.com/leitores/ana/estantes/?k=segredo:def"
    response = SimpleNamespace(status="200 OK", sent=10, headers=[("X-Request-ID", "abc123abc")])
    request = SimpleNamespace(headers=[("REFERER", referer)])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=3))
    assert set(atoms) == {"r", "{referer}i", "{x-request-id}o", "s"}
    logger.access(response, request, environ, timedelta(milliseconds=3))
    line = (tmp_path / "access.log").read_text()
    redacted = referer.replace("segredo:def", "[redacted]")
    assert line == f'GET /livros/ HTTP/1.1 "{redacted}" abc123abc 200\n'
