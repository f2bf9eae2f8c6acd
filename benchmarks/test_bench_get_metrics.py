"""Full ``get_metrics`` (nine metrics, oracle thresholds) at n = 100,000 with 20 anomaly
segments, against TSB-AD 1.5's ``get_metrics`` (the anchor) in the same run; every value must
equal the anchor's to 1e-9.

    python -m pytest benchmarks/test_bench_get_metrics.py --benchmark-only
"""
import pytest

from benchmarks.test_bench_vus import make_case
from tests.conftest import backend_params
from tsad_fast.metrics import get_metrics

_ANCHOR = {}


@pytest.fixture(scope="module")
def case(request):
    full = not request.config.getoption("benchmark_disable", False)
    return make_case(100_000 if full else 3_000, 20)


def test_anchor_tsbad(timed, case):
    tsb = pytest.importorskip("TSB_AD.evaluation.metrics", reason="TSB-AD 1.5 not installed")
    labels, score = case
    _ANCHOR["out"] = timed("get_metrics n=100k", "TSB-AD 1.5 (anchor)",
                           lambda: tsb.get_metrics(score, labels, slidingWindow=100),
                           anchor=True, rounds=1)


@pytest.mark.parametrize("backend", backend_params("vus_areas"))
def test_tsad_fast(timed, case, backend):
    labels, score = case
    get_metrics(score, labels, slidingWindow=100, backend=backend)  # warm-up
    out = timed("get_metrics n=100k", f"tsad_fast {backend}",
                lambda: get_metrics(score, labels, slidingWindow=100, backend=backend),
                rounds=1 if backend == "numpy" else 3)
    if "out" in _ANCHOR:
        for key, value in _ANCHOR["out"].items():
            assert out[key] == pytest.approx(float(value), abs=1e-9), key
