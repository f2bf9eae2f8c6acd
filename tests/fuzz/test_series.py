"""Fuzz: the series kernels (vus_areas, affiliation_sweep, mv_mtf and MVMTF, spot) on hostile
values, lengths, labels, windows and presentations, every backend against the NumPy reference
on the canonical input (tests/fuzz/contract.py)."""
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.conftest import backend_params, make_stream
from tests.fuzz.contract import assert_close, canonical, check, outcome
from tests.fuzz.hostile import (LENGTHS, hostile_arrays, labelled_scores, parameters, presented,
                                 windows)
from tests.fuzz.known import SPOT_RANGE_ENDS, SPOT_WIDE_PEAKS, backends
from tests.kernels.test_spot import assert_same
from tsad_fast.kernels import MVMTF, affiliation_sweep, mv_mtf, spot, vus_areas


@pytest.mark.parametrize("backend", backend_params("vus_areas"))
@given(case=labelled_scores(), data=st.data())
def test_vus_areas(backend, case, data):
    labels, score = case
    args = data.draw(parameters({"n_thresholds": ([1, 2, 7, 250, len(labels) + 1],
                                                  [0, -1, True, 2.5])}))
    args["sliding_window"] = data.draw(windows(len(labels)))
    want = outcome(lambda: vus_areas(canonical(labels), canonical(score), **args, backend="numpy"))
    got = outcome(lambda: vus_areas(labels, score, **args, backend=backend))
    check(got, want, ("labels", "score", "sliding_window", "n_thresholds"), assert_close())


def sweep_is_finite(score, thresholds):
    """A ``finite`` for affiliation_sweep: recall finite; precision NaN exactly where
    ``score > threshold`` predicts nothing (documented), finite elsewhere."""
    def finite(result):
        precision, recall = result
        assert np.isfinite(recall).all()
        nothing = ~(score.reshape(-1)[:, None] > thresholds.reshape(-1)[None, :]).any(axis=0)
        np.testing.assert_array_equal(np.isnan(precision), nothing)
        assert np.isfinite(precision[~nothing]).all()
    return finite


@pytest.mark.parametrize("backend", backend_params("affiliation_sweep"))
@given(case=labelled_scores(), thresholds=st.sampled_from(LENGTHS[:6]).flatmap(
    lambda m: st.sampled_from([(m,)] * 8 + [(0,), (m, 2)])).flatmap(hostile_arrays))
def test_affiliation_sweep(backend, case, thresholds):
    labels, score = case
    want = outcome(lambda: affiliation_sweep(canonical(labels), canonical(score),
                                             canonical(thresholds), backend="numpy"))
    got = outcome(lambda: affiliation_sweep(labels, score, thresholds, backend=backend))
    check(got, want, ("labels", "score", "thresholds"), assert_close(),
          finite=sweep_is_finite(canonical(score), canonical(thresholds)))


@st.composite
def mtf_args(draw):
    """(X, parameters of mv_mtf): X (n, c) hostile, omega "mean", "reference" or a hostile
    (c, c) array, at most one other parameter invalid."""
    n, c = draw(st.sampled_from(LENGTHS)), draw(st.integers(1, 4))
    X = draw(hostile_arrays(draw(st.sampled_from([(n, c)] * 10 + [(n,), (n, c, 1)]))))
    params = draw(parameters({"alpha": ([0.0, 0.5, 0.9, 1.0], [1.5, np.nan, True]),
                              "bins": ([range(6, 12), [2], [2, 3, 200]], [[1], [], 5]),
                              "omega": (["mean", "reference", "array", "array"], ["median"])}))
    if params["omega"] == "array":
        params["omega"] = draw(hostile_arrays((c, c)))
    return X, params


MTF_NAMES = ("X", "alpha", "bins", "omega")


@pytest.mark.parametrize("backend", backend_params("mtf_field"))
@given(case=mtf_args())
def test_mv_mtf(backend, case):
    X, params = case
    reference = dict(params, omega=canonical(params["omega"]))
    want = outcome(lambda: mv_mtf(canonical(X), **reference, backend="numpy"))
    got = outcome(lambda: mv_mtf(X, **params, backend=backend))
    check(got, want, MTF_NAMES, assert_close(rtol=1e-12, atol=1e-15))


@pytest.mark.parametrize("backend", backend_params("mtf_field"))
@given(case=mtf_args(), data=st.data())
def test_mvmtf_transforms_new_data(backend, case, data):
    """MVMTF fitted on one hostile series transforms another (same or other variables)."""
    X, params = case
    shape = np.shape(canonical(X))
    new = data.draw(hostile_arrays((data.draw(st.sampled_from(LENGTHS)),) + shape[1:]))
    reference = dict(params, omega=canonical(params["omega"]))

    def run(model, train, test):
        return model.fit(train).transform(test)

    want = outcome(lambda: run(MVMTF(**reference, backend="numpy"), canonical(X),
                               canonical(new)))
    got = outcome(lambda: run(MVMTF(**params, backend=backend), X, new))
    check(got, want, MTF_NAMES, assert_close(rtol=1e-12, atol=1e-15))


VARIANTS = {"spot": (0, False), "bispot": (0, True), "dspot": (5, False), "bidspot": (3, True)}


@st.composite
def spot_args(draw):
    """(init_data, data, keyword arguments of spot): hostile calibration values and stream,
    a SPOT variant, at most a few invalid or extreme parameters."""
    init = draw(hostile_arrays(draw(st.sampled_from([(n,) for n in LENGTHS] + [(0,), (9, 2)]))))
    stream = draw(hostile_arrays((draw(st.sampled_from((0,) + LENGTHS[:9])),)))
    depth, two_sided = VARIANTS[draw(st.sampled_from(sorted(VARIANTS)))]
    kwargs = draw(parameters({
        "depth": ([depth], [-1, np.size(init)]), "two_sided": ([two_sided], [1]),
        "q": ([1e-3, 0.1, 5e-324, 1 - 2**-53], [0, 1, np.nan, True]),
        "level": ([0.5, 0.8, 0.98, 5e-324], [0.0, 1.0, "0.9"]),
        "n_points": ([1, 10], [0, True]),
        "with_alarm": ([True, False], [None]), "compat": ([False, True], [0])}))
    return init, stream, kwargs


def spot_agrees(init, stream):
    """A ``same`` for spot: tests/kernels/test_spot.py's comparison of the thresholds, alarms and
    tail fits (relative 1e-6, the randomised test's tolerance)."""
    scale = max(np.abs(init).max(initial=0.0), np.abs(stream).max(initial=0.0), 2.0**-1074)
    return lambda got, want: assert_same(got, want, scale, rtol=1e-6)


@pytest.mark.parametrize("backend", backends(
    "spot_stream", cpp=SPOT_WIDE_PEAKS, numba=SPOT_WIDE_PEAKS))
@given(case=spot_args())
@example(case=(np.r_[np.arange(10.0), 1e9], np.empty(0), {"level": 0.5, "n_points": 1}))
@example(case=(np.r_[np.zeros(4), 1.0, 1e100], np.empty(0), {"q": 0.1, "level": 0.5}))
def test_spot(backend, case):
    init, stream, kwargs = case
    want = outcome(lambda: spot(canonical(init), canonical(stream), **kwargs, backend="numpy"))
    got = outcome(lambda: spot(init, stream, **kwargs, backend=backend))
    check(got, want, ("init_data", "data") + tuple(kwargs),
          spot_agrees(canonical(init), canonical(stream)))


@st.composite
def scaled_streams(draw):
    """(init_data, data, keyword arguments): a seeded stream (tests/conftest.py) times a power
    of two from 2**-900 to 2**900, in float64 presentations, any variant and level."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(["normal", "exponential", "pareto", "drift"]))
    series = np.ldexp(make_stream(kind, int(rng.integers(2**31)), 300),
                      draw(st.sampled_from([-900, -500, 0, 500, 900])))
    depth, two_sided = VARIANTS[draw(st.sampled_from(sorted(VARIANTS)))]
    kwargs = {"depth": depth, "two_sided": two_sided, "level": draw(st.sampled_from([0.9, 0.98])),
              "q": draw(st.sampled_from([1e-2, 1e-3])), "n_points": draw(st.sampled_from([4, 10]))}
    exact = ("<f8", ">f8")  # values kept: float32 would overflow, integers truncate
    return (draw(presented(series[:250], dtypes=exact)),
            draw(presented(series[250:], dtypes=exact)), kwargs)


@pytest.mark.parametrize("backend", backends("spot_stream"))
@given(case=scaled_streams())
def test_spot_on_scaled_streams(backend, case):
    """Ordinary streams near the top and the bottom of the float64 range: every backend gives
    the reference's thresholds, alarms and fits."""
    init, stream, kwargs = case
    want = outcome(lambda: spot(canonical(init), canonical(stream), **kwargs, backend="numpy"))
    got = outcome(lambda: spot(init, stream, **kwargs, backend=backend))
    check(got, want, ("init_data", "data"), spot_agrees(canonical(init), canonical(stream)))


@pytest.mark.parametrize("backend", backends("spot_stream", numpy=SPOT_RANGE_ENDS,
                                             numba=SPOT_RANGE_ENDS))
@pytest.mark.parametrize("power", [-1000, 1000])
def test_spot_is_scale_equivariant_at_the_range_ends(backend, power):
    """The default likelihood is scale-equivariant: data times 2**+-1000 (exact) give the
    thresholds times 2**+-1000."""
    series = make_stream("normal", 1, 3000)
    scaled = np.ldexp(series, power)
    want = spot(series[:2000], series[2000:], q=1e-3, backend=backend)
    got = spot(scaled[:2000], scaled[2000:], q=1e-3, backend=backend)
    np.testing.assert_allclose(np.ldexp(got.upper, -power), want.upper, rtol=1e-9)
    assert got.upper_tail.gamma == pytest.approx(want.upper_tail.gamma, rel=1e-9)
