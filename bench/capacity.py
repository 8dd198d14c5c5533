"""The capacity curve: how many long-tail readers the box holds at p95 < 200 ms.

One Locust run of the `LongTail` scenario (bench/locustfile.py: books, topics and profiles
drawn uniformly over the whole data set, 30% logged in, 30 s think time) per step of
readers, 1k → 10k, on the running stack. Per step: req/s, p50/p95/p99 over the steady part
(statistics reset once everyone is spawned), errors, anonymous and logged-in pages apart,
and the CPU per request of each process group (gunicorn, PostgreSQL, Redis, Celery, Locust).
The curve stops at the first step past SATURATED_MS, whose queue only grows. With `cpu_log`
(the directory bench/cpu_wsgi.py writes while it exists), each step also says where
gunicorn's CPU went: per page, reader and page-cache answer.
"""

import json
import shutil
from pathlib import Path

from bench.stack import log

P95_TARGET_MS = 200
SATURATED_MS = 5_000
GROUPS = ("server", "postgres", "redis", "celery", "locust", "other")
CPU_ROWS = 14  # rows of the CPU-by-page table


def measure(
    run_locust, meter, steps: list[int], spawn_rate: int, steady_seconds: int, think: float, cpu_log: Path | None = None
) -> dict:
    """`run_locust(phase, user_class, users, spawn_rate, seconds)` returns Locust's figures."""
    points = []
    for users in steps:
        ramp = users / spawn_rate + think  # spawned, and each reader's first request sent
        point: dict = {"readers": users}
        if cpu_log:
            shutil.rmtree(cpu_log, ignore_errors=True)
            cpu_log.mkdir(parents=True)
        with meter.measure(point):
            figures = run_locust(f"capacity {users}", "LongTail", users, spawn_rate, round(ramp + steady_seconds))
        if cpu_log:
            point["cpu_by_page"] = cpu_by_page(cpu_log)
            shutil.rmtree(cpu_log, ignore_errors=True)
        summarize(point, figures, GROUPS)
        point["met"] = (point["p95_ms"] or 0) < P95_TARGET_MS and point["errors"] == 0 and point["held"] >= users
        points.append(point)
        log(f"  capacity {users} readers: {point['rps']} req/s, p95 {point['p95_ms']} ms, errors {point['errors']}")
        if (point["p95_ms"] or 0) > SATURATED_MS:
            break
    held = [point["readers"] for point in points if point["met"]]
    return {
        "think_seconds": think,
        "steady_seconds": steady_seconds,
        "points": points,
        "max_readers_met": max(held, default=0),
    }


def cpu_by_page(directory: Path) -> list[dict]:
    """One step's bench/cpu_wsgi.py lines: gunicorn CPU per request by page, reader and
    page-cache answer, the largest share of the step's CPU first."""
    rows: dict[tuple[str, str, str], list] = {}
    for path in directory.glob("cpu-*.log"):
        for line in path.read_text().splitlines():
            page, who, cache, spent = line.split("\t")
            row = rows.setdefault((page, who, cache), [0, 0.0])
            row[0] += 1
            row[1] += float(spent)
    total = sum(spent for _count, spent in rows.values()) or 1.0
    ordered = sorted(rows.items(), key=lambda item: -item[1][1])
    return [
        {"page": page, "who": who, "cache": cache, "requests": count, "cpu_ms": round(spent / count, 2),
         "share": round(100 * spent / total, 1)}
        for (page, who, cache), (count, spent) in ordered
    ]  # fmt: skip


def summarize(point: dict, figures: dict, groups) -> None:
    """Locust's figures of one run into `point` (which holds the run's `cpu`), and the CPU
    per request of each process group."""
    pages = figures["pages"]
    total = pages.get("Aggregated", {"requests": 0, "rps": 0})
    point |= {
        "held": figures["users_max"],
        "requests": total["requests"],
        "rps": total["rps"],
        "p50_ms": total.get("p50_ms"),
        "p95_ms": total.get("p95_ms"),
        "p99_ms": total.get("p99_ms"),
        "errors": total.get("errors", 0),
        "server_errors": total.get("server_errors", 0),
        "pages": {name: row for name, row in pages.items() if name != "Aggregated"},
    }
    wall, requests = point["cpu"]["wall_s"], total["requests"] or 1
    point["cpu_ms_per_request"] = {
        group: round(point["cpu"].get(f"{group}_cores", 0) * wall * 1000 / requests, 2) for group in groups
    }


def markdown(curve: dict, load: str) -> list[str]:
    lines = [
        f"## Capacity curve: long-tail readers at p95 < {P95_TARGET_MS} ms",
        "",
        f"`LongTail` readers (uniform over every book, topic and profile, 30% logged in, {curve['think_seconds']} s "
        f"think), one Locust run per step, figures over the last {curve['steady_seconds']} s. Load on the box: {load}. "
        f"**Most readers held at p95 < {P95_TARGET_MS} ms with no error: {curve['max_readers_met']:,}.**",
        "",
        "| readers | held | req/s | p50 ms | p95 ms | p99 ms | errors | 5xx | CPU ms/req: gunicorn | PostgreSQL "
        "| Redis "
        "| Celery | Locust | other | met |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in curve["points"]:
        cpu = p["cpu_ms_per_request"]
        lines.append(
            f"| {p['readers']:,} | {p['held']:,} | {p['rps']} | {p['p50_ms']} | {p['p95_ms']} | {p['p99_ms']} "
            f"| {p['errors']} | {p['server_errors']} | {cpu['server']} | {cpu['postgres']} | {cpu['redis']} "
            f"| {cpu['celery']} | {cpu['locust']} | {cpu['other']} | {'yes' if p['met'] else 'no'} |"
        )
    if curve["points"]:
        last = curve["points"][-1]
        lines += [
            "",
            f"Per page at {last['readers']:,} readers:",
            "",
            "| page | requests | p50 ms | p95 ms | errors |",
            "|---|---|---|---|---|",
        ]
        for name, row in sorted(last["pages"].items()):
            lines.append(f"| {name} | {row['requests']:,} | {row['p50_ms']} | {row['p95_ms']} | {row['errors']} |")
        if last.get("cpu_by_page"):
            lines += [
                "",
                f"Where gunicorn's CPU went at {last['readers']:,} readers (bench/cpu_wsgi.py, the whole step; "
                "page cache: hit, miss, or - for a page rendered for one reader):",
                "",
                "| page | reader | page cache | requests | CPU ms/request | share of CPU |",
                "|---|---|---|---|---|---|",
            ]
            for row in last["cpu_by_page"][:CPU_ROWS]:
                lines.append(
                    f"| {row['page']} | {row['who']} | {row['cache']} | {row['requests']:,} | {row['cpu_ms']} "
                    f"| {row['share']}% |"
                )
    return lines


def plot(curve: dict, out: Path, scale: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = curve["points"]
    readers = [p["readers"] for p in points]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(readers, [p["p95_ms"] or 0 for p in points], marker="o", label="p95")
    left.plot(readers, [p["p50_ms"] or 0 for p in points], marker=".", label="p50")
    left.axhline(P95_TARGET_MS, color="#c33", linestyle="--", linewidth=1, label=f"{P95_TARGET_MS} ms")
    left.set_yscale("log")
    left.set_xlabel("long-tail readers (30 s think)")
    left.set_ylabel("latency ms")
    left.legend()
    cpu_bars(right, [str(r) for r in readers], points, GROUPS)
    right.set_xlabel("readers")
    fig.tight_layout()
    name = f"capacity-{scale}.png"
    fig.savefig(out / name, dpi=110)
    plt.close(fig)
    return name


def cpu_bars(axis, labels: list[str], points: list[dict], groups) -> None:
    """One bar per run, stacked by process group: CPU ms per request."""
    bottom = [0.0] * len(points)
    for group in groups:
        values = [p["cpu_ms_per_request"][group] for p in points]
        axis.bar(labels, values, bottom=bottom, label=group)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axis.set_ylabel("CPU ms per request")
    axis.legend(fontsize=7)


def write(curve: dict, out: Path, scale: str, load: str) -> None:
    (out / f"capacity-{scale}.json").write_text(json.dumps(curve, indent=2))
    image = plot(curve, out, scale)
    lines = [f"# Capacity curve — scale `{scale}`", "", *markdown(curve, load), "", f"![capacity]({image})", ""]
    (out / f"capacity-{scale}.md").write_text("\n".join(lines))
