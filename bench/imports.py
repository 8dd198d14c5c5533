"""The import-wave benchmark: `python -m bench.imports --scale small [--readers 200 --rows 2000]`.

1. Seed (or reuse) the scale's bench database; make the wave's readers, a session each and a
   Goodreads file each (`library_sample_file`, `bench/import_probe.py prepare`).
2. Start the stack of `make bench` plus a Celery worker on the `imports` queue alone, with one
   process, as the Procfile runs it; warm the hot pages.
3. Run the mixed scenario (bench/locust_wave.py) for the whole experiment: ramp-up, a window
   without imports, then every reader uploads their file at once through the real upload
   form (HTTP POST /biblioteca/importar/), and the mix goes on until the last job is done.
4. Page p95 per page before and during the wave, import throughput (rows / wall time from the
   first upload to the last job done), per-job times; imports-<scale>.json, .md and .png.
5. Empty the readers' libraries again (`import_probe cleanup`): the database stays as seeded.
Every wait has a deadline; the stack and Locust are stopped in a `finally`.
"""

import argparse
import csv
import json
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy
import psycopg
import requests

from bench.run import CORES, probe
from bench.scales import SCALES
from bench.stack import (
    PG,
    ROOT,
    VENV_BIN,
    CpuMeter,
    ServerConfig,
    Stack,
    bench_env,
    ensure_database,
    flush_redis,
    free_port,
    log,
)

PAGES = ["home", "catalog search", "book", "debates list", "topic", "profile"]
POLL_SECONDS = 2.0


def import_probe(env: dict, *args: str, timeout: float = 1200) -> None:
    subprocess.run([sys.executable, "-m", "bench.import_probe", *args], cwd=ROOT, env=env, check=True, timeout=timeout)


def upload(url: str, reader: dict) -> dict:
    cookies = {"sessionid": reader["sessionid"], "csrftoken": reader["csrftoken"]}
    started = time.time()
    with open(reader["file"], "rb") as handle:
        files = {"file": (Path(reader["file"]).name, handle, "text/csv")}
        try:
            response = requests.post(
                url + "/biblioteca/importar/",
                files=files,
                cookies=cookies,
                headers={"X-CSRFToken": reader["csrftoken"], "Referer": url + "/biblioteca/"},
                allow_redirects=False,
                timeout=300,
            )
            status = response.status_code
        except requests.RequestException as exc:
            status, response = 0, exc
    return {"user_id": reader["user_id"], "status": status, "sent": started, "answered": time.time()}


def poll_jobs(database: str, user_ids: list[int], deadline: float, started: float) -> tuple[list, list[dict]]:
    """Every POLL_SECONDS: (seconds since the first upload, rows done, jobs done, jobs failed),
    until every reader's job has ended or the deadline passes; then the jobs themselves."""
    progress = []
    with psycopg.connect(f"{PG}/{database}", autocommit=True) as conn:
        while True:
            row = conn.execute(
                "SELECT count(*), coalesce(sum(done_rows), 0), count(*) FILTER (WHERE status = 'done'), "
                "count(*) FILTER (WHERE status = 'failed') FROM library_importjob WHERE user_id = ANY(%s)",
                [user_ids],
            ).fetchone()
            progress.append([round(time.time() - started, 1), int(row[1]), int(row[2]), int(row[3])])
            if row[0] == len(user_ids) and row[2] + row[3] == row[0]:
                break
            if time.time() > deadline:
                log("the wave did not finish before the deadline; reporting what was done")
                break
            time.sleep(POLL_SECONDS)
        jobs = conn.execute(
            "SELECT j.id, j.status, j.total_rows, j.done_rows, j.matched, j.unmatched, "
            "extract(epoch FROM j.created_at)::float8, extract(epoch FROM j.finished_at)::float8, "
            "(SELECT count(*) FROM library_importrow r WHERE r.job_id = j.id AND r.status = 'applied') "
            "FROM library_importjob j WHERE j.user_id = ANY(%s) ORDER BY j.finished_at NULLS LAST",
            [user_ids],
        ).fetchall()
    keys = ["id", "status", "total_rows", "done_rows", "matched", "unmatched", "created", "finished", "applied"]
    return progress, [dict(zip(keys, job, strict=True)) for job in jobs]


def window_stats(records: list[tuple[float, str, float, int]], start: float, end: float) -> dict:
    by_name: dict[str, list[tuple[float, int]]] = {}
    for t, name, ms, ok in records:
        if start <= t < end:
            by_name.setdefault(name, []).append((ms, ok))
            by_name.setdefault("all", []).append((ms, ok))
    out = {}
    for name, values in sorted(by_name.items()):
        times = numpy.array([ms for ms, _ok in values])
        out[name] = {
            "requests": len(values),
            "rps": round(len(values) / max(end - start, 1e-9), 1),
            "p50_ms": round(float(numpy.percentile(times, 50))),
            "p95_ms": round(float(numpy.percentile(times, 95))),
            "p99_ms": round(float(numpy.percentile(times, 99))),
            "failures": sum(1 for _ms, ok in values if not ok),
        }
    return {"seconds": round(end - start, 1), "pages": out}


def rolling_p95(records: list, start: float, end: float, step: float = 10.0) -> list[list[float]]:
    points, t = [], start
    while t < end:
        times = [ms for at, _name, ms, _ok in records if t <= at < t + step]
        if times:
            points.append([round(t + step / 2 - start, 1), round(float(numpy.percentile(times, 95)))])
        t += step
    return points


def split_windows(results: dict, records: list, uploads: list[dict], first: float, wave_end: float) -> None:
    """The wave in two parts: while the uploads are served by gunicorn, then while only the
    imports worker runs."""
    uploaded = max(u["answered"] for u in uploads)
    results["during_uploads"] = window_stats(records, first, uploaded)
    results["after_uploads"] = window_stats(records, uploaded, wave_end)


def summarise_wave(jobs: list[dict], uploads: list[dict], first: float) -> dict:
    done = [job for job in jobs if job["finished"]]
    last = max((job["finished"] for job in done), default=time.time())
    wall = last - first
    finished = sorted(job["finished"] for job in done)
    # One imports process: a job's run time is the gap since the job before it finished.
    service = numpy.diff([min(job["created"] for job in jobs), *finished]) if finished else numpy.array([0.0])
    latency = numpy.array([job["finished"] - job["created"] for job in done] or [0.0])
    rows = sum(job["done_rows"] for job in jobs)
    applied = sum(job["applied"] for job in jobs)
    answered = [u["answered"] - u["sent"] for u in uploads]
    return {
        "jobs": len(jobs),
        "jobs_done": sum(job["status"] == "done" for job in jobs),
        "jobs_failed": sum(job["status"] == "failed" for job in jobs),
        "uploads_refused": sum(u["status"] != 302 for u in uploads),
        "upload_status": {str(s): sum(u["status"] == s for u in uploads) for s in {u["status"] for u in uploads}},
        "upload_seconds": {
            "p50": round(float(numpy.percentile(answered, 50)), 2),
            "max": round(max(answered), 2),
        },  # fmt: skip
        "uploads_all_answered_after_s": round(max(u["answered"] for u in uploads) - first, 1),
        "rows_processed": rows,
        "rows_applied": applied,
        "wall_s": round(wall, 1),
        "rows_per_s": round(rows / wall, 1) if wall > 0 else None,
        "applied_rows_per_s": round(applied / wall, 1) if wall > 0 else None,
        "job_run_s": {q: round(float(numpy.percentile(service, p)), 2) for q, p in (("p50", 50), ("p95", 95))}
        | {"max": round(float(service.max()), 2)},
        "job_submit_to_done_s": {
            q: round(float(numpy.percentile(latency, p)), 1) for q, p in (("p50", 50), ("p95", 95))
        }
        | {"max": round(float(latency.max()), 1)},
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks")
    parser.add_argument("--readers", type=int, default=200, help="concurrent imports (one reader each)")
    parser.add_argument("--rows", type=int, default=2000, help="rows per file")
    parser.add_argument("--users", type=int, default=1500, help="simulated readers of the load mix")
    parser.add_argument("--think", type=float, default=None, help="mean think time (the scale's by default)")
    parser.add_argument("--baseline", type=int, default=90, help="seconds of mix without imports")
    parser.add_argument("--timeout", type=int, default=1500, help="seconds the wave may take at most")
    parser.add_argument("--redis-db", type=int, default=10, help="cache DB (broker: the next one)")
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    think = args.think if args.think is not None else scale.think_seconds
    database = f"cgb_bench_{scale.name}"
    args.out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"cgb-imports-{scale.name}-"))
    log(f"import wave, scale {scale.name}: {args.readers} × {args.rows} rows; work files in {workdir}")
    env = bench_env(database=database, redis_db=args.redis_db, port=free_port())
    results: dict = {
        "scale": scale.name,
        "readers": args.readers,
        "rows_per_file": args.rows,
        "mix_users": args.users,
        "think_seconds": think,
        "cores": CORES,
        "started_at": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }
    begun = time.monotonic()
    results["database_reused"] = ensure_database(database, scale.data, env)
    flush_redis(args.redis_db)
    fixtures, importers = workdir / "fixtures.json", workdir / "importers.json"
    probe(env, "fixtures", str(fixtures), str(scale.sessions))
    import_probe(env, "prepare", str(importers), str(args.readers), str(args.rows), str(workdir / "files"))
    readers = json.loads(importers.read_text())
    user_ids = [reader["user_id"] for reader in readers]
    records_path = workdir / "requests.csv"
    ramp = think * 1.5 + args.users / scale.spawn_rate
    hot_urls = [url for urls in json.loads(fixtures.read_text())["hot"].values() for url in urls]
    locust_proc = None
    locust_pid: list[int] = []  # sampled by the CPU meter while Locust runs
    try:
        with Stack(env, ServerConfig(workers=2 * CORES, threads=1), workdir, imports_worker=True) as stack:
            stack.warm_up(hot_urls)
            meter = CpuMeter({
                "server": lambda _: stack.pids("gunicorn"),
                "celery": lambda _: stack.pids("celery"),
                "imports": lambda _: stack.pids("celery-imports"),
                "postgres": lambda pids: [p for p, (name, _) in pids.items() if name.startswith("postgres")],
                "redis": lambda pids: [p for p, (name, _) in pids.items() if name.startswith("redis-server")],
                "locust": lambda _: locust_pid,
            })  # fmt: skip
            locust_env = {**env, "BENCH_FIXTURES": str(fixtures), "BENCH_THINK": str(think),
                          "BENCH_RECORDS": str(records_path)}  # fmt: skip
            cap = int(ramp + args.baseline + args.timeout + 60)
            log(f"load mix: {args.users} readers, {think}s think time (at most {cap}s)")
            with (workdir / "locust.log").open("ab") as out:
                locust_proc = subprocess.Popen(
                    [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locust_wave.py"), "--headless",
                     "--users", str(args.users), "--spawn-rate", str(scale.spawn_rate), "--run-time", f"{cap}s",
                     "--host", stack.url, "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5",
                     "WaveReader"],
                    cwd=ROOT, env=locust_env, stdout=out, stderr=subprocess.STDOUT,
                )  # fmt: skip
            locust_pid.append(locust_proc.pid)
            locust_started = time.time()
            time.sleep(ramp)
            baseline_start = time.time()
            baseline_cpu: dict = {}
            with meter.measure(baseline_cpu):
                time.sleep(args.baseline)
            log(f"wave: {args.readers} uploads at once")
            wave_cpu: dict = {}
            with meter.measure(wave_cpu):
                first = time.time()
                with ThreadPoolExecutor(max_workers=args.readers) as pool:
                    uploads = list(pool.map(lambda reader: upload(stack.url, reader), readers))
                log(f"uploads answered: {sum(u['status'] == 302 for u in uploads)} accepted")
                progress, jobs = poll_jobs(database, user_ids, first + args.timeout, first)
            wave_end = max((job["finished"] for job in jobs if job["finished"]), default=time.time())
            log(f"wave over after {wave_end - first:.0f}s")
            locust_proc.send_signal(signal.SIGTERM)
            locust_proc.wait(timeout=120)
            results["stack_alive_at_end"] = stack.alive()
    finally:
        if locust_proc is not None and locust_proc.poll() is None:
            locust_proc.kill()
        import_probe(env, "cleanup", str(args.readers))
        flush_redis(args.redis_db)
    records = [(float(r["t"]), r["name"], float(r["ms"]), int(r["ok"])) for r in csv.DictReader(records_path.open())]
    results["without_wave"] = window_stats(records, baseline_start, first) | {"cpu": baseline_cpu["cpu"]}
    results["with_wave"] = window_stats(records, first, wave_end) | {"cpu": wave_cpu["cpu"]}
    split_windows(results, records, uploads, first, wave_end)
    results["wave"] = summarise_wave(jobs, uploads, first)
    results["progress"] = progress
    results["p95_over_time"] = rolling_p95(records, locust_started, wave_end)
    results["wave_offset_s"] = round(first - locust_started, 1)
    results["wave_epoch"] = [round(first, 3), round(wave_end, 3)]  # to cut requests.csv again
    results["baseline_offset_s"] = round(baseline_start - locust_started, 1)
    results["elapsed_s"] = round(time.monotonic() - begun)
    (args.out / f"imports-{scale.name}.json").write_text(json.dumps(results, indent=2))
    write_report(results, args.out)
    log(f"done in {results['elapsed_s']}s: {args.out}")
    return results


# --- report ---------------------------------------------------------------------------------


def _names(results: dict) -> list[str]:
    seen = set(results["without_wave"]["pages"]) | set(results["with_wave"]["pages"])
    ordered = [name for page in PAGES for name in (page, f"{page} (logged in)") if name in seen]
    return ordered + sorted(seen - set(ordered) - {"all"}) + ["all"]


def plot(results: dict, out: Path) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [name for name in _names(results) if "POST" not in name]
    before = [results["without_wave"]["pages"].get(n, {}).get("p95_ms", 0) for n in names]
    during = [results["with_wave"]["pages"].get(n, {}).get("p95_ms", 0) for n in names]
    fig, (bars, over) = plt.subplots(2, 1, figsize=(12, 9))
    xs = numpy.arange(len(names))
    bars.bar(xs - 0.2, before, width=0.4, label="without imports")
    bars.bar(xs + 0.2, during, width=0.4, label=f"during the wave ({results['readers']} imports)")
    bars.set_xticks(xs, names, rotation=30, ha="right", fontsize=8)
    bars.set_ylabel("p95 ms")
    bars.set_yscale("log")
    bars.set_title(f"Page p95 with and without the import wave ({results['scale']}, {results['mix_users']} readers)")
    bars.legend(fontsize=8)
    bars.grid(alpha=0.3, axis="y")
    offset = results["wave_offset_s"]
    done = [(p[0] + offset, p[1]) for p in results["progress"]]
    over.plot([p[0] for p in done], [p[1] for p in done], color="tab:green", label="rows imported")
    over.set_ylabel("rows imported (all jobs)", color="tab:green")
    over.set_xlabel("seconds since the load mix started")
    over.axvline(offset, color="grey", linestyle="--", linewidth=1, label="uploads sent")
    over.axvline(results["baseline_offset_s"], color="grey", linestyle=":", linewidth=1, label="baseline window starts")
    p95 = over.twinx()
    points = results["p95_over_time"]
    p95.plot([p[0] for p in points], [p[1] for p in points], color="tab:red", linewidth=1, label="page p95 (10 s)")
    p95.set_ylabel("p95 ms, all requests, 10 s windows", color="tab:red")
    p95.set_yscale("log")
    over.legend(loc="upper left", fontsize=8)
    p95.legend(loc="lower right", fontsize=8)
    over.set_title("Import progress and page p95 over time")
    over.grid(alpha=0.3)
    fig.tight_layout()
    name = f"imports-{results['scale']}.png"
    fig.savefig(out / name, dpi=100)
    plt.close(fig)
    return name


def write_report(results: dict, out: Path) -> Path:
    picture = plot(results, out)
    wave, before, during = results["wave"], results["without_wave"], results["with_wave"]
    lines = [
        f"# Import wave — scale `{results['scale']}`",
        "",
        f"Run {results['started_at']}, {results['elapsed_s']} s in all, on {results['cores']} cores shared by "
        "gunicorn, two Celery workers, PostgreSQL, Redis and Locust. Method: "
        "[docs/benchmarks.md](../benchmarks.md#import-wave-make-bench-imports).",
        "",
        f"{results['readers']} readers each upload a {results['rows_per_file']:,}-row Goodreads file at once "
        f"(HTTP POST to the upload form) while {results['mix_users']:,} simulated readers run the mixed scenario "
        f"({results['think_seconds']} s think time). Imports run on the `imports` queue: one worker process.",
        "",
        "## Import throughput",
        "",
        "| figure | value |",
        "|---|---|",
        f"| jobs done / failed / uploads refused | {wave['jobs_done']} / {wave['jobs_failed']} / "
        f"{wave['uploads_refused']} |",
        f"| rows processed (matched + unmatched) | {wave['rows_processed']:,} |",
        f"| rows applied | {wave['rows_applied']:,} |",
        f"| wall time, first upload → last job done | {wave['wall_s']} s |",
        f"| **throughput** | **{wave['rows_per_s']} rows/s** ({wave['applied_rows_per_s']} applied rows/s) |",
        f"| upload answered (p50 / max) | {wave['upload_seconds']['p50']} s / {wave['upload_seconds']['max']} s |",
        f"| one job's run time (p50 / p95 / max) | {wave['job_run_s']['p50']} / {wave['job_run_s']['p95']} / "
        f"{wave['job_run_s']['max']} s |",
        f"| upload → done (p50 / p95 / max) | {wave['job_submit_to_done_s']['p50']} / "
        f"{wave['job_submit_to_done_s']['p95']} / {wave['job_submit_to_done_s']['max']} s |",
        "",
        "## Page p95 without and during the wave",
        "",
        f"Without: {before['seconds']} s of the mix before the uploads; during: {during['seconds']} s from the "
        "first upload to the last job done.",
        "",
        "The wave is also cut in two: *uploads* (first upload → last upload answered: gunicorn parses and "
        f"stores the files, {results['during_uploads']['seconds']} s) and *jobs* (the rest: only the `imports` "
        f"worker runs, {results['after_uploads']['seconds']} s).",
        "",
        "| request | requests without | p50 ms | **p95 ms** | requests during | p50 ms | **p95 ms** | p95 × | "
        "p95 ms, uploads | p95 ms, jobs | failures without / during |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in _names(results):
        a, b = before["pages"].get(name, {}), during["pages"].get(name, {})
        up, jobs = results["during_uploads"]["pages"].get(name, {}), results["after_uploads"]["pages"].get(name, {})
        ratio = f"{b['p95_ms'] / a['p95_ms']:.1f}" if a.get("p95_ms") and b.get("p95_ms") else "—"
        lines.append(
            f"| {name} | {a.get('requests', 0):,} | {a.get('p50_ms', '—')} | {a.get('p95_ms', '—')} "
            f"| {b.get('requests', 0):,} | {b.get('p50_ms', '—')} | {b.get('p95_ms', '—')} | {ratio} "
            f"| {up.get('p95_ms', '—')} | {jobs.get('p95_ms', '—')} "
            f"| {a.get('failures', 0)} / {b.get('failures', 0)} |"
        )
    lines += [
        "",
        "## CPU (cores used, of " + str(results["cores"]) + ")",
        "",
        "| window | box | gunicorn | celery (default) | celery (imports) | postgres | redis | locust | other |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, window in (("without", before), ("during", during)):
        c = window["cpu"]
        lines.append(
            f"| {label} | {c['box_cores']} | {c['server_cores']} | {c['celery_cores']} | {c['imports_cores']} "
            f"| {c['postgres_cores']} | {c['redis_cores']} | {c['locust_cores']} | {c['other_cores']} |"
        )
    lines += ["", f"![import wave]({picture})", ""]
    path = out / f"imports-{results['scale']}.md"
    path.write_text("\n".join(lines))
    return path


if __name__ == "__main__":
    main()
