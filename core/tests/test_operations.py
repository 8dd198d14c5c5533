"""Operations: /metrics and its protection, request ids in logs and tasks, JSON logs,
production settings (`check --deploy`) and Sentry switched on by its DSN only."""

import json
import logging
import os
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
import redis
from celery import shared_task
from django.http import JsonResponse
from django.urls import include, path
from django.utils import timezone
from prometheus_client import REGISTRY

from core import metrics
from core.logging import JsonFormatter, RequestIdFilter, request_id_var
from core.models import OutboxTask
from core.observability import _add_request_id, _bind_task, _unbind_task
from core.ratelimit import rate_limit
from core.tests.processes import ROOT, free_port, redis_server

logger = logging.getLogger("core.tests.operations")


@shared_task(name="core.tests.seen_request_id")
def seen_request_id() -> str | None:
    logger.info("task sees the request")
    return request_id_var.get()


@rate_limit("vote", method="POST")
def limited(request):
    return JsonResponse({"ok": True})


def enqueue(request):
    logger.info("view enqueues")
    return JsonResponse({"task_saw": seen_request_id.delay().get()})


urlpatterns = [path("limited/", limited), path("enqueue/", enqueue), path("", include("cgbookstore.urls"))]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# --- /metrics -------------------------------------------------------------------------------
def test_metrics_from_localhost_show_requests_queries_cache_and_queues(client):
    client.get("/healthz")
    client.get("/debates/")  # queries the database and reads the cache
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    by_view = "django_http_requests_total_by_view_transport_method_total"
    assert f'{by_view}{{method="GET",transport="http",view="core:healthz"}}' in body
    assert 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="debates:topic_list"}' in body
    assert 'django_db_execute_total{alias="default",vendor="postgresql"}' in body
    assert 'django_cache_get_total{backend="redis"}' in body
    assert 'cgbookstore_celery_queue_length{queue="default"}' in body


def test_request_metrics_count_each_view_and_status_apart(client):
    responses = "django_http_responses_total_by_status_view_method_total"
    ok = {"status": "200", "view": "core:healthz", "method": "GET"}
    missing = {"status": "404", "view": "<unnamed view>", "method": "GET"}
    before_ok, before_missing = sample(responses, **ok), sample(responses, **missing)
    client.get("/healthz")
    client.get("/no-such-page/")
    client.get("/healthz")
    assert sample(responses, **ok) == before_ok + 2
    assert sample(responses, **missing) == before_missing + 1


def test_metrics_refuse_an_address_outside_the_allow_list(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403


def test_metrics_ignore_a_forged_forwarded_for_without_a_trusted_proxy(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 403


def test_metrics_allow_a_network_range(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_metrics_accept_the_bearer_token_from_anywhere_and_refuse_a_wrong_one(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    ok = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert ok.status_code == 200
    wrong = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 403


def test_rate_limit_rejections_are_counted_by_view(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "vote": "1/h"}
    before = sample("cgbookstore_ratelimit_rejections_total", view="core.tests.test_operations.limited")
    assert client.post("/limited/").status_code == 200
    assert client.post("/limited/").status_code == 429
    assert client.post("/limited/").status_code == 429
    after = sample("cgbookstore_ratelimit_rejections_total", view="core.tests.test_operations.limited")
    assert after - before == 2


def test_cache_hits_and_misses_are_counted(client):
    misses = sample("django_cache_get_misses_total", backend="redis")
    hits = sample("django_cache_get_hits_total", backend="redis")
    from django.core.cache import cache

    cache.get("ops:absent")
    cache.set("ops:present", 1)
    cache.get("ops:present")
    assert sample("django_cache_get_misses_total", backend="redis") == misses + 1
    assert sample("django_cache_get_hits_total", backend="redis") == hits + 1


def test_a_cache_get_that_reaches_no_redis_is_counted_as_failed_and_answers_the_default(settings):
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {**settings.CACHES["default"]["OPTIONS"], "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }
    failures = sample("django_cache_get_fail_total", backend="redis")
    gets = sample("django_cache_get_total", backend="redis")
    assert caches["default"].get("ops:anything", "fallback") == "fallback"
    assert sample("django_cache_get_fail_total", backend="redis") == failures + 1
    assert sample("django_cache_get_total", backend="redis") == gets + 1


def test_queue_length_is_read_from_the_broker_at_scrape_time(settings):
    with redis_server() as (url, _process):
        settings.CELERY_BROKER_URL = url
        redis.Redis.from_url(url).rpush("maintenance", "a", "b", "c")
        collector = metrics.QueueLengthCollector()
        (family,) = collector.collect()
    lengths = {s.labels["queue"]: s.value for s in family.samples}
    assert {"default": 0, "maintenance": 3, "recommendations": 0}.items() <= lengths.items()


def test_the_outbox_backlog_is_measured_at_scrape_time():
    OutboxTask.objects.create(name="core.ping", created_at=timezone.now() - timedelta(minutes=5))
    OutboxTask.objects.create(name="core.ping")
    OutboxTask.objects.create(name="core.ping", sent_at=timezone.now())
    unsent, oldest = metrics.OutboxCollector().collect()
    assert unsent.samples[0].value == 2
    assert 300 <= oldest.samples[0].value < 360


def test_routed_queues_are_measured_too(settings):
    settings.CELERY_TASK_ROUTES = {"library.tasks.*": {"queue": "imports"}}
    assert "imports" in metrics.queue_names()


def test_an_unreachable_broker_leaves_the_queue_gauge_empty_instead_of_failing(settings, caplog):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    (family,) = metrics.QueueLengthCollector().collect()
    assert family.samples == []
    assert "queue length unavailable" in caplog.text


def test_celery_tasks_are_counted_with_their_state_and_duration():
    before = sample("cgbookstore_celery_tasks_total", task="core.tests.seen_request_id", state="success")
    durations = sample("cgbookstore_celery_task_duration_seconds_count", task="core.tests.seen_request_id")
    seen_request_id.delay()
    assert sample("cgbookstore_celery_tasks_total", task="core.tests.seen_request_id", state="success") == before + 1
    assert sample("cgbookstore_celery_task_duration_seconds_count", task="core.tests.seen_request_id") == durations + 1


# --- Request ids -----------------------------------------------------------------------------
def test_each_response_carries_a_fresh_request_id(client):
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_client_supplied_request_id_is_ignored_without_a_trusted_proxy(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="forged-by-client-123")
    assert response["X-Request-ID"] != "forged-by-client-123"


def test_the_proxy_request_id_is_kept_and_a_malformed_one_replaced(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc123def456")["X-Request-ID"] == "abc123def456"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nvalue")["X-Request-ID"] != "bad id\nvalue"


def test_logs_and_an_eager_task_of_a_request_carry_its_request_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="core.tests.operations"):
        response = client.get("/enqueue/")
    request_id = response["X-Request-ID"]
    assert response.json() == {"task_saw": request_id}
    stamped = {record.getMessage(): record.request_id for record in caplog.records}
    assert stamped["view enqueues"] == request_id
    assert stamped["task sees the request"] == request_id
    assert request_id_var.get() is None  # nothing leaks into the next request


def test_a_published_task_carries_the_request_id_that_the_worker_binds_again():
    headers = {}
    token = request_id_var.set("req-0123456789")
    try:
        _add_request_id(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers == {"request_id": "req-0123456789"}

    class Task:  # what Celery hands to task_prerun in the worker: the headers on task.request
        name = "core.ping"
        request = type("Request", (), {"request_id": "req-0123456789"})()

    _bind_task(task_id="t-1", task=Task)
    assert request_id_var.get() == "req-0123456789"
    _unbind_task(task=Task)
    assert request_id_var.get() is None


# --- Log format ------------------------------------------------------------------------------
def test_json_formatter_writes_one_object_with_request_id_extras_and_exception():
    record = logging.makeLogRecord(
        {"name": "debates", "levelname": "WARNING", "msg": "slow page %s", "args": ("/debates/",), "topic_id": 7}
    )
    token = request_id_var.set("rid-42abcdef")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "slow page /debates/"
    assert entry["level"] == "WARNING" and entry["logger"] == "debates"
    assert entry["request_id"] == "rid-42abcdef"
    assert entry["topic_id"] == 7
    assert "ValueError: boom" in entry["exception"]
    assert "task_id" not in entry


# --- Production settings and Sentry (fresh processes: settings are read once) ----------------
def run_django(code: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "CGB_", "SENTRY", "HTTPS", "SECURE_"))}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "cgbookstore.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "cgbookstore.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://cgbookstore.example.com",
    "HTTPS": "true",
    "TRUSTED_PROXY_COUNT": "1",
    "SECURE_HSTS_PRELOAD": "true",
}


def test_check_deploy_passes_with_the_production_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_without_https():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION, "HTTPS": "false"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W012" in result.stderr


def test_production_settings_are_secure_and_development_stays_plain_http():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER, s.LOG_FORMAT)"
    )
    production = run_django(code, **PRODUCTION)
    proxy_header = ["('HTTP_X_FORWARDED_PROTO',", "'https')"]
    assert production.stdout.split() == ["True", "True", "True", "31536000", *proxy_header, "json"]
    development = run_django(code, DEBUG="1", CGB_EMBEDDED="1")
    assert development.stdout.split() == ["False", "False", "False", "0", "None", "plain"]


def test_sentry_is_enabled_only_when_a_dsn_is_set():
    code = "import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    assert run_django(code).stdout.strip() == "False"
    assert run_django(code, SENTRY_DSN="https://public@127.0.0.1:9/1").stdout.strip() == "True"
