"""Ceiling ratios with a C load generator: `wrk` against a bare Django app and the site, same run.

Locust caps near 600 req/s on 2 cores, below what a one-Redis-GET view serves, so it cannot
measure a ceiling. wrk (Debian package, installed by scripts/install_wrk.sh) can. One run:

1. the bare-Django ceiling (bench/bare.py: default middleware, one django-redis GET) served by
   the same gunicorn configuration as the site;
2. the site's own one-Redis-GET view `/__bench__/redis/` (the same GET through the project's
   middleware and settings), like bare's on a gunicorn of its own that serves nothing else;
3. each hot page, anonymous and logged in, over its popular URLs and — books, topics and
   profiles — over URLs drawn uniformly from the whole data set (the long tail); the popular
   logged-in rows are read by 200 returning readers (each has loaded the page once, so their
   session, user and own sections are cached), the long-tail ones by any of the bench's
   readers, mostly on their first page since the stack started; and each of 200 returning
   readers on their own profile (stored for each of them alone);
4. the same view on the site's workers, which have served every page before it: a worker that
   rendered pages holds more memory and serves the cheapest request a few per cent slower;
5. the project's and the bare ceiling again, so a drift of the box's load during the run shows
   and both ceilings are the mean of two runs apart.

Each row reports req/s, its fraction of the bare ceiling (the mean of its two runs), latency
percentiles, non-2xx answers and gunicorn's CPU per request; the project's ceiling is reported
as the mean of its two runs against that, and the served workers' figure beside it.
"""

import json
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

from bench import feed
from bench.stack import ROOT, log

INSTALL = ROOT / "scripts" / "install_wrk.sh"
HOT_PAGES = ["home", "book", "topic", "debates list", "catalog search", "profile"]
TAIL_PAGES = ["book", "topic", "profile"]
BARE = "bare Django (1 Redis GET)"
PROJECT = "project /__bench__/redis/"
SERVED = PROJECT + ", on the page workers"
OWN_PROFILE = "own profile (logged in)"

# wrk's Lua: a random path (and session) per request; the summary as one JSON line at the end.
LUA = """
local paths = {%(paths)s}
local cookies = {%(cookies)s}
local paired = %(paired)s
local thread_id = 0
setup = function(thread) thread_id = thread_id + 1; thread:set("seed", thread_id) end
init = function(args) math.randomseed(os.time() * 1000 + seed) end
request = function()
  local headers = {}
  local at = math.random(#paths)
  if #cookies > 0 then headers["Cookie"] = cookies[paired and at or math.random(#cookies)] end
  return wrk.format("GET", paths[at], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "bytes": %%d, "non_2xx": %%d, "socket_errors": %%d, ' ..
    '"timeouts": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def ensure_wrk() -> None:
    subprocess.run([str(INSTALL)], check=True)


def _lua_list(items: list[str]) -> str:
    return ", ".join(json.dumps(item) for item in items)


def wrk_script(paths: list[str], cookies: list[str], *, paired: bool = False) -> str:
    """wrk's Lua for a row; `paired`: each request's session is the one at its path's place
    (a reader on their own page), else any."""
    quoted = [urllib.parse.quote(path, safe="/?=&%") for path in paths]
    values = {"paths": _lua_list(quoted), "cookies": _lua_list(cookies), "paired": "true" if paired else "false"}
    return LUA % values


def run_wrk(
    base_url: str,
    paths: list[str],
    cookies: list[str],
    *,
    seconds: int,
    connections: int,
    script: Path,
    paired: bool = False,
):
    """One wrk run: figures as a dict (rps, latency in ms, non-2xx, bytes per request)."""
    script.write_text(wrk_script(paths, cookies, paired=paired))
    threads = min(2, connections)
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    run = subprocess.run([*args, base_url], capture_output=True, text=True, timeout=seconds + 60, check=True)
    line = next(line for line in reversed(run.stdout.splitlines()) if line.startswith("{"))
    raw = json.loads(line)
    requests = raw["requests"]
    return {
        "requests": requests,
        "rps": round(requests / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "non_2xx": raw["non_2xx"],
        "socket_errors": raw["socket_errors"],
        "timeouts": raw["timeouts"],
        "bytes_per_request": round(raw["bytes"] / requests) if requests else 0,
    }


def _warm(base_url: str, paths: list[str], cookies: list[str] | None = None) -> None:
    """Load each path once (with the session at its place, if `cookies`)."""
    for at, path in enumerate(paths):
        headers = {"Cookie": cookies[at]} if cookies else {}
        request = urllib.request.Request(base_url + urllib.parse.quote(path, safe="/?=&%"), headers=headers)
        try:
            urllib.request.urlopen(request, timeout=30).close()
        except OSError as exc:
            log(f"warm-up {path}: {exc}")


def cookies_of(fixtures: dict) -> list[str]:
    return [f"sessionid={r['sessionid']}; csrftoken={r['csrftoken']}" for r in fixtures["readers"]]


def plan(fixtures: dict) -> list[tuple[str, str, list[str], bool]]:
    """(row name, server, paths, logged in) in the order they run."""
    hot, tail = fixtures["hot"], fixtures["tail"]
    ceiling = ["/__bench__/redis/"]
    rows = [(BARE, "bare", ceiling, False), (PROJECT, "ceiling", ceiling, False)]
    for page in HOT_PAGES:
        for logged_in in (False, True):
            rows.append((f"{page}{' (logged in)' if logged_in else ''}", "site", hot[page], logged_in))
    for page in TAIL_PAGES:
        for logged_in in (False, True):
            rows.append((f"{page}, long tail{' (logged in)' if logged_in else ''}", "site", tail[page], logged_in))
    if fixtures.get("own_profiles"):
        rows.append((OWN_PROFILE, "site", fixtures["own_profiles"][: feed.READERS], True))
    feed.add_row(rows, fixtures)
    rows.append((SERVED, "site", ceiling, False))
    rows.append((PROJECT + ", again", "ceiling", ceiling, False))
    rows.append((BARE + ", again", "bare", ceiling, False))
    return rows


def measure(servers: dict, fixtures: dict, workdir: Path, meter_for, *, seconds: int, connections: int) -> dict:
    """Run every row of `plan()`; `servers` maps "bare"/"ceiling"/"site" to a base URL, `meter_for(server)`
    returns a CpuMeter whose "server" group is that server's gunicorn."""
    cookies = cookies_of(fixtures)
    rows = {}
    for name, server, paths, logged_in in plan(fixtures):
        row: dict = {"server": server, "urls": len(paths), "logged_in": logged_in}
        row_cookies = cookies if logged_in else []
        if name.startswith(feed.PAGE):
            row_cookies = feed.warm(servers[server], cookies)
        elif name == OWN_PROFILE:  # returning readers, each on their own page, loaded once
            row_cookies = cookies[: len(paths)]
            _warm(servers[server], paths, row_cookies)
        elif "long tail" not in name:  # the popular URLs are served warm, as in production
            _warm(servers[server], paths)
            if logged_in:  # returning readers: their session, user and own sections are cached
                row_cookies = feed.warm(servers[server], cookies, urllib.parse.quote(paths[0], safe="/?=&%"))
        with meter_for(server).measure(row):
            row |= run_wrk(
                servers[server],
                paths,
                row_cookies,
                seconds=seconds,
                connections=connections,
                script=workdir / "wrk.lua",
                paired=name == OWN_PROFILE,
            )
        cores = row["cpu"].get("server_cores")
        row["server_cpu_ms"] = (
            round(cores * row["cpu"]["wall_s"] * 1000 / row["requests"], 2) if row["requests"] else None
        )
        rows[name] = row
        log(f"  wrk {name}: {row['rps']} req/s, p95 {row['p95_ms']} ms, non-2xx {row['non_2xx']}")
    bare = _mean_of_runs(rows, BARE) or 1.0
    for row in rows.values():
        row["fraction_of_bare"] = round(row["rps"] / bare, 3)
    project = _mean_of_runs(rows, PROJECT)
    return {
        "seconds": seconds,
        "connections": connections,
        "bare_rps": round(bare, 1),
        "project_rps": round(project, 1),
        "project_fraction_of_bare": round(project / bare, 3),
        "served_fraction_of_bare": rows[SERVED]["fraction_of_bare"],
        "rows": rows,
    }


def _mean_of_runs(rows: dict, name: str) -> float:
    """A ceiling's req/s: the mean of its first run and its run again at the end."""
    return (rows[name]["rps"] + rows[name + ", again"]["rps"]) / 2


def markdown(ratios: dict, cold: dict | None, load: str) -> list[str]:
    lines = [
        "## Ceiling ratios (wrk, same run)",
        "",
        f"`wrk -t2 -c{ratios['connections']} -d{ratios['seconds']}s`, a random URL (and, logged in, a random "
        f"reader's session: one of {feed.READERS} returning readers who loaded the page once before the row, or on "
        f"the long-tail rows any of the bench's readers; on the own-profile row, the page's own reader) per "
        f"request. Bare ceiling: mean of the first and last "
        f"run, {ratios['bare_rps']} req/s. The project's ceiling view on a gunicorn of its own, the same way: "
        f"{ratios['project_rps']} req/s, **{ratios['project_fraction_of_bare']:.0%} of bare**; on the site's "
        f"workers after every page, {ratios['served_fraction_of_bare']:.0%}. Load on the box: {load}.",
        "",
        "| page | URLs | req/s | of bare | p50 ms | p95 ms | p99 ms | non-2xx | gunicorn CPU ms/req | other cores |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in ratios["rows"].items():
        lines.append(
            f"| {name} | {row['urls']:,} | {row['rps']:,} | {row['fraction_of_bare']:.0%} | {row['p50_ms']} "
            f"| {row['p95_ms']} | {row['p99_ms']} | {row['non_2xx']} | {row['server_cpu_ms']} "
            f"| {row['cpu'].get('other_cores')} |"
        )
    if cold:
        lines += [
            "",
            "## Cold pages, CPU in-process (nothing cached)",
            "",
            "Each URL drawn from the whole data set, the cache database emptied before each request; "
            "CPU time of the Django process (`time.process_time`), not PostgreSQL's or Redis's.",
            "",
            "| page | who | requests | CPU ms p50 | CPU ms p90 | wall ms p50 | SQL p50 | bytes p50 |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for page, who in cold.items():
            for kind, row in who.items():
                lines.append(
                    f"| {page} | {kind.replace('_', ' ')} | {row['requests']} | {row['cpu_ms_p50']} "
                    f"| {row['cpu_ms_p90']} | {row['wall_ms_p50']} | {row['queries_p50']} | {row['bytes_p50']:,} |"
                )
    return lines


def plot(ratios: dict, out: Path, scale: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(ratios["rows"])
    fractions = [ratios["rows"][name]["fraction_of_bare"] * 100 for name in names]
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(names) + 1.2))
    colors = ["#888" if name.startswith(BARE) else "#4a7" if "logged in" not in name else "#47a" for name in names]
    ax.barh(names[::-1], fractions[::-1], color=colors[::-1])
    ax.axvline(25, color="#c33", linestyle="--", linewidth=1)
    ax.set_xlabel("req/s as % of the bare-Django one-Redis-GET ceiling (same run, wrk)")
    fig.tight_layout()
    name = f"ratios-{scale}.png"
    fig.savefig(out / name, dpi=110)
    plt.close(fig)
    return name
