"""TSB-AD's own evaluation flow (its main.py after the detector: a boolean 3-sigma ``pred`` and
``get_metrics``) on the bundled UCR series, unmodified TSB-AD 1.5 (the anchor) against the
same code after ``tsad_fast.compat.tsb_ad.accelerate()``; the result dicts must agree to 1e-9.

    python -m pytest benchmarks/test_bench_accelerate.py --benchmark-only
"""
import numpy as np
import pytest

from tests.test_compat import restore_swapped_functions, tsb_ad_flow  # noqa: F401  (fixture)
from tsad_fast.compat.tsb_ad import accelerate
from tsad_fast.datasets import bundled_ucr

_ANCHOR = {}
GROUP = "TSB-AD main.py flow, UCR 7.5k"


@pytest.fixture(scope="module")
def series(request):
    ucr = bundled_ucr()
    if request.config.getoption("benchmark_disable", False):
        return ucr.values[2500:5500], ucr.labels[2500:5500]
    return ucr.values, ucr.labels


def test_anchor_tsbad(timed, series):
    tsb = pytest.importorskip("TSB_AD.evaluation.metrics", reason="TSB-AD 1.5 not installed")
    _ANCHOR["out"] = timed(GROUP, "TSB-AD 1.5 (anchor)",
                           lambda: tsb_ad_flow(tsb.get_metrics, *series), anchor=True, rounds=1)


def test_accelerated(timed, series):
    tsb = pytest.importorskip("TSB_AD.evaluation.metrics", reason="TSB-AD 1.5 not installed")
    accelerate()
    out = timed(GROUP, "after accelerate()", lambda: tsb_ad_flow(tsb.get_metrics, *series))
    for key, value in _ANCHOR.get("out", {}).items():
        assert out[key] == pytest.approx(float(value), abs=1e-9), key
    assert np.isfinite(list(out.values())).all()
