"""Ctrl-C during a long compiled kernel call raises KeyboardInterrupt within a second, and the
kernel gives correct results afterwards (the child process sends itself SIGINT mid-call; see
interrupt_child.py)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tsad_fast import _backend

KERNELS = ["vus_areas", "spot", "affiliation_sweep", "nearest_center", "kmeans_assign",
           "granular_balls"]

pytestmark = pytest.mark.skipif(not _backend.is_available("cpp"),
                                reason=str(_backend.unavailable_reason("cpp")))


@pytest.fixture(scope="module")
def outcomes():
    child = Path(__file__).with_name("interrupt_child.py")
    done = subprocess.run([sys.executable, str(child), *KERNELS], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    return {row["kernel"]: row for row in rows}


@pytest.mark.parametrize("kernel", KERNELS)
def test_ctrl_c_stops_the_kernel(outcomes, kernel):
    row = outcomes[kernel]
    assert row["outcome"] == "KeyboardInterrupt", row
    assert row["latency_s"] < 1.0, row
    assert row["still_correct"], row
