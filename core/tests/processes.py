"""Real helper processes for tests: a throwaway Redis server and a Celery worker."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


@contextmanager
def redis_server():
    """A private redis-server on a free port; yields (url, process). Fails if none is installed."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed (make test needs it)"
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        process.kill()
        process.wait(5)


def test_database_url() -> str:
    """The URL of the database the current test runs on, for child processes."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def celery_worker(queue: str, **extra_env):
    """A real `celery worker` process on the test database, consuming `queue` only."""
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **extra_env,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cgbookstore",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "-P",
            "solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL's programs refuse to run as root; run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PostgresWithReplica:
    """A private PostgreSQL primary and its streaming replica (`pg_basebackup -R`), each on a
    free port, from the installed server binaries. `primary_url`/`replica_url` name the
    database `cgbookstore`, created on the primary (the replica follows by streaming).
    `options`: more server settings for both, as `-c name=value` (the benchmark adds some)."""

    SETTINGS = "-c listen_addresses=127.0.0.1 -c fsync=off -c wal_level=replica -c max_wal_senders=4"

    def __init__(self, options: str = ""):
        self.options = options
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        found = bins[-1] if bins else shutil.which("pg_ctl")
        assert found, "PostgreSQL server binaries are not installed (make test needs them)"
        self.bin = Path(found).parent
        self.root = Path(tempfile.mkdtemp(prefix="cgb-replica-"))
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self.ports = {"primary": free_port(), "replica": free_port()}
        self.primary_url = f"postgres://postgres@127.0.0.1:{self.ports['primary']}/cgbookstore"
        self.replica_url = f"postgres://postgres@127.0.0.1:{self.ports['replica']}/cgbookstore"

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(_as_postgres([str(self.bin / program), *args]), check=True, capture_output=True)

    def start(self, name: str) -> None:
        options = f"-p {self.ports[name]} -k {self.root} {self.SETTINGS} {self.options}"
        log = str(self.root / f"{name}.log")
        self._run("pg_ctl", "-D", str(self.root / name), "-l", log, "-w", "-o", options, "start")

    def stop(self, name: str, mode: str = "fast") -> None:
        if (self.root / name / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.root / name), "-m", mode, "-w", "stop")

    def __enter__(self):
        try:
            self._run("initdb", "-D", str(self.root / "primary"), "-U", "postgres", "--auth=trust")
            self.start("primary")
            port = str(self.ports["primary"])
            self._run("pg_basebackup", "-h", "127.0.0.1", "-p", port, "-U", "postgres",
                      "-D", str(self.root / "replica"), "-R", "-X", "stream")  # fmt: skip
            self.start("replica")
            self._run("createdb", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "cgbookstore")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info):
        for name in ("replica", "primary"):
            self.stop(name, mode="immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def sql(self, name: str, statement: str):
        """Run one statement on the primary or the replica; returns the first row."""
        import psycopg

        url = self.primary_url if name == "primary" else self.replica_url
        with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            cursor = conn.execute(statement)
            return cursor.fetchone() if cursor.description else None

    def wait_replica_caught_up(self, timeout: float = 30) -> None:
        target = self.sql("primary", "SELECT pg_current_wal_lsn()::text")[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sql("replica", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0]:
                return
            time.sleep(0.1)
        raise TimeoutError("the replica did not catch up")


@contextmanager
def broker_at(url: str):
    """Point this process's Celery app at `url` (not eager) for the block, then restore it."""
    import kombu.pools

    from cgbookstore.celery import app

    def reset_connections():
        # Drop pooled connections and producers so the next publish connects afresh.
        app.pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        kombu.pools.reset()

    previous_env = os.environ.get("CELERY_BROKER_URL")
    previous = app.conf.broker_url, app.conf.task_always_eager
    os.environ["CELERY_BROKER_URL"] = url  # Celery reads it before its own config
    app.conf.broker_url, app.conf.task_always_eager = url, False
    reset_connections()
    try:
        yield app
    finally:
        if previous_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_env
        app.conf.broker_url, app.conf.task_always_eager = previous
        reset_connections()


def dead_broker_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
