"""gunicorn settings; every value can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers with persistent DB connections (CONN_MAX_AGE) measured fastest here;
# two per core keeps the CPU busy while one waits on PostgreSQL or Redis.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 35))  # above the 30 s statement timeout
graceful_timeout = 30
keepalive = 5
# Workers are recycled to bound a slow leak. A restarted worker's first requests are slow (imports,
# templates, connections), so the jitter is half the limit: workers that serve alike never
# restart together (with a jitter of 10% all of them restarted within a second under load).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 50_000))
max_requests_jitter = max_requests // 2
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
# Times in UTC (ISO 8601, `Z`); share-link tokens and reset keys redacted from every line.
logger_class = "core.access_log.AccessLogger"

# Prometheus with several workers: each writes its metrics to PROMETHEUS_MULTIPROC_DIR and
# /metrics merges them. The directory must be emptied at start (stale files from the last
# run would add up) and a dead worker's live gauges dropped.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    if _metrics_dir:
        os.makedirs(_metrics_dir, exist_ok=True)
        for name in os.listdir(_metrics_dir):
            if name.endswith(".db"):
                os.remove(os.path.join(_metrics_dir, name))


def child_exit(server, worker):
    if _metrics_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
