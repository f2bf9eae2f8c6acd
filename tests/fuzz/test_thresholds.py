"""Fuzz: the thresholds (the SPOT classes, spot_thresholds and the thresholder rules) on hostile
scores and presentations, and on streams near the ends of the float64 range on every backend:
the result for the canonical input, or a ValueError/TypeError naming the argument
(tests/fuzz/contract.py)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tsad_fast
from tests.fuzz.contract import assert_equal, canonical, check, outcome
from tests.fuzz.hostile import LENGTHS, hostile_arrays, parameters
from tests.fuzz.known import backends
from tests.fuzz.test_series import scaled_streams, spot_agrees
from tests.kernels.test_spot import assert_close_thresholds
from tsad_fast.compat import spot as spot_classes

CLASSES = {"SPOT": 0, "biSPOT": 0, "dSPOT": 5, "bidSPOT": 3}  # name: depth


def run_class(name, init, data, backend, q=1e-3, n_points=10, level=0.98, with_alarm=True):
    """fit / add / initialize / run of one SPOT class; ``init`` may be an array, a count or a
    fraction of ``data``."""
    depth = {"depth": CLASSES[name]} if CLASSES[name] else {}
    model = getattr(spot_classes, name)(q=q, n_points=n_points, compat=False, backend=backend,
                                        **depth)
    return model.fit(init, data).initialize(level, verbose=False).run(with_alarm)


def classes_agree(scale):
    """A ``same`` for the SPOT classes: the keys, the alarms and every threshold array (relative
    1e-6, as tests/kernels/test_spot.py's randomised comparison)."""
    def same(got, want):
        assert got.keys() == want.keys()
        np.testing.assert_array_equal(got["alarms"], want["alarms"])
        for key in set(want) - {"alarms"}:
            assert_close_thresholds(got[key], want[key], scale, 1e-6)
    return same


@pytest.mark.parametrize("backend", backends("spot_stream"))
@pytest.mark.parametrize("name", sorted(CLASSES))
@given(case=scaled_streams(), init_form=st.sampled_from(["array", "count", "fraction"]))
def test_spot_classes_on_scaled_streams(name, backend, case, init_form):
    """Streams near either end of the range, calibration given as an array, the number of
    leading values of the stream, or their share."""
    init, data, kwargs = case
    n = len(canonical(init))
    stream = np.concatenate([canonical(init).ravel(), canonical(data).ravel()])
    init = {"array": init, "count": n, "fraction": (n + 0.5) / stream.size}[init_form]
    data = data if init_form == "array" else stream
    args = {k: kwargs[k] for k in ("q", "n_points", "level")}
    want = outcome(lambda: run_class(name, canonical(init) if init_form == "array" else init,
                                     canonical(data), "numpy", **args))
    got = outcome(lambda: run_class(name, init, data, backend, **args))
    check(got, want, ("init_data", "data"), classes_agree(np.abs(stream).max()))


@pytest.mark.parametrize("name", sorted(CLASSES))
@given(init=st.sampled_from(LENGTHS + (200,)).flatmap(lambda n: hostile_arrays((n,))),
       data=st.sampled_from((0,) + LENGTHS[:6]).flatmap(lambda n: hostile_arrays((n,))),
       params=parameters({"q": ([1e-3, 0.1], [0.0, True]), "n_points": ([10, 4], [0]),
                          "level": ([0.5, 0.8], [1.0, "x"]), "with_alarm": ([True], [1])}))
def test_spot_classes_on_hostile_scores(name, init, data, params):
    """Hostile calibration values and streams (the reference backend: hostile values against
    the compiled ones are test_series.py's test_spot)."""
    want = outcome(lambda: run_class(name, canonical(init), canonical(data), "numpy", **params))
    got = outcome(lambda: run_class(name, init, data, "numpy", **params))
    scale = max(np.abs(canonical(init)).max(initial=0), np.abs(canonical(data)).max(initial=0))
    check(got, want, ("init_data", "data") + tuple(params), classes_agree(scale))


def harness(init, data, backend="numpy", **kwargs):
    """spot_thresholds and its single threshold (the mean of the per-point thresholds)."""
    result = tsad_fast.spot_thresholds(init, data, backend=backend, **kwargs)
    return result, result.threshold


def harness_agrees(init, data):
    """A ``same`` for ``harness``: test_series.py's comparison of the results, and the
    thresholds' means to the same tolerance."""
    def same(got, want):
        spot_agrees(canonical(init), canonical(data))(got[0], want[0])
        assert got[1] == pytest.approx(want[1], rel=1e-6)
    return same


@pytest.mark.parametrize("backend", backends("spot_stream"))
@given(case=scaled_streams())
def test_spot_thresholds_on_scaled_streams(backend, case):
    init, data, kwargs = case
    args = {k: kwargs[k] for k in ("q", "level", "n_points", "depth")}
    want = outcome(lambda: harness(canonical(init), canonical(data), **args))
    got = outcome(lambda: harness(init, data, backend, **args))
    check(got, want, ("init_scores", "scores"), harness_agrees(init, data))


@given(init=st.sampled_from(LENGTHS + (200,)).flatmap(lambda n: hostile_arrays((n,))),
       data=st.sampled_from((0,) + LENGTHS[:6]).flatmap(lambda n: hostile_arrays((n,))),
       params=parameters({"q": ([1e-3, 0.1], [0.0]), "level": ([0.5, 0.8], [1.0]),
                          "depth": ([0, 3], [-1])}))
def test_spot_thresholds_on_hostile_scores(init, data, params):
    """Hostile scores on the reference backend (against the compiled ones: test_series.py)."""
    want = outcome(lambda: harness(canonical(init), canonical(data), **params))
    check(outcome(lambda: harness(init, data, **params)), want,
          ("init_scores", "scores") + tuple(params), harness_agrees(init, data))


RULES = {
    "ThreeSigma": lambda: tsad_fast.ThreeSigma(),
    "Quantile": lambda: tsad_fast.Quantile(0.9),
    "Quantile extreme": lambda: tsad_fast.Quantile(5e-324),
    "Fixed": lambda: tsad_fast.Fixed(-1e308),
    "SPOTThreshold fit": lambda: tsad_fast.SPOTThreshold(level=0.5),
    "SPOTThreshold stream": lambda: tsad_fast.SPOTThreshold(level=0.5, mode="stream",
                                                            backend="numpy"),
}


def apply_rule(make, train, test):
    """(threshold of the training scores, threshold for ``test``, predictions of ``test``)."""
    rule = make().fit(train)
    return rule.threshold_, rule.threshold(test), rule.predict(test)


@pytest.mark.parametrize("rule", sorted(RULES))
@given(train=st.sampled_from(LENGTHS + (100,)).flatmap(lambda n: hostile_arrays((n,))),
       test=st.sampled_from(LENGTHS[:8]).flatmap(lambda n: hostile_arrays((n,))))
def test_thresholder_rules(rule, train, test):
    """Thresholds learned from hostile training scores, applied to hostile scored series."""
    want = outcome(lambda: apply_rule(RULES[rule], canonical(train), canonical(test)))
    got = outcome(lambda: apply_rule(RULES[rule], train, test))
    check(got, want, ("scores",), assert_equal)
