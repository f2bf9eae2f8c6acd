"""Thresholder objects (tsad_fast.thresholds.rules): each rule against its definition, the
streaming SPOT harness against the SPOT kernel, string compatibility, copies, plain-value
state, bad parameters."""
import numpy as np
import pytest

from tsad_fast.kernels import spot
from hypothesis import given, settings
from hypothesis import strategies as st

from tsad_fast.thresholds import (BestF1, Fixed, Quantile, SPOTThreshold, ThreeSigma,
                                  Thresholder, as_thresholder)

TRAIN = np.random.default_rng(0).gamma(2.0, size=4000)
TEST = np.r_[np.random.default_rng(1).gamma(2.0, size=3000), 25.0, 30.0]


def test_rules_equal_their_definitions():
    assert ThreeSigma().fit(TRAIN).threshold_ == pytest.approx(TRAIN.mean() + 3 * TRAIN.std())
    assert Quantile(0.95).fit(TRAIN).threshold_ == pytest.approx(np.quantile(TRAIN, 0.95))
    assert Fixed(1.5).fit(TRAIN).threshold() == 1.5
    fitted = SPOTThreshold(q=1e-3, level=0.98).fit(TRAIN)
    assert fitted.threshold_ == spot(TRAIN, [], q=1e-3, level=0.98).upper_tail.initial_quantile
    assert fitted.threshold(TEST) == fitted.threshold_  # mode="fit": fixed


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 80), st.integers(0, 2**31), st.booleans())
def test_best_f1_cut_against_every_cut(n, seed, ties):
    """The cut's F1 equals the best F1 of ``scores > t`` over every distinct t (and a cut
    below them all), and it lies strictly between two distinct scores."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 5, n).astype(float) if ties else rng.normal(size=n)
    labels = (rng.random(n) < 0.3).astype(int)
    labels[0], labels[-1] = 0, 1

    def f1(pred):
        tp = np.sum(pred & (labels == 1))
        return 0.0 if tp == 0 else 2 * tp / (pred.sum() + labels.sum())

    cut = BestF1().fit(scores, labels).threshold_
    candidates = np.r_[np.unique(scores), scores.min() - 1]
    assert f1(scores > cut) == pytest.approx(max(f1(scores > t) for t in candidates))
    assert not np.isin(cut, scores)


def test_best_f1_needs_labels():
    with pytest.raises(ValueError, match="labelled scores"):
        BestF1().fit(TRAIN)
    with pytest.raises(ValueError, match="no anomaly"):
        BestF1().fit(TRAIN, np.zeros(TRAIN.size))
    assert isinstance(as_thresholder("best-f1"), BestF1)
    rule = BestF1().fit([0.1, 0.2, 0.9], [0, 0, 1])
    assert rule.threshold_ == pytest.approx(0.55)
    assert Thresholder.from_state(rule.to_state()).threshold_ == rule.threshold_


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
