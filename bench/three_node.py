"""Three nodes: two gunicorn web nodes behind a loopback proxy, a PostgreSQL primary and its
streaming replica (`make bench-three-node SCALE=small`; also the last phase of `make bench`).

A private primary and replica (initdb + pg_basebackup -R on free ports) get a copy of the
bench database (pg_dump | pg_restore on the primary; the replica streams it). Then the
long-tail readers of the capacity curve (bench/locustfile.py `LongTail`) at the scale's
`three_node_readers`, twice with the same total gunicorn workers and the same data:

1. one node: one gunicorn on the primary alone, Locust straight at it, as the one-node bench;
2. three nodes: two gunicorn nodes (half the workers each) with DATABASE_REPLICA_URL set, the
   round-robin proxy of reliability/nodes.py in front as its own process, one Celery worker.

Per run: latency, errors, logged-in pages apart, statements served by each server
(pg_stat_statements, before/after), the replica's lag sampled every second, and the CPU of
each process group. After the load, a reader writes while the replica's replay is paused and
reads through the proxy: their own write must show on both nodes, a stranger's read must not
(it came from the replica). One box's cores are shared by every process, so the second run
cannot add capacity: it shows that the topology holds under load and where the time goes.
"""

import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg

from bench import capacity
from bench.scales import Scale
from bench.stack import ROOT, CpuMeter, ServerConfig, Stack, flush_redis, free_port, log
from core.tests.processes import PostgresWithReplica, wait_for_port
from reliability.nodes import Browser

# Statements counted: SELECT, INSERT, UPDATE, DELETE (not BEGIN, SET or SAVEPOINT).
PG_OPTIONS = "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_utility=off"
SERVERS = ("primary", "replica")
GROUPS = ("nodes", "proxy", "primary", "replica", "redis", "celery", "locust", "other")
READER, PASSWORD = "leitor00001", "demo12345"  # a seed_demo reader
COUNTERS = """
SELECT (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = d.datid),
       (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = d.datid AND query ~* '^\s*(SELECT|WITH)'),
       xact_commit + xact_rollback, tup_returned + tup_fetched
FROM pg_stat_database d WHERE datname = current_database()
"""
# The statements that took the most time on a server since the run began (reset at its start),
# grouped by their first 140 characters (an IN list of another length is another queryid).
TOP = """
SELECT sum(calls)::int, round(sum(total_exec_time))::int, sum(rows)::int,
       left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS q
FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
GROUP BY q ORDER BY 2 DESC LIMIT 5
"""
LAG = """
SELECT coalesce(max(extract(epoch FROM replay_lag)), 0), coalesce(max(pg_wal_lsn_diff(sent_lsn, replay_lsn)), 0)
FROM pg_stat_replication
"""


def copy_database(source_url: str, pair: PostgresWithReplica) -> None:
    """The bench database (fixtures' sessions included) into the primary; the replica streams it."""
    log("copying the bench database into the private primary")
    dump = subprocess.Popen([str(pair.bin / "pg_dump"), "-Fc", "-d", source_url], stdout=subprocess.PIPE)
    restore = [str(pair.bin / "pg_restore"), "--no-owner", "--no-privileges", "-d", pair.primary_url]
    subprocess.run(restore, stdin=dump.stdout, check=True, capture_output=True)
    dump.stdout.close()
    if dump.wait() != 0:
        raise RuntimeError("pg_dump of the bench database failed")
    pair.sql("primary", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    pair.sql("primary", "VACUUM ANALYZE")
    pair.wait_replica_caught_up(timeout=600)


def counters(pair: PostgresWithReplica) -> dict:
    names = ("statements", "selects", "transactions", "rows_read")
    return {server: dict(zip(names, map(int, pair.sql(server, COUNTERS)), strict=True)) for server in SERVERS}


def top_statements(pair: PostgresWithReplica, server: str) -> list[dict]:
    url = (pair.primary_url if server == "primary" else pair.replica_url).replace("postgres://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(TOP).fetchall()
    return [{"calls": c, "total_ms": ms, "rows": n, "query": q} for c, ms, n, q in rows]


class LagSampler:
    """The replica's replay lag as the primary sees it (pg_stat_replication), every second."""

    def __init__(self, pair: PostgresWithReplica):
        self.pair, self.samples, self.stop = pair, [], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop.wait(1.0):
            self.samples.append(tuple(map(float, self.pair.sql("primary", LAG))))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def summary(self) -> dict:
        seconds = [s for s, _ in self.samples] or [0.0]
        return {
            "samples": len(self.samples),
            "max_s": round(max(seconds), 3),
            "mean_s": round(sum(seconds) / len(seconds), 4),
            "max_bytes": int(max((b for _, b in self.samples), default=0)),
        }


def postmaster(pair: PostgresWithReplica, server: str):
    """A CpuMeter group: the server's postmaster and its backends."""
    pid = int((pair.root / server / "postmaster.pid").read_text().split()[0])

    def select(_pids):
        try:
            return [pid, *(child.pid for child in psutil.Process(pid).children(recursive=True))]
        except psutil.Error:
            return []

    return select


def by_name(prefix: str):
    return lambda pids: [pid for pid, (name, _) in pids.items() if name.startswith(prefix)]


@dataclass
class Setup:
    run_locust: Callable
    env: dict
    config: ServerConfig
    scale: Scale
    workdir: Path
    warm_urls: list[str]
    pair: PostgresWithReplica
    groups: dict


def measure_run(setup: Setup, url: str, meter: CpuMeter, name: str) -> dict:
    pair, scale = setup.pair, setup.scale
    users = scale.three_node_readers
    seconds = round(users / scale.spawn_rate + scale.think_seconds + scale.capacity_seconds)
    log(f"{name}: {users} long-tail readers, {seconds}s")
    for server in SERVERS:
        pair.sql(server, "SELECT pg_stat_statements_reset()")
    before = counters(pair)
    point: dict = {"readers": users}
    with LagSampler(pair) as lag, meter.measure(point):
        figures = setup.run_locust(f"three-node {name}", url, users, scale.spawn_rate, seconds)
    time.sleep(1.0)  # backends report their statistics within a second of a transaction's end
    after = counters(pair)
    capacity.summarize(point, figures, GROUPS)
    point["queries"] = {s: {k: after[s][k] - before[s][k] for k in after[s]} for s in SERVERS}
    statements = sum(point["queries"][s]["statements"] for s in SERVERS) or 1
    point["replica_share"] = round(point["queries"]["replica"]["statements"] / statements, 3)
    point["lag"] = lag.summary()
    point["top_statements"] = {server: top_statements(pair, server) for server in SERVERS}
    log(f"  {point['rps']} req/s, p95 {point['p95_ms']} ms, errors {point['errors']}, "
        f"replica share {point['replica_share']}, max lag {point['lag']['max_s']} s")  # fmt: skip
    return point


def unshelved_book(pair: PostgresWithReplica) -> tuple[str, str]:
    """(slug, title) of a book with a plain title that READER has on no shelf."""
    return pair.sql(
        "primary",
        f"""SELECT b.slug, b.title FROM catalog_book b
            WHERE b.title ~ '^[A-Za-z ]+$' AND NOT EXISTS (
              SELECT 1 FROM accounts_bookshelf s JOIN auth_user u ON u.id = s.user_id
              WHERE s.book_id = b.id AND u.username = '{READER}')
            ORDER BY b.id LIMIT 1""",
    )


def wait_drained(url: str, timeout: float = 300) -> None:
    """Locust has stopped, but an overloaded box still works through the queue it left."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        with suppress(OSError):
            urllib.request.urlopen(url + "/__bench__/redis/", timeout=60).close()
            if time.monotonic() - started < 1:
                return
        time.sleep(1)


def read_your_writes(pair: PostgresWithReplica, url: str) -> dict:
    """With the replica's replay paused, a reader shelves a book and reads their shelf through
    the proxy twice (both nodes): they must see it; a stranger, served by the replica, must not."""
    wait_drained(url)
    slug, title = unshelved_book(pair)
    pair.sql("primary", f"DELETE FROM accounts_shelfvisibility WHERE user_id = "
                        f"(SELECT id FROM auth_user WHERE username = '{READER}')")  # fmt: skip
    shelf = f"{url}/leitores/{READER}/estantes/?estante=want_to_read"
    writer = Browser()
    writer.log_in(url, READER, PASSWORD)
    pair.wait_replica_caught_up()
    pair.sql("replica", "SELECT pg_wal_replay_pause()")
    try:
        posted = writer.post(f"{url}/leitores/livro/{slug}/estante/", {"action": "add", "shelf_type": "want_to_read"})
        own = [writer.get(shelf) for _ in range(2)]
        stranger = Browser().get(shelf)
    finally:
        pair.sql("replica", "SELECT pg_wal_replay_resume()")
    return {
        "write_status": posted[0],
        "writer_saw_it_on": sorted(page[2].get("X-Upstream", "?") for page in own if title in page[1]),
        "stranger_saw_it_before_replay": title in stranger[1],
        "intact": posted[0] == 200 and all(title in page[1] for page in own) and title not in stranger[1],
    }


@contextmanager
def proxy_process(port: int, upstreams: dict[str, int], workdir: Path):
    """The round-robin proxy of reliability/nodes.py as a process of its own (its CPU is measured apart)."""
    args = [sys.executable, "-m", "reliability.nodes", str(port), *(f"{k}={v}" for k, v in upstreams.items())]
    with (workdir / "proxy.log").open("ab") as out:
        proxy = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
        yield proxy
    finally:
        proxy.terminate()
        proxy.wait(10)


def node_env(env: dict, pair: PostgresWithReplica, port: int, replica: bool) -> dict:
    extra = {"DATABASE_REPLICA_URL": pair.replica_url, "TRUSTED_PROXY_COUNT": "1"} if replica else {}
    return {**env, "DATABASE_URL": pair.primary_url, "GUNICORN_BIND": f"127.0.0.1:{port}", **extra}


def one_node(setup: Setup, result: dict) -> None:
    (setup.workdir / "one").mkdir(exist_ok=True)
    env = node_env(setup.env, setup.pair, free_port(), replica=False)
    with Stack(env, setup.config, setup.workdir / "one") as one:
        one.warm_up(setup.warm_urls)
        node, celery = (lambda _: one.pids("gunicorn")), (lambda _: one.pids("celery"))
        meter = CpuMeter({**setup.groups, "nodes": node, "celery": celery})
        result["runs"]["one node"] = measure_run(setup, one.url, meter, "one node")


def three_nodes(setup: Setup, result: dict) -> None:
    per_node = ServerConfig(workers=max(1, setup.config.workers // 2), threads=setup.config.threads)
    result["per_node"] = per_node.label
    with ExitStack() as running:
        ports = {"node1": free_port(), "node2": free_port()}
        stacks = {}
        for name, port in ports.items():
            (setup.workdir / name).mkdir(exist_ok=True)
            env = node_env(setup.env, setup.pair, port, replica=True)
            stack = Stack(env, per_node, setup.workdir / name, name=name, worker=name == "node1")
            stacks[name] = running.enter_context(stack)
            stack.warm_up(setup.warm_urls)
        proxy_port = free_port()
        proxy = running.enter_context(proxy_process(proxy_port, ports, setup.workdir))
        url = f"http://127.0.0.1:{proxy_port}"
        meter = CpuMeter(
            {
                **setup.groups,
                "nodes": lambda _: [pid for name, stack in stacks.items() for pid in stack.pids(name)],
                "proxy": lambda _: [proxy.pid],
                "celery": lambda _: stacks["node1"].pids("celery"),
            }
        )
        result["runs"]["three nodes"] = measure_run(setup, url, meter, "three nodes")
        try:
            result["read_your_writes"] = read_your_writes(setup.pair, url)
        except (OSError, AssertionError) as exc:  # keep the figures; the report says it failed
            result["read_your_writes"] = {"intact": False, "error": f"{type(exc).__name__}: {exc}"}
        alive = {name: all(stack.alive().values()) for name, stack in stacks.items()}
        result["alive_at_end"] = {**alive, "proxy": proxy.poll() is None}


RUNS = (one_node, three_nodes)  # in this order


def run(run_locust, env: dict, config: ServerConfig, scale: Scale, workdir: Path, warm_urls: list[str]) -> dict:
    """Both runs; `run_locust(phase, url, users, spawn_rate, seconds)` returns Locust's figures."""
    result: dict = {
        "readers": scale.three_node_readers,
        "think_seconds": scale.think_seconds,
        "steady_seconds": scale.capacity_seconds,
        "one_node": config.label,
        "order": [step.__name__ for step in RUNS],
        "runs": {},
    }
    with PostgresWithReplica(options=PG_OPTIONS) as pair:
        copy_database(env["DATABASE_URL"], pair)
        groups = {
            "primary": postmaster(pair, "primary"),
            "replica": postmaster(pair, "replica"),
            "redis": by_name("redis-server"),
        }
        setup = Setup(run_locust, env, config, scale, workdir, warm_urls, pair, groups)
        for step in RUNS:
            flush_redis(int(env["REDIS_URL"].rsplit("/", 1)[1]))
            step(setup, result)
    return result


def markdown(result: dict, load: str) -> list[str]:
    runs = result["runs"]
    lines = [
        f"`LongTail` readers ({result['readers']:,}, uniform over every book, topic and profile, 30% logged in, "
        f"{result['think_seconds']} s think), figures over the last {result['steady_seconds']} s of each run. "
        f"One node: gunicorn {result['one_node']} on the primary alone. Three nodes: two gunicorn nodes "
        f"({result['per_node']} each) reading from the replica, behind the round-robin proxy. Load on the box: {load}.",
        "",
        "| run | req/s | p50 ms | p95 ms | p99 ms | errors | 5xx | SELECTs on primary | writes on primary "
        "| SELECTs on replica | replica share | replica lag max s (mean) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, p in runs.items():
        q = p["queries"]
        lines.append(
            f"| {name} | {p['rps']} | {p['p50_ms']} | {p['p95_ms']} | {p['p99_ms']} | {p['errors']} "
            f"| {p['server_errors']} | {q['primary']['selects']:,} "
            f"| {q['primary']['statements'] - q['primary']['selects']:,} | {q['replica']['selects']:,} "
            f"| {p['replica_share']:.0%} | {p['lag']['max_s']} ({p['lag']['mean_s']}) |"
        )
    lines += ["", "CPU ms per request, by process group (where the time goes):", ""]
    lines += ["| run | " + " | ".join(GROUPS) + " | total |", "|---" * (len(GROUPS) + 2) + "|"]
    for name, p in runs.items():
        cpu = p["cpu_ms_per_request"]
        lines.append(f"| {name} | " + " | ".join(str(cpu[g]) for g in GROUPS) + f" | {round(sum(cpu.values()), 2)} |")
    lines += ["", "The statements that took the most database time (pg_stat_statements):", ""]
    lines += ["| run | server | calls | total ms | rows | statement |", "|---|---|---|---|---|---|"]
    for name, p in runs.items():
        for server, top in p["top_statements"].items():
            for row in top[:3]:
                query = row["query"].replace("|", "\\|")
                lines.append(
                    f"| {name} | {server} | {row['calls']:,} | {row['total_ms']:,} | {row['rows']:,} | `{query}` |"
                )
    pages = sorted({page for p in runs.values() for page in p["pages"]})
    lines += ["", "Per page (p50 / p95 ms, requests):", "", "| page | " + " | ".join(runs) + " |"]
    lines.append("|---" * (len(runs) + 1) + "|")
    for page in pages:
        cells = []
        for p in runs.values():
            row = p["pages"].get(page)
            cells.append(f"{row['p50_ms']} / {row['p95_ms']} ({row['requests']:,})" if row else "–")
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    rw = result.get("read_your_writes")
    if rw and "error" in rw:
        lines += ["", f"Read-your-writes check: **failed to run** ({rw['error']})."]
    elif rw:
        lines += [
            "",
            f"Read-your-writes with the replica's replay paused: the writer saw their shelf change on "
            f"{', '.join(rw['writer_saw_it_on']) or 'no node'}; a stranger (served by the replica) "
            f"{'saw it too' if rw['stranger_saw_it_before_replay'] else 'did not yet'}. "
            f"**{'Intact' if rw['intact'] else 'BROKEN'}.**",
        ]
    return lines


def plot(result: dict, out: Path, scale: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = result["runs"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for offset, key in enumerate(("p50_ms", "p95_ms", "p99_ms")):
        left.bar([i + offset * 0.27 for i in range(len(runs))], [p[key] or 0 for p in runs.values()], 0.27, label=key)
    left.set_xticks([i + 0.27 for i in range(len(runs))], list(runs))
    left.set_ylabel("latency ms")
    left.legend()
    capacity.cpu_bars(right, list(runs), list(runs.values()), [g for g in GROUPS if g != "other"])
    right.set_title("the stack's processes (other jobs on the box left out)", fontsize=9)
    fig.tight_layout()
    name = f"three-node-{scale}.png"
    fig.savefig(out / name, dpi=110)
    plt.close(fig)
    return name


def write(result: dict, out: Path, scale: str, load: str) -> None:
    (out / f"three-node-{scale}.json").write_text(json.dumps(result, indent=2))
    image = plot(result, out, scale)
    title = f"# Three nodes: two web nodes + primary + replica — scale `{scale}`"
    lines = [title, "", *markdown(result, load), "", f"![three nodes]({image})", ""]
    (out / f"three-node-{scale}.md").write_text("\n".join(lines))
