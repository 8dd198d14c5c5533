"""The benchmark's own stack on loopback: its database, its Redis DBs, gunicorn and a Celery worker."""

import hashlib
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg
import redis

from bench.scales import SEED_VERSION, Data

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
# The goodbooks files beside the checkout, or wherever GOODBOOKS_DIR says (e.g. from a worktree).
GOODBOOKS = Path(os.environ.get("GOODBOOKS_DIR", ROOT.parent / "shared" / "data" / "goodbooks"))
SAMPLE = ROOT / "data" / "sample"
# The servers of DATABASE_URL / REDIS_URL when given (scripts/services.sh), else the defaults;
# the bench always uses its own databases on them.
PG = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x").rsplit("/", 1)[0]
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
# Raised so the load is served, not refused; the 429s that remain are counted apart.
RATELIMITS = {
    name: "1000000/h" for name in ("POST_CREATE", "TOPIC_CREATE", "VOTE", "DEBATES_LIST", "REVIEW_WRITE", "SHELF_WRITE")
}
# Variables a caller (pytest, a shell with .env loaded) may have set that must not leak in.
INHERITED_OUT = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_KEY_PREFIX", "CELERY_TASK_ALWAYS_EAGER")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(*, database: str, redis_db: int, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in INHERITED_OUT and not key.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"{PG}/{database}",
        REDIS_URL=f"{REDIS}/{redis_db}",
        CELERY_BROKER_URL=f"{REDIS}/{redis_db + 1}",
        CELERY_TASK_ALWAYS_EAGER="false",
        CACHE_KEY_PREFIX="cgbbench",
        SECRET_KEY="bench-only-not-a-secret",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DEBUG="false",
        STATIC_MANIFEST="false",
        WHITENOISE_USE_FINDERS="true",
        BENCH_ENDPOINTS="true",
        LOG_LEVEL="WARNING",
        OPENBLAS_NUM_THREADS="1",
        PYTHONWARNINGS="ignore:No directory at:UserWarning",  # no collectstatic: finders serve
        GUNICORN_BIND=f"127.0.0.1:{port}",
        PYTHONPATH=str(ROOT),
        **{f"RATELIMIT_{name}": rate for name, rate in RATELIMITS.items()},
    )
    return env


def manage(env: dict, *args: str, timeout: float = 3600) -> None:
    log("manage.py " + " ".join(args))
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)


def _admin():
    return psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5)


def _marker(database: str) -> dict | None:
    try:
        with psycopg.connect(f"{PG}/{database}", connect_timeout=5) as conn:
            row = conn.execute("SELECT spec FROM bench_seed").fetchone()
    except psycopg.Error:
        return None
    return json.loads(row[0]) if row else None


def _set_marker(database: str, spec: dict) -> None:
    with psycopg.connect(f"{PG}/{database}") as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_seed (spec text NOT NULL)")
        conn.execute("DELETE FROM bench_seed")
        conn.execute("INSERT INTO bench_seed (spec) VALUES (%s)", [json.dumps(spec, sort_keys=True)])


def _recreate(database: str, template: str | None = None) -> None:
    if not database.startswith("cgb_bench"):
        raise ValueError(f"refusing to drop {database}: not a bench database")
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else ""))


def seed_args(data: Data, *, users_from: int = 0) -> list[str]:
    return [
        "seed_demo",
        "-v0",
        f"--users={users_from + data.users}",
        f"--topics={data.topics}",
        f"--posts={data.posts}",
        f"--shelves={data.shelves}",
        f"--votes={data.votes}",
        f"--reviews={data.reviews}",
    ]


def schema_fingerprint() -> str:
    """Changes when a migration is added or a requirement changes: the bench databases are then migrated."""
    digest = hashlib.sha1((ROOT / "requirements.txt").read_bytes())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
    return digest.hexdigest()[:12]


def _reuse(database: str, spec: dict, env: dict) -> bool:
    """True if `database` holds the data of `spec`; it is migrated first if the schema moved on."""
    marker = _marker(database)
    if marker is None or {**marker, "schema": None} != {**spec, "schema": None}:
        return False
    if marker.get("schema") != spec["schema"]:
        manage(env, "migrate", "--noinput", "-v0")
        _set_marker(database, spec)
    return True


def ensure_database(database: str, data: Data, env: dict) -> bool:
    """Create, migrate and seed unless the database already holds this exact data; True if reused."""
    spec = {**data.spec(), "schema": schema_fingerprint()}
    reused = _reuse(database, spec, env)
    if not reused:
        log(f"creating {database} ({spec})")
        _recreate(database)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "import_goodbooks", "-v0", str(GOODBOOKS if data.catalog == "goodbooks" else SAMPLE))
        manage(env, *seed_args(data))
        _set_marker(database, spec)
        with psycopg.connect(f"{PG}/{database}", autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    else:
        log(f"reusing {database}: it holds {spec}")
    return reused


def ensure_growth_databases(prefix: str, base: tuple[int, int], env: dict) -> list[str]:
    """Three databases with 1×, 10× and 100× the debates data, each made from the one before."""
    topics, posts = base
    names, previous, users = [], None, 0
    for factor in (1, 10, 100):
        name = f"{prefix}_g{factor}"
        spec = {
            "factor": factor,
            "topics": topics * factor,
            "posts": posts * factor,
            "seed_version": SEED_VERSION,
            "schema": schema_fingerprint(),
        }
        level_env = {**env, "DATABASE_URL": f"{PG}/{name}"}
        if not _reuse(name, spec, level_env):
            log(f"creating {name} ({spec})")
            _recreate(name, template=previous)
            if previous is None:  # a copy of the level before is migrated already
                manage(level_env, "migrate", "--noinput", "-v0")
                manage(level_env, "import_goodbooks", "-v0", str(SAMPLE))
            # New readers start each level, so seed_demo only adds (users that exist are skipped).
            share = 0.9 if previous else 1.0  # the level before holds a tenth of this one
            new_topics, new_posts = round(topics * factor * share), round(posts * factor * share)
            added = Data("sample", users=20, topics=new_topics, posts=new_posts, shelves=0, votes=0, reviews=0)
            manage(level_env, *seed_args(added, users_from=users))
            _set_marker(name, spec)
            with psycopg.connect(f"{PG}/{name}", autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
        names.append(name)
        previous, users = name, users + 20
    return names


def flush_redis(redis_db: int) -> None:
    """Empty the bench's own two Redis DBs (cache, broker); nothing else lives there."""
    if redis_db < 10:
        raise ValueError("the bench uses Redis databases 10 and up")
    for db in (redis_db, redis_db + 1):
        redis.Redis.from_url(f"{REDIS}/{db}").flushdb()


@dataclass(frozen=True)
class ServerConfig:
    workers: int
    threads: int

    @property
    def label(self) -> str:
        kind = "sync" if self.threads == 1 else "gthread"
        return f"{kind} {self.workers}w×{self.threads}t"


class Stack:
    """gunicorn (deploy/gunicorn.conf.py) and a Celery worker, started and always stopped."""

    def __init__(
        self,
        env: dict,
        config: ServerConfig,
        workdir: Path,
        *,
        imports_worker: bool = False,
        wsgi: str = "cgbookstore.wsgi:application",
        worker: bool = True,
        name: str = "gunicorn",
    ):
        self.env = {
            **env,
            "GUNICORN_WORKERS": str(config.workers),
            "GUNICORN_THREADS": str(config.threads),
            "GUNICORN_ACCESSLOG": str(workdir / "access.log"),
        }
        self.config = config
        self.workdir = workdir
        self.url = "http://" + env["GUNICORN_BIND"]
        self.procs: dict[str, subprocess.Popen] = {}
        self.imports_worker = imports_worker
        self.wsgi, self.worker, self.name = wsgi, worker, name

    def _start(self, name: str, args: list[str]) -> None:
        out = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (kept open for the child's life)
        self.procs[name] = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def __enter__(self):
        try:
            # No control socket: it would take the path of a gunicorn already running here.
            wsgi = [self.wsgi, "-c", "deploy/gunicorn.conf.py", "--no-control-socket"]
            self._start(self.name, [str(VENV_BIN / "gunicorn"), *wsgi])
            if self.worker:
                self._start(
                    "celery",
                    [str(VENV_BIN / "celery"), "-A", "cgbookstore", "worker", "-l", "warning", "-Q",
                     "default,maintenance,recommendations,feeds", "-c", "1", "--without-gossip", "--without-mingle",
                     "--without-heartbeat"],
                )  # fmt: skip
            if self.imports_worker:  # as the Procfile's `imports` process: the queue alone, one at a time, niced
                self._start(
                    "celery-imports",
                    ["nice", "-n", "10", str(VENV_BIN / "celery"), "-A", "cgbookstore", "worker", "-l", "warning",
                     "-Q", "imports", "-c", "1", "-n", "imports@%h", "--without-gossip", "--without-mingle",
                     "--without-heartbeat"],
                )  # fmt: skip
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        log(f"stack up at {self.url} ({self.config.label})")
        return self

    def __exit__(self, *exc):
        self.stop()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}; see {self.workdir / (name + '.log')}")
            try:
                with urllib.request.urlopen(self.url + "/__bench__/redis/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s")

    def warm_up(self, urls: list[str], rounds: int = 3) -> None:
        """Every worker loads its code and every hot URL fills the cache before anything is timed."""
        for _ in range(rounds):
            for url in urls:
                try:
                    urllib.request.urlopen(self.url + url, timeout=30).close()
                except OSError as exc:
                    log(f"warm-up {url}: {exc}")

    def alive(self) -> dict[str, bool]:
        return {name: proc.poll() is None for name, proc in self.procs.items()}

    def pids(self, name: str) -> list[int]:
        try:
            parent = psutil.Process(self.procs[name].pid)
            return [parent.pid, *(child.pid for child in parent.children(recursive=True))]
        except psutil.Error:
            return []

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        self.procs.clear()


class CpuMeter:
    """CPU used during a phase (in cores: CPU seconds per second) by each group of processes.

    Processes are sampled every SAMPLE_SECONDS, and so is their group, so one that starts
    and ends within the phase (a database backend opened for one task, a gunicorn worker
    recycled after max_requests) still counts, to within a sample. The
    load generator is a finished child of the runner by the end of a phase, so it is
    measured with RUSAGE_CHILDREN; a group may count it by pid instead.
    """

    SAMPLE_SECONDS = 0.5

    def __init__(self, groups: dict[str, Callable[[dict], list[int]]]):
        self.groups = groups

    @staticmethod
    def _sample_pids() -> dict[int, tuple[str, float]]:
        per_pid = {}
        for proc in psutil.process_iter(["name"]):
            try:
                times = proc.cpu_times()
                per_pid[proc.pid] = (proc.info["name"] or "", times.user + times.system)
            except psutil.Error:
                continue
        return per_pid

    @staticmethod
    def _children_seconds() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return children.ru_utime + children.ru_stime

    @contextmanager
    def measure(self, into: dict):
        start = self._sample_pids()
        seen: dict[int, tuple[str, float, float]] = {}  # pid → (name, CPU at start or birth, last CPU)
        for pid, (name, cpu) in start.items():
            seen[pid] = (name, cpu, cpu)
        stop = threading.Event()
        member: dict[int, str] = {}  # pid → group, kept for processes that exit (recycled workers)

        def note(pids: dict[int, tuple[str, float]]) -> None:
            for pid, (name, cpu) in pids.items():
                first = seen[pid][1] if pid in seen and seen[pid][0] == name else 0.0
                seen[pid] = (name, first, cpu)
            for group, select in self.groups.items():
                for pid in select(pids):
                    member.setdefault(pid, group)

        def sample():
            while not stop.wait(self.SAMPLE_SECONDS):
                note(self._sample_pids())

        note(start)

        sampler = threading.Thread(target=sample, daemon=True)
        t0, box0, kids0 = time.monotonic(), psutil.cpu_times(), self._children_seconds()
        sampler.start()
        try:
            yield
        finally:
            stop.set()
            sampler.join()
        note(self._sample_pids())
        t1, box1, kids1 = time.monotonic(), psutil.cpu_times(), self._children_seconds()
        wall = t1 - t0
        busy = (box1.user + box1.system + box1.nice) - (box0.user + box0.system + box0.nice)
        result = {
            "wall_s": round(wall, 1),
            "box_cores": round(busy / wall, 2),
            "locust_cores": round((kids1 - kids0) / wall, 2),
        }
        for group in self.groups:
            used = sum(seen[pid][2] - seen[pid][1] for pid, owner in member.items() if owner == group and pid in seen)
            result[f"{group}_cores"] = round(used / wall, 2)
        # Whatever else ran on the box meanwhile (other jobs compete for the same cores).
        ours = sum(value for key, value in result.items() if key.endswith("_cores") and key != "box_cores")
        result["other_cores"] = round(max(0.0, result["box_cores"] - ours), 2)
        into["cpu"] = result
