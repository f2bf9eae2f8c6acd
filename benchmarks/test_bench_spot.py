"""SPOT: calibration 10,000 + stream 100,000 points of N(0, 1), q = 1e-4, level = 0.98,
against the reference spot.py (ads-evt) as the anchor; every backend's alarms must equal the
anchor's (compat=True, SPEC 1.4).

    python -m pytest benchmarks/test_bench_spot.py --benchmark-only
"""
import numpy as np
import pytest

from tests.conftest import backend_params
from tsad_fast.kernels import spot

GROUP = "spot: init 10k + stream 100k"
_ANCHOR = {}  # the anchor's output, filled by the first test of this module


@pytest.fixture(scope="module")
def stream(request):
    full = not request.config.getoption("benchmark_disable", False)
    n_init, n = (10_000, 100_000) if full else (5_000, 3_000)
    series = np.random.default_rng(2024).normal(size=n_init + n)
    return series[:n_init], series[n_init:]


def test_anchor_ads_evt(timed, stream):
    ads_evt = pytest.importorskip("ads_evt", reason="ads-evt (the anchor) is not installed")

    def run():
        model = ads_evt.SPOT(q=1e-4)
        model.fit(*stream)
        model.initialize(level=0.98)
        return model.run()

    _ANCHOR["out"] = timed(GROUP, "ads-evt 0.0.4 (anchor)", run, anchor=True, rounds=1)
    assert len(_ANCHOR["out"]["thresholds"]) == stream[1].size


@pytest.mark.parametrize("backend", backend_params("spot_stream"))
def test_tsad_fast(timed, stream, backend):
    def run():
        return spot(*stream, q=1e-4, compat=True, backend=backend)

    run()  # warm-up: numba compilation and caches
    result = timed(GROUP, f"tsad_fast {backend}", run, rounds=1 if backend == "numpy" else 5)
    if "out" in _ANCHOR:
        anchor = _ANCHOR["out"]
        np.testing.assert_array_equal(result.alarms, np.asarray(anchor["alarms"], dtype=np.int64))
        # the anchor's Grimshaw roots are approximate (tests/test_thresholds.py); 1e-2 here
        np.testing.assert_allclose(result.upper, anchor["thresholds"], rtol=1e-2)
