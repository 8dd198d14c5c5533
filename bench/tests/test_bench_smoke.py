"""`make bench SCALE=tiny` end to end: seed (or reuse) a tiny database, run the stack and Locust,
write the figures. A smoke test of the benchmark machinery, not a benchmark: no figure is
judged, only that every phase produced one. The three-node phase is left out (it starts a
private primary and replica and two more runs: about a minute of CPU); reliability/test_replica.py
covers the same topology.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LONG_TAIL_PAGES = {"home", "catalog search", "book", "debates list", "topic", "profile"}


@pytest.mark.slow
def test_tiny_bench_runs_end_to_end_and_writes_report_json_and_plots(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "bench.run", "--scale", "tiny", "--out", str(tmp_path), "--skip-three-node"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-4000:]

    results = json.loads((tmp_path / "results-tiny.json").read_text())
    for page, row in results["saturation"].items():
        assert row["requests"] > 0 and row["rps"] > 0, page
    assert results["saturation"]["ceiling redis"]["server_errors"] == 0
    mixed = results["mixed"]["pages"]["Aggregated"]
    assert mixed["requests"] > 0
    assert mixed["server_errors"] == 0, results["mixed"]["pages"]
    assert results["mixed"]["users_max"] == results["mixed"]["users_target"]
    for page, who in results["cache"].items():
        assert who["anonymous"]["status"] == 200, page
        assert who["anonymous"]["cold_queries"] >= who["anonymous"]["warm_queries"], page
    assert [level["counts"]["posts"] for level in results["growth"]] == [100, 1000, 10000]
    assert all(page["status"] == 200 for level in results["growth"] for page in level["pages"].values())
    assert all(results["stack_alive_at_end"].values())

    ratios = results["ratios"]["rows"]
    # A long-tail row may complete no request in its second on a busy box: no figure is judged.
    assert all(row["non_2xx"] == 0 for row in ratios.values()), ratios
    assert ratios["bare Django (1 Redis GET)"]["requests"] > 0 and ratios["project /__bench__/redis/"]["requests"] > 0
    assert {"book (logged in)", "topic, long tail (logged in)", "bare Django (1 Redis GET)"} <= set(ratios)
    assert {"project /__bench__/redis/, again", "bare Django (1 Redis GET), again"} <= set(ratios)
    assert {"project /__bench__/redis/, on the page workers", "own profile (logged in)"} <= set(ratios)
    assert results["ratios"]["project_fraction_of_bare"] > 0 and results["ratios"]["served_fraction_of_bare"] > 0
    assert all(row["cpu_ms_p50"] > 0 for who in results["cold"].values() for row in who.values())
    assert (tmp_path / "ratios-tiny.png").read_bytes().startswith(PNG_MAGIC)
    points = results["capacity"]["points"]
    assert points and all(point["held"] == point["readers"] and point["server_errors"] == 0 for point in points)
    # Each step says where gunicorn's CPU went (bench/cpu_wsgi.py), by the pages Locust asked for.
    assert all(sum(row["requests"] for row in point["cpu_by_page"]) > 0 for point in points)
    assert {row["page"] for point in points for row in point["cpu_by_page"]} <= {*LONG_TAIL_PAGES, "other"}
    assert (tmp_path / "capacity-tiny.png").read_bytes().startswith(PNG_MAGIC)

    report = (tmp_path / "report-tiny.md").read_text()
    assert "## Targets" in report and "ceiling" in report
    for plot in ("latency", "throughput", "ceiling", "cache", "growth"):
        assert (tmp_path / f"{plot}-tiny.png").read_bytes().startswith(PNG_MAGIC), plot
    assert (tmp_path / "profile-tiny.txt").stat().st_size > 0
