"""The mixed scenario of bench/locustfile.py, with every request kept (time, name, ms, ok)
so bench/imports.py can cut the run into windows: before, during and after the import wave.

Requests of logged-in readers are kept under "<page> (logged in)": anonymous readers get the
whole-page cache, logged-in ones a rendered page, and the wave may treat them differently.
"""

import csv
import os
import time

from locust import events

from bench.locustfile import Reader

RECORDS: list[tuple[float, str, float, int]] = []
OUT = os.environ.get("BENCH_RECORDS")


class WaveReader(Reader):
    def get(self, name: str, url: str):
        super().get(name if self.session is None else f"{name} (logged in)", url)


@events.request.add_listener
def _keep(name, response_time, exception, **_kwargs):
    RECORDS.append((time.time(), name, response_time, 0 if exception else 1))


@events.quit.add_listener
def _write(**_kwargs):
    if OUT:
        with open(OUT, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["t", "name", "ms", "ok"])
            writer.writerows(RECORDS)
