"""Prometheus metrics: django-prometheus's own (queries) and the project's.

- HTTP requests by view, status and latency (`RequestMetricsMiddleware`, django-prometheus's names);
- cache gets, hits, misses and failures (`RedisCache`, django-prometheus's names);
- rate-limit rejections, counted by `core.middleware.ratelimit_response`;
- Celery tasks (count by outcome, duration), counted in whichever process runs them: the
  worker exports them on `CELERY_METRICS_PORT`, an eager web process on /metrics;
- the length of each Celery queue, read from the broker's Redis at scrape time (one LLEN
  per queue in a pipeline, so a scrape costs one round trip).

With several processes per node (gunicorn workers, prefork children) prometheus-client
needs `PROMETHEUS_MULTIPROC_DIR`; `registry()` then merges the files every process writes.
"""

import hmac
import ipaddress
import logging
import os
import time

import prometheus_client
from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django_prometheus.cache import metrics as cache_metrics
from django_prometheus.middleware import Metrics as DjangoMetrics
from django_redis import cache as django_redis_cache
from django_redis.exceptions import ConnectionInterrupted
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily

from core.ratelimit import client_ip

logger = logging.getLogger(__name__)

QUEUES = ("default", "maintenance", "recommendations")


def queue_names() -> list[str]:
    """The named queues plus any queue a task route sends work to."""
    routed = {route["queue"] for route in getattr(settings, "CELERY_TASK_ROUTES", {}).values() if "queue" in route}
    return sorted(set(QUEUES) | routed)


ratelimit_rejections = Counter(
    "cgbookstore_ratelimit_rejections_total", "Requests refused with 429, by view.", ["view"]
)
celery_tasks = Counter("cgbookstore_celery_tasks_total", "Celery tasks finished, by task and state.", ["task", "state"])
celery_task_duration = Histogram(
    "cgbookstore_celery_task_duration_seconds",
    "Run time of Celery tasks.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800),
)

# Read replica (core/replica.py): whether this process reads from it, its lag as last
# measured (-1: unknown), and the requests that wanted it but read the primary, by reason.
replica_in_use = Gauge("cgbookstore_replica_in_use", "1 while reads go to the replica.", multiprocess_mode="livemin")
replica_lag_seconds = Gauge(
    "cgbookstore_replica_lag_seconds", "Replay lag of the read replica.", multiprocess_mode="livemax"
)
replica_fallbacks = Counter(
    "cgbookstore_replica_fallbacks_total", "Requests whose reads went to the primary instead.", ["reason"]
)


class RequestMetricsMiddleware:
    """The request metrics the dashboards use, under django-prometheus's names: requests by
    view/transport/method, responses by status/view/method, latency by view/method.

    django-prometheus's Before/After pair updates about a dozen series per request, which
    cost the one-Redis-GET view a tenth of its CPU; these three are all that is read.
    Outermost in MIDDLEWARE, so the latency covers every other middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.metrics = DjangoMetrics.get_instance()
        # (view, method, https?, status) -> its three series, looked up once per process:
        # `labels()` validates the names and takes a lock on every call.
        self.series = {}

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = match.view_name if match else "<unnamed view>"
        method = request.method if request.method in _METHODS else "<invalid method>"
        key = (view, method, request.is_secure(), response.status_code)
        series = self.series.get(key)
        if series is None:
            series = self.series[key] = self._series(*key)
        requests, responses, latency = series
        requests.inc()
        responses.inc()
        latency.observe(time.perf_counter() - started)
        return response

    def _series(self, view, method, secure, status):
        metrics = self.metrics
        transport = "https" if secure else "http"
        return (
            metrics.requests_by_view_transport_method.labels(view=view, transport=transport, method=method),
            metrics.responses_by_status_view_method.labels(status=str(status), view=view, method=method),
            metrics.requests_latency_by_view_method.labels(view=view, method=method),
        )


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})

# The cache's series, each looked up once: `labels()` on every get cost a cached page about as
# much as its Redis GET's own Python.
_cache_gets, _cache_hits, _cache_misses, _cache_failures = (
    counter.labels(backend="redis")
    for counter in (
        cache_metrics.django_cache_get_total,
        cache_metrics.django_cache_hits_total,
        cache_metrics.django_cache_misses_total,
        cache_metrics.django_cache_get_fail_total,
    )
)


class RedisCache(django_redis_cache.RedisCache):
    """django-redis counting gets, hits, misses and failures under django-prometheus's names,
    as its own `RedisCache` does (the dashboards' hit ratio), with the series bound once."""

    @django_redis_cache.omit_exception
    def get(self, key, default=None, version=None, client=None):
        _cache_gets.inc()
        try:
            cached = self.client.get(key, default=None, version=version, client=client)
        except ConnectionInterrupted as error:
            _cache_failures.inc()
            if self._ignore_exceptions:
                if self._log_ignored_exceptions:
                    self.logger.error(str(error))
                return default
            raise
        if cached is None:
            _cache_misses.inc()
            return default
        _cache_hits.inc()
        return cached


def registry() -> CollectorRegistry:
    """This process's registry, or every process's merged when running multi-process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)
        return merged
    return prometheus_client.REGISTRY


class QueueLengthCollector:
    """`cgbookstore_celery_queue_length{queue}` from the broker, collected when scraped."""

    def __init__(self):
        self._client = None

    def _redis(self):
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(
                settings.CELERY_BROKER_URL, socket_timeout=0.5, socket_connect_timeout=0.5
            )
        return self._client

    def collect(self):
        gauge = GaugeMetricFamily(
            "cgbookstore_celery_queue_length", "Messages waiting in a Celery queue.", labels=["queue"]
        )
        if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
            try:
                queues = queue_names()
                pipe = self._redis().pipeline(transaction=False)
                for queue in queues:
                    pipe.llen(queue)
                for queue, length in zip(queues, pipe.execute(), strict=True):
                    gauge.add_metric([queue], length)
            except Exception:  # an unreachable broker must not break the scrape; /readyz reports it
                logger.warning("queue length unavailable", exc_info=True)
        yield gauge


class OutboxCollector:
    """The task outbox's backlog (core/jobs.py), one query when scraped: tasks that wait for
    the broker and the age of the oldest. A backlog that keeps growing means the broker is
    down or the drain does not run (beat, the `maintenance` worker)."""

    def collect(self):
        from core.jobs import outbox_backlog

        unsent = GaugeMetricFamily("cgbookstore_outbox_unsent_tasks", "Tasks waiting in the outbox for the broker.")
        oldest = GaugeMetricFamily(
            "cgbookstore_outbox_oldest_unsent_seconds", "Age of the oldest task waiting in the outbox (0 if none)."
        )
        try:
            count, age = outbox_backlog()
        except Exception:  # an unreachable database must not break the scrape; /readyz reports it
            logger.warning("outbox backlog unavailable", exc_info=True)
        else:
            unsent.add_metric([], count)
            oldest.add_metric([], age)
        yield unsent
        yield oldest


_queue_registry = CollectorRegistry(auto_describe=False)
_queue_registry.register(QueueLengthCollector())
_queue_registry.register(OutboxCollector())


def metrics_allowed(request) -> bool:
    """A scraper from an allowed network, or one presenting the bearer token."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_IPS)


def metrics_view(request):
    if not metrics_allowed(request):
        return HttpResponseForbidden("forbidden\n", content_type="text/plain")
    body = prometheus_client.generate_latest(registry()) + prometheus_client.generate_latest(_queue_registry)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)


# --- Celery ---------------------------------------------------------------------------------
_started: dict[str, float] = {}


def task_started(task_id=None, **kwargs):
    _started[task_id] = time.perf_counter()


def task_finished(task_id=None, task=None, state=None, **kwargs):
    started = _started.pop(task_id, None)
    name = getattr(task, "name", "unknown")
    celery_tasks.labels(task=name, state=(state or "unknown").lower()).inc()
    if started is not None:
        celery_task_duration.labels(task=name).observe(time.perf_counter() - started)


def start_worker_exporter(**kwargs):
    """Serve the worker's task metrics on CELERY_METRICS_PORT (Prometheus scrapes each worker)."""
    port = os.environ.get("CELERY_METRICS_PORT")
    if port:
        address = os.environ.get("CELERY_METRICS_ADDRESS", "127.0.0.1")
        prometheus_client.start_http_server(int(port), addr=address, registry=registry())
        logger.info("celery metrics on %s:%s", address, port)


def mark_child_dead(pid=None, **kwargs):
    """A prefork child exited: its live gauges go (counters stay merged)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid or os.getpid())
