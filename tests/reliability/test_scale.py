"""Memory at scale (each case in a fresh process, tests/reliability/scale_child.py): the VUS
areas, get_metrics and SPOT use O(n) memory with a small constant (no n x thresholds matrix:
250 thresholds would be 2,000 bytes a point), and a window detector scores a long series in
blocks (its flattened windows would be 4 x window x c bytes a point: 15,200 here)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = Path(__file__).with_name("scale_child.py")


def measured(case, n):
    done = subprocess.run([sys.executable, str(CHILD), case, str(n)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case, n, bound", [
    ("vus_areas", 2_000_000, 100),
    ("get_metrics", 1_000_000, 200),
    ("spot", 200_000, 100),
])
def test_metrics_and_spot_memory_is_linear_with_a_small_constant(case, n, bound):
    row = measured(case, n)
    assert row["bytes_per_point"] < bound, row


def test_a_window_baseline_scores_a_long_series_in_blocks():
    pytest.importorskip("sklearn")
    row = measured("pca", 30_000)
    assert row["bytes_per_point"] < 4 * 100 * 38 / 2, row
