"""Real processes for fault tests and the soak run: gunicorn, a Celery worker, a private Redis.

Everything listens on loopback only, is started in its own process group and is always
stopped. Logs go to test-artifacts/reliability/.
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "reliability"
VENV_BIN = Path(sys.executable).parent
# High enough that a test's own traffic is never rate limited (the limits are tested elsewhere).
NO_LIMITS = {
    f"RATELIMIT_{name}": "1000000/h"
    for name in ("POST_CREATE", "TOPIC_CREATE", "VOTE", "DEBATES_LIST", "REVIEW_WRITE", "SHELF_WRITE")
}


def free_port() -> int:
    from core.tests.processes import free_port as port

    return port()


def wait_for_port(port: int, timeout: float = 20) -> None:
    from core.tests.processes import wait_for_port as wait

    wait(port, timeout)


def _log(name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return open(ARTIFACTS / f"{name}.log", "ab")  # noqa: SIM115 (kept open for the child's life)


def _stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 20) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


class Redis:
    """A private redis-server on a fixed loopback port, so it can be stopped and started again."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        assert self.binary, "redis-server is not installed"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> "Redis":
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(args, stdout=_log("redis"), start_new_session=True)
        wait_for_port(self.port)
        return self

    def kill(self) -> None:
        _stop(self.process, signal.SIGKILL)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()


def server_env(*, database_url: str, redis_url: str, broker_url: str = "", **extra) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url + "/0",
        CELERY_BROKER_URL=broker_url or redis_url + "/1",
        CACHE_KEY_PREFIX="cgbrel",
        DEBUG="false",
        STATIC_MANIFEST="false",
        WHITENOISE_USE_FINDERS="true",
        LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore:No directory at:UserWarning",
        PYTHONPATH=str(ROOT),
        **NO_LIMITS,
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Gunicorn:
    """deploy/gunicorn.conf.py on a free loopback port."""

    def __init__(self, env: dict, workers: int = 2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": str(workers)}
        self.env["GUNICORN_ACCESSLOG"] = str(ARTIFACTS / "gunicorn-access.log")
        self.process = None

    def __enter__(self):
        args = [str(VENV_BIN / "gunicorn"), "cgbookstore.wsgi:application", "-c", "deploy/gunicorn.conf.py"]
        self.process = subprocess.Popen(
            [*args, "--no-control-socket"], cwd=ROOT, env=self.env, stdout=_log("gunicorn"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn exited; see test-artifacts/reliability/gunicorn.log"
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        _stop(self.process)
        raise TimeoutError("gunicorn did not answer /healthz")

    def __exit__(self, *exc):
        _stop(self.process)


class Worker:
    """A Celery worker (one process, solo pool) that can be killed and started again."""

    def __init__(self, env: dict, queues: str, settings: str = "cgbookstore.settings"):
        self.env = {**env, "DJANGO_SETTINGS_MODULE": settings, "CELERY_TASK_ALWAYS_EAGER": "false"}
        self.queues = queues
        self.process = None

    def start(self) -> "Worker":
        args = [str(VENV_BIN / "celery"), "-A", "cgbookstore", "worker", "-Q", self.queues, "-P", "solo",
                "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "warning"]  # fmt: skip
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=_log("worker"), stderr=subprocess.STDOUT, start_new_session=True
        )
        return self

    def kill(self) -> None:
        _stop(self.process, signal.SIGKILL)

    def stop(self) -> None:
        _stop(self.process)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def login_session(user) -> dict[str, str]:
    """Cookies of a signed-in session, stored in the database (as cached_db would after a cache loss)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return {"sessionid": store.session_key, "csrftoken": secrets.token_hex(16)}


class Reader(requests.Session):
    """An HTTP client of one signed-in reader: session cookie, CSRF cookie and header."""

    def __init__(self, base: str, cookies: dict[str, str], username: str):
        super().__init__()
        self.base = base
        self.username = username
        self.cookies.update(cookies)
        self.headers.update({"X-CSRFToken": cookies["csrftoken"], "Referer": base + "/"})

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, self.base + url, **kwargs)


@dataclass
class Tally:
    """What a run of traffic did: requests, answers by status, failures, acknowledged writes."""

    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    acknowledged: list[tuple] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, response: requests.Response | None, what: str, error: str = "") -> None:
        with self.lock:
            self.sent += 1
            status = response.status_code if response is not None else 0
            self.statuses[status] += 1
            if error or status == 0 or status >= 500:
                self.failures.append(f"{what}: {status} {error}"[:300])

    def ack(self, *write) -> None:
        with self.lock:
            self.acknowledged.append(write)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500 or status == 0)


def run_for(seconds: float, threads: int, step: Callable[[int], None]) -> None:
    """Calls step(i) from a bounded pool until `seconds` have passed."""
    deadline = time.monotonic() + seconds

    def loop(i: int) -> None:
        n = 0
        while time.monotonic() < deadline:
            step(i * 1_000_000 + n)
            n += 1

    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(loop, i) for i in range(threads)]:
            future.result()


def report(name: str, figures: dict) -> dict:
    """Prints the figures of a fault run and keeps them in test-artifacts/reliability/figures.json."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "figures.json"
    everything = json.loads(path.read_text()) if path.exists() else {}
    everything[name] = {**figures, "at": time.strftime("%Y-%m-%d %H:%M:%S")}
    path.write_text(json.dumps(everything, indent=2, ensure_ascii=False))
    print(f"\n[{name}] " + ", ".join(f"{key}={value}" for key, value in figures.items()))
    return figures
