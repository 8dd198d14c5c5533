"""A real Celery worker: the request id travels in the task headers, and the worker
exports its task metrics on CELERY_METRICS_PORT."""

import json
import os
import subprocess
import sys
import urllib.request
import uuid

import pytest

from cgbookstore.celery import app
from core.logging import request_id_var
from core.tasks import ping
from core.tests import processes
from core.tests.processes import ROOT, free_port, wait_for_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def not_eager():
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def test_worker_logs_the_request_id_of_the_publisher_and_exports_task_metrics(not_eager, tmp_path):
    queue, port = f"test-{uuid.uuid4().hex[:8]}", free_port()
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": processes.test_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_METRICS_PORT": str(port),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }
    command = [sys.executable, "-m", "celery", "-A", "cgbookstore", "worker", "-Q", queue, "-P", "solo", "-l", "info"]
    command += ["--without-heartbeat", "--without-mingle", "--without-gossip"]
    with open(log_path, "w") as log:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        token = request_id_var.set("req-from-the-web-1234")
        try:
            result = ping.apply_async(queue=queue)
        finally:
            request_id_var.reset(token)
        assert result.get(timeout=60) == "pong"
        wait_for_port(port, timeout=10)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            exported = response.read().decode()
    finally:
        worker.terminate()
        worker.wait(15)
    assert 'cgbookstore_celery_tasks_total{state="success",task="core.ping"} 1.0' in exported
    assert 'cgbookstore_celery_task_duration_seconds_count{task="core.ping"} 1.0' in exported
    entries = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    ping_logs = [entry for entry in entries if entry.get("task_id") == result.id]
    assert ping_logs, log_path.read_text()
    assert {entry["request_id"] for entry in ping_logs} == {"req-from-the-web-1234"}, ping_logs
