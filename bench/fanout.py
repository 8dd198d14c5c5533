"""Fan-out under page load: a reader with many followers posts while readers load their feeds.

1. wrk on the feed page alone (the ratios' feed row: readers following 200, feeds warm);
2. the same wrk run while `manage.py feed_fanout_timing --followers N --worker` builds N
   followers' Redis feeds and then fans one activity out to all of them through the `feeds`
   worker, as the stack's Celery worker runs it in production.
Reported: the fan-out's seconds, the page's req/s and latency alone and during it, and the
CPU of each process group (gunicorn, Celery, PostgreSQL, Redis) in both runs.
"""

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import feed, ratios
from bench.stack import ROOT, log

FOLLOWERS = 10_000


def _fanout(env: dict, followers: int) -> dict:
    run = subprocess.run(
        [sys.executable, "manage.py", "feed_fanout_timing", "--followers", str(followers), "--worker"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def _page_run(stack, fixtures: dict, cookies: list[str], workdir: Path, meter, seconds: int, connections: int) -> dict:
    row: dict = {}
    with meter.measure(row):
        row |= ratios.run_wrk(
            stack.url,
            fixtures["feed"],
            cookies,
            seconds=seconds,
            connections=connections,
            script=workdir / "wrk-fanout.lua",
        )
    return row


def measure(stack, env: dict, fixtures: dict, workdir: Path, meter, *, followers: int, seconds: int, connections: int):
    ratios.ensure_wrk()
    log(f"fan-out under load: preparing {followers:,} followers (timed once without page load)")
    idle = _fanout(env, followers)  # also creates the follow graph, so the loaded run only times
    cookies = feed.warm(stack.url, ratios.cookies_of(fixtures))
    alone = _page_run(stack, fixtures, cookies, workdir, meter, seconds, connections)
    log(f"  feed page alone: {alone['rps']} req/s, p95 {alone['p95_ms']} ms")
    during: dict = {}

    def fan_out():
        time.sleep(1)  # the page load is running
        during["fanout"] = _fanout(env, followers)

    worker = threading.Thread(target=fan_out)
    worker.start()
    loaded = _page_run(stack, fixtures, cookies, workdir, meter, seconds, connections)
    worker.join()
    log(
        f"  during the fan-out: {loaded['rps']} req/s, p95 {loaded['p95_ms']} ms; "
        f"fan-out {during['fanout']['fanout_seconds']} s (alone {idle['fanout_seconds']} s)"
    )
    return {"followers": followers, "fanout_idle": idle, "fanout_loaded": during["fanout"], "page_alone": alone,
            "page_during": loaded}  # fmt: skip


def write(result: dict, out: Path, scale: str, load: str) -> Path:
    (out / f"fanout-{scale}.json").write_text(json.dumps(result, indent=2))
    plot = _plot(result, out, scale)
    alone, during = result["page_alone"], result["page_during"]
    idle, loaded = result["fanout_idle"], result["fanout_loaded"]

    def cpu(row: dict, group: str) -> str:
        cores = row["cpu"].get(f"{group}_cores")
        return "—" if cores is None else f"{cores:.2f}"

    lines = [
        f"# Fan-out under page load — scale `{scale}`",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M:%S %z')}; load on the box: {load}. `python -m bench.run --scale {scale} "
        f"--fanout`: wrk on the feed page (`{feed.PATH}`, readers following {feed.FOLLOWED}) alone, then again while "
        f"one reader with {result['followers']:,} followers posts (`manage.py feed_fanout_timing --followers "
        f"{result['followers']} --worker`: their feeds are built in Redis, then the activity is fanned out by the "
        "`feeds` worker; the run overlaps both).",
        "",
        f"Fan-out to {loaded['feeds_holding_it']:,} feeds: **{loaded['fanout_seconds']} s under page load**, "
        f"{idle['fanout_seconds']} s without (worker chunks of {loaded['chunk']}).",
        "",
        "| feed page | req/s | p50 ms | p95 ms | p99 ms | non-2xx | gunicorn cores | Celery cores | PostgreSQL cores "
        "| Redis cores |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in (("alone", alone), ("during the fan-out", during)):
        lines.append(
            f"| {name} | {row['rps']:,} | {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} | {row['non_2xx']} "
            f"| {cpu(row, 'server')} | {cpu(row, 'celery')} | {cpu(row, 'postgres')} | {cpu(row, 'redis')} |"
        )
    lines += ["", f"![fan-out]({plot.name})", ""]
    path = out / f"fanout-{scale}.md"
    path.write_text("\n".join(lines))
    return path


def _plot(result: dict, out: Path, scale: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = {"alone": result["page_alone"], "during fan-out": result["page_during"]}
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    left.bar(list(rows), [row["rps"] for row in rows.values()], color=["#4c72b0", "#dd8452"])
    left.set_title("feed page req/s")
    right.bar(list(rows), [row["p95_ms"] for row in rows.values()], color=["#4c72b0", "#dd8452"])
    right.set_title("feed page p95 ms")
    fig.suptitle(
        f"{result['followers']:,} followers: fan-out {result['fanout_loaded']['fanout_seconds']} s under load, "
        f"{result['fanout_idle']['fanout_seconds']} s alone"
    )
    fig.tight_layout()
    path = out / f"fanout-{scale}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
