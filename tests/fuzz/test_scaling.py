"""Fuzz: results that must not depend on the scale of the data, under exact power-of-two
scalings from the subnormals to the top of the float64 range. Data lie on a grid of 2**-10 in
[-4, 4], so that every scaling here is exact: a result on the scaled data equals the result on
the data (scaled back where it carries units), or, only where the computation cannot be carried
out in float64 (the span or the squares overflow), is a ValueError naming the argument."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import backend_params
from tests.fuzz.contract import names_one_of, outcome
from tests.fuzz.hostile import LENGTHS
from tsad_fast import metrics
from tsad_fast.kernels import granular_balls, mv_mtf

GRID = 10  # data are integers times 2**-GRID, at most 4 in magnitude


def grid(rng, shape):
    return np.ldexp(rng.integers(-4 << GRID, (4 << GRID) + 1, size=shape).astype(float), -GRID)


def overflows(*arrays) -> bool:
    """Whether an array holds inf or spans more than the float64 range."""
    with np.errstate(over="ignore", invalid="ignore"):
        return any(not np.isfinite(np.ptp(a, axis=0)).all() for a in arrays)


def assert_scale_free(got, want, scaled, name):
    """``got`` (on the scaled data) is ``want``, or a ValueError naming ``name`` where the
    scaled data overflow."""
    if isinstance(got, Exception):
        assert isinstance(got, ValueError) and names_one_of(got, [name]), got
        assert overflows(scaled), f"{got!r} for data that do not overflow"
    else:
        assert got == want


@st.composite
def labelled_grid_scores(draw):
    n = draw(st.sampled_from(LENGTHS[2:]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    labels = np.zeros(n)
    start = int(rng.integers(0, n - 1))
    labels[start:start + int(rng.integers(1, max(2, n // 3)))] = 1.0
    labels[int(rng.integers(0, n))] = 1.0
    if labels.all():
        labels[0] = 0.0
    return labels, grid(rng, n) + labels


SCORE_METRICS = {
    "auc_roc": metrics.auc_roc, "auc_pr": metrics.auc_pr, "point_f1": metrics.point_f1,
    "pa_f1": metrics.pa_f1, "event_f1": metrics.event_f1, "range_f1": metrics.range_f1,
    "affiliation_f1": metrics.affiliation_f1,
    "vus": lambda labels, score: metrics.vus(labels, score, len(score) // 2),
    "range_auc": lambda labels, score: metrics.range_auc(labels, score, len(score) // 2),
    "get_metrics": lambda labels, score: metrics.get_metrics(score, labels, len(score) // 2),
}
# up to 2**1021 (the span of [-4, 5] then overflows) and 2**1022 (the largest value does)
POWERS = [-1000, -600, 600, 1000, 1019, 1020, 1021, 1022]


@pytest.mark.parametrize("name", sorted(SCORE_METRICS))
@given(case=labelled_grid_scores(), power=st.sampled_from(POWERS))
def test_score_metrics_are_scale_free(name, case, power):
    labels, score = case
    metric = SCORE_METRICS[name]
    scaled = np.ldexp(score, power)
    assert_scale_free(outcome(lambda: metric(labels, scaled)), metric(labels, score), scaled,
                      "score")


@given(seed=st.integers(0, 2**32 - 1), period=st.integers(5, 60),
       power=st.sampled_from([-1064, -1000, -600, -200, 200, 600, 1000, 1021]))
def test_find_length_rank_is_scale_free(seed, period, power):
    """A noisy periodic series at every scale down to the smallest subnormal (2**-1074)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(rng.integers(200, 600)))
    x = np.ldexp(np.round(3 * 2**GRID * np.sin(2 * np.pi * t / period)
                          + rng.integers(-2**GRID, 2**GRID, t.size)), -GRID)
    assert metrics.find_length_rank(np.ldexp(x, power)) == metrics.find_length_rank(x)


@pytest.mark.parametrize("backend", backend_params("mtf_field"))
@given(seed=st.integers(0, 2**32 - 1), n=st.sampled_from(LENGTHS[1:]), c=st.integers(1, 3),
       power=st.sampled_from([1, 200, 1000, 1021, 1022]))
def test_mv_mtf_is_scale_free_upwards(backend, seed, n, c, power):
    """The quantile bins scale with the data (their merge tolerance is absolute, 1e-8, so only
    upwards: grid data have no gaps below 2**-13). The data lie in +-[2.25, 3.25], so that at
    2**1022 neighbours of opposite signs are more than the float64 range apart."""
    rng = np.random.default_rng(seed)
    X = grid(rng, (n, c)) / 8 + np.where(rng.random((n, c)) < 0.5, -2.75, 2.75)
    scaled = np.ldexp(X, power)
    got = outcome(lambda: mv_mtf(scaled, backend=backend))
    assert_scale_free(got if isinstance(got, Exception) else got.tolist(),
                      mv_mtf(X, backend=backend).tolist(), scaled, "X")


@settings(max_examples=10)
@given(seed=st.integers(0, 2**32 - 1), n=st.sampled_from(LENGTHS[3:]), d=st.integers(1, 3),
       power=st.sampled_from([-400, 400, 500, 600]), rule=st.sampled_from(["dm", "density"]))
def test_granular_balls_are_scale_free(seed, n, d, power, rule):
    """Same balls, radii and centers scaled: every comparison of the construction is between
    quantities that scale together. At 2**600 the squared distances overflow (a ValueError)
    unless every point is the same."""
    Z = grid(np.random.default_rng(seed), (n, d))
    want = granular_balls(Z, min_support=2, seed=seed, rule=rule)
    got = outcome(lambda: granular_balls(np.ldexp(Z, power), min_support=2, seed=seed,
                                         rule=rule))
    if power == 600 and np.ptp(Z, axis=0).any():
        assert isinstance(got, ValueError) and names_one_of(got, ["Z"]), got
        return
    np.testing.assert_array_equal(got.labels, want.labels)
    np.testing.assert_array_equal(got.centers, np.ldexp(want.centers, power))
    np.testing.assert_array_equal(got.radii, np.ldexp(want.radii, power))
