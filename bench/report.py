"""results-<scale>.json → report-<scale>.md and PNG plots (matplotlib, Agg)."""

import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HOT_READS = ["debates list", "topic", "book", "home"]
CEILING_TARGET = 0.5
P95_TARGET_MS = 200
GROWTH_TOLERANCE = 1.5  # 100× the data may cost at most 1.5× the time to count as flat


HISTORY_COLUMNS = ["User Count", "Requests/s", "50%", "95%", "99%"]


def _num(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):  # Locust writes "N/A" before the first response
        return 0.0


def history(path: Path) -> dict[str, list[list[float]]]:
    """Per request name: [seconds since start, users, req/s, p50, p95, p99] every few seconds."""
    if not path.exists():
        return {}
    rows = list(csv.DictReader(path.open(newline="")))
    if not rows:
        return {}
    start = int(rows[0]["Timestamp"])
    series: dict[str, list[list[float]]] = {}
    for row in rows:
        name = "all" if row["Name"] == "Aggregated" else row["Name"]
        point = [int(row["Timestamp"]) - start, *(_num(row[key]) for key in HISTORY_COLUMNS)]
        series.setdefault(name, []).append(point)
    return series


READ_MIX = {"home": 20, "catalog search": 15, "book": 25, "debates list": 15, "topic": 20, "profile": 5}


def read_capacity(saturation: dict) -> float:
    """req/s the server could sustain on the scenario's read mix: the weighted harmonic mean."""
    total = sum(READ_MIX.values())
    return 1 / sum(weight / total / max(saturation[page]["rps"], 0.1) for page, weight in READ_MIX.items())


def server_cpu_ms(row: dict) -> float | None:
    """gunicorn CPU per request: what a page costs, whatever else competed for the cores."""
    cores, rps = row.get("cpu", {}).get("server_cores"), row.get("rps")
    return round(1000 * cores / rps, 1) if cores and rps else None


def cpu_capacity(saturation: dict, cores: int) -> float | None:
    """req/s of the read mix if gunicorn had every core to itself (PostgreSQL and Locust not counted)."""
    costs = {page: server_cpu_ms(saturation[page]) for page in READ_MIX}
    if None in costs.values():
        return None
    mean_ms = sum(READ_MIX[page] * ms for page, ms in costs.items()) / sum(READ_MIX.values())
    return round(1000 * cores / mean_ms, 1)


def targets(results: dict) -> dict:
    sat = results["saturation"]
    hot = {
        page: {
            "fraction": sat[page]["fraction_of_redis_ceiling"],
            "target": CEILING_TARGET,
            "met": sat[page]["fraction_of_redis_ceiling"] >= CEILING_TARGET,
        }
        for page in HOT_READS
    }
    mixed = results["mixed"]
    overall = mixed["pages"].get("Aggregated", {})
    capacity = read_capacity(sat)
    by_cpu = cpu_capacity(sat, results["machine"]["cores"])
    out = {
        "capacity_estimate": {
            "read_mix_rps": round(capacity, 1),
            "users_at_think_time": round(capacity * mixed["think_seconds"]),
            "think_seconds": mixed["think_seconds"],
            "read_mix_rps_all_cores": by_cpu,
            "users_all_cores": round(by_cpu * mixed["think_seconds"]) if by_cpu else None,
        },
        "hot_reads_at_half_ceiling": hot,
        "mixed": {
            "users_held": mixed["users_max"],
            "users_target": mixed["users_target"],
            "rps": overall.get("rps", 0.0),
            "p95_ms": overall.get("p95_ms", 0.0),
            "p95_target_ms": P95_TARGET_MS,
            "server_errors": overall.get("server_errors", 0),
            "met": mixed["users_max"] >= mixed["users_target"]
            and overall.get("p95_ms", 1e9) < P95_TARGET_MS
            and overall.get("server_errors", 1) == 0,
        },
    }
    if results.get("growth"):
        base, top = results["growth"][0]["pages"], results["growth"][-1]["pages"]
        out["growth_flat"] = {
            page: {
                "warm_ratio": round(top[page]["warm_ms"] / base[page]["warm_ms"], 2),
                "cold_ratio": round(top[page]["cold_ms"] / base[page]["cold_ms"], 2),
                "same_queries": top[page]["cold_queries"] == base[page]["cold_queries"],
                "met": top[page]["warm_ms"] <= GROWTH_TOLERANCE * base[page]["warm_ms"]
                and top[page]["cold_ms"] <= GROWTH_TOLERANCE * base[page]["cold_ms"]
                and top[page]["cold_queries"] == base[page]["cold_queries"],
            }
            for page in base
        }
    return out


# --- plots ----------------------------------------------------------------------------------


def _plot_over_time(results: dict, out: Path) -> list[str]:
    series = results["mixed"].get("history", {})
    if not series:
        return []
    names = [name for name in series if name != "all"]
    scale = results["scale"]
    files = []

    fig, axes = plt.subplots(2, 1, figsize=(11, 8), sharex=True)
    for name in names:
        points = [p for p in series[name] if p[4] > 0]  # no figure before a page's first answer
        axes[0].plot([p[0] for p in points], [p[4] for p in points], label=name, linewidth=1.2)
        axes[1].plot([p[0] for p in points], [p[3] for p in points], label=name, linewidth=1.2)
    for ax, label in zip(axes, ["p95 latency (ms, last 10 s)", "p50 latency (ms, last 10 s)"], strict=True):
        ax.set_ylabel(label)
        ax.set_yscale("log")
        ax.grid(alpha=0.3)
    axes[0].axhline(P95_TARGET_MS, color="red", linestyle="--", linewidth=1, label=f"target p95 {P95_TARGET_MS} ms")
    axes[0].legend(fontsize=8, ncol=3, loc="upper left")
    axes[1].set_xlabel("seconds since start (ramp-up included)")
    fig.suptitle(f"Mixed scenario, latency per page over time ({scale})")
    fig.tight_layout()
    name = f"latency-{scale}.png"
    fig.savefig(out / name, dpi=100)
    plt.close(fig)
    files.append(name)

    fig, ax = plt.subplots(figsize=(11, 5))
    for page in names:
        points = series[page]
        ax.plot([p[0] for p in points], [p[2] for p in points], label=page, linewidth=1.2)
    total = series.get("all", [])
    ax.plot([p[0] for p in total], [p[2] for p in total], label="all", color="black", linewidth=2)
    ax.set_ylabel("requests/s")
    ax.set_xlabel("seconds since start (ramp-up included)")
    ax.grid(alpha=0.3)
    users = ax.twinx()
    users.plot([p[0] for p in total], [p[1] for p in total], color="grey", linestyle=":", label="simulated users")
    users.set_ylabel("simulated users", color="grey")
    ax.legend(fontsize=8, ncol=3, loc="upper left")
    ax.set_title(f"Mixed scenario, throughput over time ({scale})")
    fig.tight_layout()
    name = f"throughput-{scale}.png"
    fig.savefig(out / name, dpi=100)
    plt.close(fig)
    files.append(name)
    return files


def _plot_ceiling(results: dict, out: Path) -> str:
    sat = results["saturation"]
    pages = [page for page in sat if not page.startswith("ceiling")]
    fractions = [sat[page]["fraction_of_redis_ceiling"] for page in pages]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    colors = ["tab:green" if f >= CEILING_TARGET else "tab:orange" for f in fractions]
    bars = ax.bar(pages, fractions, color=colors)
    for bar, page in zip(bars, pages, strict=True):
        ax.annotate(f"{sat[page]['rps']:.0f} req/s", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=8)  # fmt: skip
    ax.axhline(CEILING_TARGET, color="red", linestyle="--", linewidth=1, label="target: 50% of ceiling (hot reads)")
    ax.set_ylabel("fraction of the one-Redis-GET ceiling")
    ceiling = sat["ceiling redis"]["rps"]
    trivial = sat["ceiling trivial"]["rps"]
    ax.set_title(
        f"Throughput as a fraction of the ceiling ({results['scale']}; "
        f"Redis GET view {ceiling:.0f} req/s, trivial view {trivial:.0f} req/s)"
    )
    ax.set_ylim(0, max(1.0, *fractions) * 1.1)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    name = f"ceiling-{results['scale']}.png"
    fig.savefig(out / name, dpi=100)
    plt.close(fig)
    return name


def _plot_cache(results: dict, out: Path) -> str:
    pages = list(results["cache"])
    cold = [results["cache"][p]["anonymous"]["cold_ms"] for p in pages]
    warm = [results["cache"][p]["anonymous"]["warm_ms"] for p in pages]
    xs = range(len(pages))
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.bar([x - 0.2 for x in xs], cold, width=0.4, label="cold cache")
    ax.bar([x + 0.2 for x in xs], warm, width=0.4, label="warm cache")
    ax.set_xticks(list(xs), pages)
    ax.set_ylabel("ms per request (in-process, anonymous)")
    ax.set_title(f"Cold vs warm cache per page ({results['scale']})")
    ax.legend()
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    name = f"cache-{results['scale']}.png"
    fig.savefig(out / name, dpi=100)
    plt.close(fig)
    return name


def _plot_growth(results: dict, out: Path) -> str | None:
    levels = results.get("growth")
    if not levels:
        return None
    posts = [level["counts"]["posts"] for level in levels]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for page in levels[0]["pages"]:
        ax.plot(posts, [level["pages"][page]["warm_ms"] for level in levels], marker="o", label=f"{page}, warm")
        ax.plot(posts, [level["pages"][page]["cold_ms"] for level in levels], marker="x", linestyle="--",
                label=f"{page}, cold")  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlabel("debate posts in the database (1×, 10×, 100×)")
    ax.set_ylabel("ms per request (in-process)")
    ax.set_title(f"Database growth check ({results['scale']})")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    name = f"growth-{results['scale']}.png"
    fig.savefig(out / name, dpi=100)
    plt.close(fig)
    return name


# --- Markdown -----------------------------------------------------------------------------


def _yes(flag: bool) -> str:
    return "met" if flag else "**missed**"


def write(results: dict, out: Path) -> Path:
    scale = results["scale"]
    plots = _plot_over_time(results, out) + [_plot_ceiling(results, out), _plot_cache(results, out)]
    growth_plot = _plot_growth(results, out)
    sat, mixed, tg = results["saturation"], results["mixed"], results["targets"]
    d, m = results["data"], results["machine"]
    lines = [
        f"# Benchmark report — scale `{scale}`",
        "",
        f"Run {results['started_at']}, {results['elapsed_s']} s in all. Machine: {m['cores']} cores, "
        f"{m['memory_gb']} GB, Python {m['python']}. Load generator, server, PostgreSQL and Redis share the "
        "same cores. Method: [docs/benchmarks.md](../benchmarks.md).",
        "",
        f"Data: {d['catalog']} catalog, {d['users']:,} readers, {d['topics']:,} topics, {d['posts']:,} posts, "
        f"{d['shelves']:,} shelf rows, {d['votes']:,} votes, {d['reviews']:,} reviews"
        f"{' (database reused)' if results['database_reused'] else ''}.",
        f"Server: gunicorn {results['server_config']['label']} (deploy/gunicorn.conf.py), "
        "PostgreSQL, Redis (cache and broker in their own databases), one Celery worker.",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ]
    for page, row in tg["hot_reads_at_half_ceiling"].items():
        lines.append(f"| {page} ≥ 50% of the one-Redis-GET ceiling | {row['fraction']:.0%} | {_yes(row['met'])} |")
    mt = tg["mixed"]
    lines.append(
        f"| mixed: {mt['users_target']:,} users held, p95 < {mt['p95_target_ms']} ms, no 5xx | "
        f"{mt['users_held']:,} users, {mt['rps']} req/s, p95 {mt['p95_ms']:.0f} ms, {mt['server_errors']} 5xx "
        f"| {_yes(mt['met'])} |"
    )
    for page, row in tg.get("growth_flat", {}).items():
        lines.append(
            f"| {page} flat at 100× the data | warm ×{row['warm_ratio']}, cold ×{row['cold_ratio']}, "
            f"same queries: {'yes' if row['same_queries'] else 'no'} | {_yes(row['met'])} |"
        )

    lines += [
        "",
        "## Throughput against the ceiling (closed loop, no think time)",
        "",
        f"{results['saturation']['ceiling redis'].get('requests', 0):,} requests to the one-Redis-GET view "
        f"over the run; each page below is hit by the same number of concurrent clients with no think time.",
        "",
        "| page | req/s | fraction of Redis-GET ceiling | p50 ms | p95 ms | p99 ms | bytes | gunicorn CPU ms/req "
        "| box CPU (cores) "
        "| server | locust | postgres | other |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page, row in sat.items():
        cpu = row.get("cpu", {})
        fraction = row.get("fraction_of_redis_ceiling")
        lines.append(
            f"| {page} | {row['rps']} | {f'{fraction:.0%}' if fraction is not None else '—'} | {row.get('p50_ms')} "
            f"| {row.get('p95_ms')} | {row.get('p99_ms')} | {row.get('avg_bytes', 0):,} | {server_cpu_ms(row)} "
            f"| {cpu.get('box_cores')} "
            f"| {cpu.get('server_cores')} | {cpu.get('locust_cores')} | {cpu.get('postgres_cores')} "
            f"| {cpu.get('other_cores')} |"
        )
    lines += ["", f"![ceiling](ceiling-{scale}.png)", "", "## Gunicorn configurations", ""]
    if results["configs"]:
        lines += ["| configuration | Redis-GET view req/s | topic page req/s | topic p95 ms |", "|---|---|---|---|"]
        for label, row in results["configs"].items():
            lines.append(
                f"| {label} | {row['ceiling redis']['rps']} | {row['topic']['rps']} | {row['topic'].get('p95_ms')} |"
            )
        lines += ["", f"Chosen for this run: **{results['server_config']['label']}** (faster on the topic page)."]
    else:
        lines.append(f"Not compared at this scale; ran {results['server_config']['label']}.")

    lines += [
        "",
        f"## Mixed scenario: {mixed['users_target']:,} readers, {mixed['think_seconds']} s think time",
        "",
        f"Simulated users held at once: {mixed['users_max']:,} (spawned {mixed['users_spawned']:,}). Figures are from "
        "after the ramp-up (Locust's stats are reset once every reader is spawned).",
        "",
        "| request | count | req/s | p50 ms | p95 ms | p99 ms | 429 | other errors | of which 5xx | no response |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in sorted(mixed["pages"].items(), key=lambda item: item[0] == "Aggregated"):
        lines.append(
            f"| {name} | {row['requests']:,} | {row['rps']} | {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} "
            f"| {row['rate_limited']} | {row['errors']} | {row['server_errors']} | {row.get('no_response', 0)} |"
        )
    cpu = mixed.get("cpu", {})
    estimate = tg["capacity_estimate"]
    lines += [
        "",
        f"Capacity estimate from the saturation runs: the read mix above sustains about "
        f"{estimate['read_mix_rps']} req/s, i.e. about {estimate['users_at_think_time']:,} readers at "
        f"{estimate['think_seconds']} s think time (each reader sends one request per think time). "
        f"From gunicorn's CPU per request instead, with all {results['machine']['cores']} cores for gunicorn "
        f"alone (an upper bound: PostgreSQL and the load generator need some): about "
        f"{estimate['read_mix_rps_all_cores']} req/s, {estimate['users_all_cores']} readers.",
        "",
        f"CPU during the mixed run (cores): box {cpu.get('box_cores')}, gunicorn {cpu.get('server_cores')}, "
        f"Locust {cpu.get('locust_cores')}, PostgreSQL {cpu.get('postgres_cores')}, Redis {cpu.get('redis_cores')}, "
        f"Celery {cpu.get('celery_cores')}, other processes {cpu.get('other_cores')}.",
        "",
        *[f"![{name}]({name})" for name in plots[:2]],
        "",
        "## Cold and warm cache per page (in-process, sequential)",
        "",
        "| page | who | SQL cold | SQL warm | cold ms | warm ms | time saved | bytes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for page, who in results["cache"].items():
        for kind, row in who.items():
            lines.append(
                f"| {page} | {kind.replace('_', ' ')} | {row['cold_queries']} | {row['warm_queries']} "
                f"| {row['cold_ms']} | {row['warm_ms']} | {row['time_saved']:.0%} | {row['bytes']:,} |"
            )
    lines += ["", f"![cache](cache-{scale}.png)", ""]

    if results.get("growth"):
        lines += [
            "## Database growth check (in-process)",
            "",
            "| topics | posts | biggest topic | page | SQL | cold ms | warm ms |",
            "|---|---|---|---|---|---|---|",
        ]
        for level in results["growth"]:
            c = level["counts"]
            for page, row in level["pages"].items():
                lines.append(
                    f"| {c['topics']:,} | {c['posts']:,} | {c['biggest_topic_posts']:,} posts | {page} "
                    f"| {row['cold_queries']} | {row['cold_ms']} | {row['warm_ms']} |"
                )
        lines += ["", f"![growth]({growth_plot})", ""]
    lines += [
        "## Profile of the slowest hot page",
        "",
        f"`{results['profiled_page']}`, warm cache, in-process: see [profile-{scale}.txt](profile-{scale}.txt).",
        "",
    ]
    path = out / f"report-{scale}.md"
    path.write_text("\n".join(lines))
    return path


if __name__ == "__main__":
    # Re-render a report from its JSON: `python -m bench.report docs/benchmarks/results-small.json`
    import json
    import sys

    source = Path(sys.argv[1])
    data = json.loads(source.read_text())
    data["targets"] = targets(data)
    source.write_text(json.dumps(data, indent=2))
    write(data, source.parent)
