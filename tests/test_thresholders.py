"""Thresholder objects (tsad_fast.thresholds.rules): each rule against its definition, the
streaming SPOT harness against the SPOT kernel, string compatibility, copies, plain-value
state, bad parameters."""
import numpy as np
import pytest

from tsad_fast.kernels import spot
from tsad_fast.thresholds import (Fixed, Quantile, SPOTThreshold, ThreeSigma, Thresholder,
                                  as_thresholder)

TRAIN = np.random.default_rng(0).gamma(2.0, size=4000)
TEST = np.r_[np.random.default_rng(1).gamma(2.0, size=3000), 25.0, 30.0]


def test_rules_equal_their_definitions():
    assert ThreeSigma().fit(TRAIN).threshold_ == pytest.approx(TRAIN.mean() + 3 * TRAIN.std())
    assert Quantile(0.95).fit(TRAIN).threshold_ == pytest.approx(np.quantile(TRAIN, 0.95))
    assert Fixed(1.5).fit(TRAIN).threshold() == 1.5
    fitted = SPOTThreshold(q=1e-3, level=0.98).fit(TRAIN)
    assert fitted.threshold_ == spot(TRAIN, [], q=1e-3, level=0.98).upper_tail.initial_quantile
    assert fitted.threshold(TEST) == fitted.threshold_  # mode="fit": fixed


def test_stream_mode_is_the_scan_crossad_harness():
    rule = SPOTThreshold(mode="stream").fit(TRAIN)
    assert rule.threshold_ == pytest.approx(spot(TRAIN, TRAIN, q=1e-3, level=0.98).threshold)
    want = spot(TRAIN, TEST, q=1e-3, level=0.98).threshold  # mean of the per-point thresholds
    assert rule.threshold(TEST) == pytest.approx(want)
    np.testing.assert_array_equal(rule.predict(TEST), (TEST > want).astype(int))
    # the threshold depends on the scored series
    assert rule.threshold(TEST * 1.5) != pytest.approx(rule.threshold(TEST))


def test_strings_numbers_and_copies():
    assert isinstance(as_thresholder("3sigma"), ThreeSigma)
    assert isinstance(as_thresholder("spot"), SPOTThreshold)
    assert as_thresholder(0.5).fit(TRAIN).threshold_ == 0.5
    mine = Quantile(0.9)
    fresh = as_thresholder(mine.fit(TRAIN))
    assert fresh is not mine and not hasattr(fresh, "threshold_") and fresh.q == 0.9
    assert hasattr(mine, "threshold_")  # the caller's object is not reset either


def test_state_round_trip_is_plain_values():
    rule = SPOTThreshold(q=1e-3, mode="stream").fit(TRAIN)
    state = rule.to_state()
    assert state["name"] == "SPOTThreshold" and state["params"]["mode"] == "stream"
    back = Thresholder.from_state(state)
    assert back.threshold(TEST) == rule.threshold(TEST)
    with pytest.raises(ValueError, match="unknown thresholder"):
        Thresholder.from_state({"name": "Pickle", "params": {}, "fitted": {}})


@pytest.mark.parametrize("make,error,match", [
    (lambda: Quantile(1.5).fit(TRAIN), ValueError, "q"),
    (lambda: Fixed(np.nan).fit(TRAIN), ValueError, "value"),
    (lambda: SPOTThreshold(mode="batch").fit(TRAIN), ValueError, "mode"),
    (lambda: SPOTThreshold(level=0).fit(TRAIN), ValueError, "level"),
    (lambda: SPOTThreshold().fit(np.ones(100)), ValueError, "constant"),
    (lambda: ThreeSigma().fit([]), ValueError, "scores"),
    (lambda: ThreeSigma().predict(TEST), ValueError, "not fitted"),
    (lambda: as_thresholder("median"), ValueError, "threshold must be"),
    (lambda: as_thresholder(True), ValueError, "threshold must be"),
])
def test_bad_parameters(make, error, match):
    with pytest.raises(error, match=match):
        make()
