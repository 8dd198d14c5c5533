"""The CPU meter counts a process that starts and ends inside the measured phase."""

import subprocess
import sys

from bench.stack import CpuMeter

BURN = "import time\nwhile time.process_time() < 2.0: pass\n"


def test_a_process_born_and_gone_within_the_phase_is_counted():
    child: list[int] = []
    meter = CpuMeter({"burner": lambda _pids: child})
    result: dict = {}
    with meter.measure(result):
        proc = subprocess.Popen([sys.executable, "-c", BURN])
        child.append(proc.pid)
        proc.wait(timeout=60)
    cpu = result["cpu"]
    # 2 s of CPU, sampled every 0.5 s while it lived: at least the last sample's share.
    assert cpu["burner_cores"] * cpu["wall_s"] >= 1.0
