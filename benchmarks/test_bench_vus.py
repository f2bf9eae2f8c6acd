"""VUS-ROC + VUS-PR against TSB-AD 1.5's ``generate_curve(..., version='opt')`` (the anchor), in
the same run: n = 100,000 with 20 and with 200 anomaly segments, and n = 1,000,000 with 20;
slidingWindow = 100, 250 thresholds. Results must equal the anchor's to 1e-9. Peak memory of
the cpp kernel is measured in a fresh process (resident set growth) and printed.

    python -m pytest benchmarks/test_bench_vus.py --benchmark-only -s
"""
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import CPU_BACKENDS, backend_params
from tsad_fast.metrics import vus

CONFIGS = [(100_000, 20), (100_000, 200), (1_000_000, 20)]
BACKENDS = backend_params("vus_areas")
_ANCHOR = {}


def make_case(n, n_segments, seed=0):
    rng = np.random.default_rng(seed)
    labels = np.zeros(n, dtype=np.int64)
    for a in np.sort(rng.choice(n - 200, n_segments, replace=False)):
        labels[a:a + int(rng.integers(5, 150))] = 1
    return labels, rng.random(n) + 0.3 * labels


@pytest.fixture(scope="module", params=CONFIGS, ids=lambda c: f"n{c[0]}-seg{c[1]}")
def case(request):
    full = not request.config.getoption("benchmark_disable", False)
    n, n_segments = request.param if full else (5_000, 20)
    return (n, n_segments), make_case(n, n_segments)


def test_anchor_tsbad(timed, case):
    tsb = pytest.importorskip("TSB_AD.evaluation.basic_metrics", reason="TSB-AD 1.5 not installed")
    (n, segs), (labels, score) = case
    out = timed(f"vus n={n} segments={segs}", "TSB-AD 1.5 opt (anchor)",
                lambda: tsb.generate_curve(labels, score, 100, "opt", 250)[-2:], anchor=True,
                rounds=1)
    _ANCHOR[(n, segs)] = out


@pytest.mark.parametrize("backend", BACKENDS)
def test_tsad_fast(timed, case, backend):
    (n, segs), (labels, score) = case
    vus(labels, score, 100, backend=backend)  # warm-up
    out = timed(f"vus n={n} segments={segs}", f"tsad_fast {backend}",
                lambda: vus(labels, score, 100, backend=backend),
                rounds=1 if backend == "numpy" else 5)
    if (n, segs) in _ANCHOR:
        np.testing.assert_allclose(out, _ANCHOR[(n, segs)], rtol=0, atol=1e-9)


_PEAK = """
import resource, numpy as np
from benchmarks.test_bench_vus import make_case
from tsad_fast.metrics import vus
vus(*make_case(2000, 3), 100, backend="cpp")  # loads the extension and its allocator pools
labels, score = make_case({n}, {segs})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
vus(labels, score, 100, backend="cpp")
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


def test_peak_memory_cpp(full_size):
    if "cpp" not in CPU_BACKENDS:
        pytest.skip("cpp backend not built")
    n = 1_000_000 if full_size else 20_000
    out = subprocess.run([sys.executable, "-c", _PEAK.format(n=n, segs=20)], check=True,
                         capture_output=True, text=True)
    peak_mb = float(out.stdout.strip())
    print(f"\nVUS cpp peak resident growth at n={n}: {peak_mb:.1f} MB (beyond the 16 MB of inputs)")
    assert peak_mb < 200
