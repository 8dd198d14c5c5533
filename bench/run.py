"""The benchmark runner: `python -m bench.run --scale full|small|tiny [--out DIR]`.

1. Seed (or reuse) the bench database at the scale's size; start gunicorn and a Celery
   worker on loopback against it, with the bench's own Redis databases.
2. Per page: SQL queries and time with a cold and a warm cache (in-process).
3. Gunicorn configurations compared on the one-Redis-GET ceiling and the topic page; the
   faster one serves the rest.
4. Closed-loop saturation: the two ceiling views, then each hot page (req/s, fraction of ceiling).
5. The mixed scenario (Reader) with think time: req/s, p50/p95/p99 per page, errors, 429s, users held;
   the long-tail capacity curve; then one node vs two nodes + primary + replica (bench/three_node.py).
6. Profile of the slowest hot page (pyinstrument); database growth check at 1×, 10×, 100×.
7. results.json, report.md and PNG plots in --out.
"""

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bench import capacity, fanout, ratios, report, three_node
from bench.scales import SCALES, Scale
from bench.stack import (
    ROOT,
    VENV_BIN,
    CpuMeter,
    ServerConfig,
    Stack,
    bench_env,
    ensure_database,
    ensure_growth_databases,
    flush_redis,
    free_port,
    log,
)

HOT_PAGES = ["home", "catalog search", "book", "debates list", "topic", "profile"]
HOT_READS = ["debates list", "topic", "book", "home"]  # the ≥ 50% of ceiling target
CEILINGS = ["ceiling trivial", "ceiling redis"]
CORES = os.cpu_count() or 1
CONFIGS = [ServerConfig(workers=2 * CORES, threads=1), ServerConfig(workers=CORES, threads=4)]


def probe(env: dict, *args: str, timeout: float = 900) -> None:
    subprocess.run([sys.executable, "-m", "bench.probe", *args], cwd=ROOT, env=env, check=True, timeout=timeout)


def read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def locust(
    url: str,
    workdir: Path,
    phase: str,
    *,
    user_class: str,
    users: int,
    spawn_rate: float,
    seconds: int,
    env: dict,
    reset_stats: bool = False,
) -> dict:
    """Run Locust headless as its own process; return its figures per request name."""
    prefix = workdir / phase.replace(" ", "_")
    args = [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{seconds}s",
        "--host",
        url,
        "--csv",
        str(prefix),
        "--csv-full-history",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "5",
        *(["--reset-stats"] if reset_stats else []),
        user_class,
    ]
    with (workdir / "locust.log").open("ab") as out:
        # Addresses resolved inline, not through gevent's thread pool: the bench's are loopback
        # addresses, and the pool's hand-offs cost Locust 0.1 ms of CPU per request (each one a new
        # connection, as sync workers close theirs) on the cores the site runs on.
        env = {**env, "BENCH_SUMMARY": f"{prefix}_summary.json", "GEVENT_RESOLVER": "block"}
        subprocess.run(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=seconds + 120)
    return _locust_figures(prefix)


def _locust_figures(prefix: Path) -> dict:
    summary_path = Path(f"{prefix}_summary.json")
    figures = json.loads(summary_path.read_text()) if summary_path.exists() else {"pages": {}, "users_spawned": 0}
    held = [int(report._num(row["User Count"])) for row in read_csv(Path(f"{prefix}_stats_history.csv"))]
    figures["users_max"] = max(held, default=0)
    return figures


def saturate(stack, workdir, scale: Scale, env: dict, page: str, tag: str, meter: CpuMeter) -> dict:
    result: dict = {}
    with meter.measure(result):
        figures = locust(
            stack.url,
            workdir,
            f"sat {tag} {page}",
            user_class="Saturate",
            users=scale.saturation_users,
            spawn_rate=scale.saturation_users,
            seconds=scale.saturation_seconds,
            env={**env, "BENCH_PAGE": page},
        )
    result |= figures["pages"].get(page, {"rps": 0.0, "requests": 0})
    log(f"  {tag} {page}: {result['rps']} req/s, p95 {result.get('p95_ms')} ms")
    return result


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {CORES} cores"


def ratios_phase(site: Stack, env: dict, workdir: Path, scale: Scale, fixtures: dict, seconds: int) -> dict:
    """wrk against the bare-Django ceiling, the project's and the site, same run (bench/ratios.py).
    Each ceiling has a gunicorn of its own that serves nothing else."""
    ratios.ensure_wrk()
    bare_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{free_port()}"}
    ceiling_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{free_port()}"}
    with (
        Stack(bare_env, site.config, workdir, wsgi="bench.bare:application", worker=False, name="bare") as bare,
        Stack(ceiling_env, site.config, workdir, worker=False, name="ceiling") as ceiling,
    ):
        for server in (bare, ceiling):
            server.warm_up(["/__bench__/redis/"])
        meters = {
            "bare": CpuMeter({"server": lambda _: bare.pids("bare")}),
            "ceiling": CpuMeter({"server": lambda _: ceiling.pids("ceiling")}),
            "site": CpuMeter({"server": lambda _: site.pids("gunicorn")}),
        }
        before = load_note()
        figures = ratios.measure(
            {"bare": bare.url, "ceiling": ceiling.url, "site": site.url},
            fixtures,
            workdir,
            meters.get,
            seconds=seconds,
            connections=scale.wrk_connections,
        )
    figures["load"] = f"{before} at the start, {load_note()} at the end"
    return figures


def write_ratios(figures: dict, cold: dict, out: Path, scale: str) -> None:
    (out / f"ratios-{scale}.json").write_text(json.dumps({"ratios": figures, "cold": cold}, indent=2))
    plot = ratios.plot(figures, out, scale)
    lines = [
        f"# Ceiling ratios and cold pages — scale `{scale}`",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M:%S %z')}.",
        "",
    ]
    lines += ratios.markdown(figures, cold, figures["load"]) + ["", f"![ratios]({plot})", ""]
    (out / f"ratios-{scale}.md").write_text("\n".join(lines))


def quick(args, scale: Scale, env: dict, workdir: Path, fixtures: Path) -> None:
    """`--quick`: cold CPU per page and the wrk ceiling ratios only (a few minutes)."""
    cold = cold_probe(env, workdir, fixtures, scale)
    with Stack(env, CONFIGS[0], workdir) as stack:
        fx = json.loads(fixtures.read_text())
        stack.warm_up([url for urls in fx["hot"].values() for url in urls])
        figures = ratios_phase(stack, env, workdir, scale, fx, seconds=max(1, scale.wrk_seconds // 2))
    write_ratios(figures, cold, args.out, scale.name)
    log(f"done: {args.out / f'ratios-{scale.name}.md'}")


def capacity_phase(stack: Stack, workdir: Path, scale: Scale, locust_env: dict, meter: CpuMeter, out: Path) -> dict:
    """The long-tail capacity curve (bench/capacity.py) on the running stack."""
    log(f"capacity curve: {scale.capacity_steps} long-tail readers")
    before = load_note()

    def run_locust(phase, user_class, users, spawn_rate, seconds):
        return locust(stack.url, workdir, phase, user_class=user_class, users=users, spawn_rate=spawn_rate,
                      seconds=seconds, env=locust_env, reset_stats=True)  # fmt: skip

    cpu_log = stack.env.get("BENCH_CPU_LOG")
    curve = capacity.measure(
        run_locust, meter, list(scale.capacity_steps), scale.spawn_rate, scale.capacity_seconds, scale.think_seconds,
        cpu_log=Path(cpu_log) if cpu_log else None,
    )  # fmt: skip
    capacity.write(curve, out, scale.name, f"{before} at the start, {load_note()} at the end")
    return curve


def fanout_phase(stack: Stack, env: dict, workdir: Path, scale: Scale, fixtures: dict, meter: CpuMeter, out: Path):
    """A reader with 10,000 followers posts while readers load their feeds (bench/fanout.py)."""
    before = load_note()
    result = fanout.measure(stack, env, fixtures, workdir, meter, followers=fanout.FOLLOWERS,
                            seconds=scale.wrk_seconds, connections=scale.wrk_connections)  # fmt: skip
    fanout.write(result, out, scale.name, f"{before} at the start, {load_note()} at the end")
    return result


def site_stack(env: dict, config: ServerConfig, workdir: Path) -> Stack:
    """The site's stack, able to note each request's CPU when the capacity curve asks (bench/cpu_wsgi.py)."""
    return Stack({**env, "BENCH_CPU_LOG": str(workdir / "cpu")}, config, workdir, wsgi="bench.cpu_wsgi:application")


def capacity_only(args, scale: Scale, env: dict, workdir: Path, locust_env: dict, groups) -> None:
    with site_stack(env, CONFIGS[0], workdir) as stack:
        capacity_phase(stack, workdir, scale, locust_env, CpuMeter(groups(stack)), args.out)
    log(f"done: {args.out / f'capacity-{scale.name}.md'}")


def three_node_phase(config: ServerConfig, workdir: Path, scale: Scale, env: dict, locust_env: dict, out: Path) -> dict:
    """One node, then two nodes behind a proxy on a primary and its replica (bench/three_node.py)."""
    before = load_note()

    def run_locust(phase, url, users, spawn_rate, seconds):
        return locust(url, workdir, phase, user_class="LongTail", users=users, spawn_rate=spawn_rate,
                      seconds=seconds, env=locust_env, reset_stats=True)  # fmt: skip

    fixtures = json.loads(Path(locust_env["BENCH_FIXTURES"]).read_text())
    warm = [url for page, urls in fixtures["hot"].items() if not page.startswith("ceiling") for url in urls]
    result = three_node.run(run_locust, env, config, scale, workdir, warm)
    three_node.write(result, out, scale.name, f"{before} at the start, {load_note()} at the end")
    return result


def cold_probe(env: dict, workdir: Path, fixtures: Path, scale: Scale) -> dict:
    log("cold pages, CPU in-process")
    probe(env, "cold", str(workdir / "cold.json"), str(fixtures), str(scale.cold_requests))
    return json.loads((workdir / "cold.json").read_text())


def growth(scale: Scale, env: dict, workdir: Path) -> list[dict]:
    levels = []
    for name in ensure_growth_databases(f"cgb_bench_{scale.name}", scale.growth_base, env):
        out = workdir / f"{name}.json"
        level_env = {**env, "DATABASE_URL": env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name}
        probe(level_env, "growth", str(out), str(scale.sequential_requests))
        levels.append(json.loads(out.read_text()))
    return levels


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=SCALES, default="full")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks")
    parser.add_argument("--redis-db", type=int, default=None, help="cache DB (broker: the next one); 10 by default")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument("--quick", action="store_true", help="only the cold CPU probe and the wrk ceiling ratios")
    parser.add_argument("--capacity", action="store_true", help="only the long-tail capacity curve")
    parser.add_argument("--three-node", action="store_true", help="only the one-node vs three-node long-tail run")
    parser.add_argument("--fanout", action="store_true", help="only the fan-out under page load")
    parser.add_argument("--skip-three-node", action="store_true", help="leave the three-node run out")
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    redis_db = args.redis_db if args.redis_db is not None else (12 if scale.name == "tiny" else 10)
    # BENCH_DATABASE (a name starting with cgb_bench) keeps two checkouts' runs on one server apart.
    database = os.environ.get("BENCH_DATABASE") or f"cgb_bench_{scale.name}"
    started = time.monotonic()
    args.out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"cgb-bench-{scale.name}-"))
    log(f"scale {scale.name}; work files in {workdir}")
    env = bench_env(database=database, redis_db=redis_db, port=free_port())
    results: dict = {
        "scale": scale.name,
        "data": scale.data.spec(),
        "machine": {
            "cores": CORES,
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "started_at": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }
    results["database_reused"] = ensure_database(database, scale.data, env)
    flush_redis(redis_db)
    fixtures = workdir / "fixtures.json"
    probe(env, "fixtures", str(fixtures), str(scale.sessions))
    locust_env = {**env, "BENCH_FIXTURES": str(fixtures), "BENCH_THINK": str(scale.think_seconds)}
    if args.quick:
        quick(args, scale, env, workdir, fixtures)
        flush_redis(redis_db)
        return results

    def groups(stack):
        return {
            "server": lambda _: stack.pids("gunicorn"),
            "celery": lambda _: stack.pids("celery"),
            "postgres": lambda pids: [p for p, (name, _) in pids.items() if name.startswith("postgres")],
            "redis": lambda pids: [p for p, (name, _) in pids.items() if name.startswith("redis-server")],
        }

    if args.capacity:
        capacity_only(args, scale, env, workdir, locust_env, groups)
        flush_redis(redis_db)
        return results
    if args.fanout:
        with Stack(env, CONFIGS[0], workdir) as stack:
            fanout_phase(
                stack, env, workdir, scale, json.loads(fixtures.read_text()), CpuMeter(groups(stack)), args.out
            )
        flush_redis(redis_db)
        log(f"done: {args.out / f'fanout-{scale.name}.md'}")
        return results
    if args.three_node:
        three_node_phase(CONFIGS[0], workdir, scale, env, locust_env, args.out)
        flush_redis(redis_db)
        log(f"done: {args.out / f'three-node-{scale.name}.md'}")
        return results

    cold = cold_probe(env, workdir, fixtures, scale)

    log("cold and warm cache per page")
    probe(env, "pages", str(workdir / "pages.json"), str(fixtures), str(scale.sequential_requests))
    results["cache"] = json.loads((workdir / "pages.json").read_text())

    hot_urls = [url for urls in json.loads(fixtures.read_text())["hot"].values() for url in urls]
    results["configs"] = {}
    for config in CONFIGS if scale.compare_configs else []:
        log(f"gunicorn configuration {config.label}")
        with Stack(env, config, workdir) as stack:
            stack.warm_up(hot_urls)
            meter = CpuMeter(groups(stack))
            results["configs"][config.label] = {
                page: saturate(stack, workdir, scale, locust_env, page, config.label, meter)
                for page in ("ceiling redis", "topic")
            }
    chosen = max(CONFIGS, key=lambda c: results["configs"].get(c.label, {"topic": {"rps": 0}})["topic"]["rps"])
    results["server_config"] = {"label": chosen.label, "workers": chosen.workers, "threads": chosen.threads}

    with site_stack(env, chosen, workdir) as stack:
        stack.warm_up(hot_urls)
        meter = CpuMeter(groups(stack))
        log("ceiling ratios with wrk")
        results["ratios"] = ratios_phase(
            stack, env, workdir, scale, json.loads(fixtures.read_text()), scale.wrk_seconds
        )
        write_ratios(results["ratios"], cold, args.out, scale.name)
        results["cold"] = cold
        results["fanout"] = fanout_phase(stack, env, workdir, scale, json.loads(fixtures.read_text()), meter, args.out)
        log(f"saturation runs on {chosen.label}")
        results["saturation"] = {
            page: saturate(stack, workdir, scale, locust_env, page, "main", meter) for page in CEILINGS + HOT_PAGES
        }
        ceiling = results["saturation"]["ceiling redis"]["rps"] or 1.0
        for page in HOT_PAGES:
            results["saturation"][page]["fraction_of_redis_ceiling"] = round(
                results["saturation"][page]["rps"] / ceiling, 3
            )

        log(f"mixed scenario: {scale.mixed_users} readers, {scale.think_seconds}s think time, {scale.mixed_seconds}s")
        mixed: dict = {}
        with meter.measure(mixed):
            mixed |= locust(
                stack.url,
                workdir,
                "mixed",
                user_class="Reader",
                users=scale.mixed_users,
                spawn_rate=scale.spawn_rate,
                seconds=scale.mixed_seconds,
                env=locust_env,
                reset_stats=True,
            )
        mixed["users_target"] = scale.mixed_users
        mixed["think_seconds"] = scale.think_seconds
        mixed["history"] = report.history(workdir / "mixed_stats_history.csv")
        results["mixed"] = mixed
        results["capacity"] = capacity_phase(stack, workdir, scale, locust_env, meter, args.out)
        results["stack_alive_at_end"] = stack.alive()

    if not args.skip_three_node:
        log("three nodes: two web nodes behind a proxy, a primary and its replica")
        results["three_node"] = three_node_phase(chosen, workdir, scale, env, locust_env, args.out)

    slowest = min(HOT_READS, key=lambda page: results["saturation"][page]["rps"])
    log(f"profiling the slowest hot page: {slowest}")
    profile_out = str(args.out / f"profile-{scale.name}.txt")
    probe(env, "profile", profile_out, str(fixtures), slowest, str(10 * scale.sequential_requests))
    results["profiled_page"] = slowest

    if not args.skip_growth:
        log("database growth check")
        try:
            results["growth"] = growth(scale, env, workdir)
        except subprocess.CalledProcessError as exc:  # keep the figures measured so far
            log(f"growth check failed: {exc}")
            results["growth_error"] = str(exc)
    flush_redis(redis_db)

    results["targets"] = report.targets(results)
    results["elapsed_s"] = round(time.monotonic() - started)
    (args.out / f"results-{scale.name}.json").write_text(json.dumps(results, indent=2))
    report.write(results, args.out)
    log(f"done in {results['elapsed_s']}s: {args.out}")
    return results


if __name__ == "__main__":
    main()
