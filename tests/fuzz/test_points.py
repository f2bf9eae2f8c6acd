"""Fuzz: the point kernels (nearest_center, kmeans_assign, granular_balls, gb_dm, gb_split) on
hostile values, shapes at the tile and block edges and hostile presentations, every backend
against the NumPy reference on the canonical input (tests/fuzz/contract.py)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import backend_params
from tests.fuzz.contract import assert_equal, assert_finite, canonical, check, outcome
from tests.fuzz.hostile import LENGTHS, LONG_LENGTHS, hostile_arrays, parameters
from tsad_fast.kernels import gb_dm, gb_split, granular_balls, kmeans_assign, nearest_center

SUBNORMAL = 2.0 ** -1074


@st.composite
def points_and_centers(draw):
    """(points, centers): (m >= 0, d) and (k, d) at the tile edges, or a wrong shape."""
    d, m = draw(st.sampled_from(LENGTHS[:8])), draw(st.sampled_from((0,) + LENGTHS))
    k = draw(st.sampled_from(LENGTHS + LONG_LENGTHS))
    shapes = draw(st.sampled_from(["ok"] * 20 + ["1-D", "3-D", "columns", "no columns"]))
    p_shape, c_shape = {"1-D": ((m,), (k, d)), "3-D": ((m, d), (k, d, 1)),
                        "columns": ((m, d), (k, d + 1)),
                        "no columns": ((m, 0), (k, 0))}.get(shapes, ((m, d), (k, d)))
    return draw(hostile_arrays(p_shape)), draw(hostile_arrays(c_shape))


def nearest_is_exact(Q, C):
    """A ``same`` for nearest_center: on each side, the chosen center's true squared distance
    is the smallest up to the rounding of the dot form (1e-12 of the squared norms, and units
    of 2**-1074 where the squares are subnormal), and the returned distance is it."""
    def same(got, want):
        true = ((Q[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
        norms = np.sum(Q * Q, axis=1)[:, None] + np.sum(C * C, axis=1)[None, :]
        tol = 1e-12 * norms.max(initial=0.0) + (4 * Q.shape[1] + 8) * SUBNORMAL
        rows = np.arange(Q.shape[0])
        for distances, indices in (got, want):
            assert indices.dtype == np.int64 and indices.shape == distances.shape == rows.shape
            chosen = true[rows, indices]
            assert np.all(chosen <= true.min(axis=1, initial=np.inf) + tol)
            np.testing.assert_allclose(distances ** 2, chosen, rtol=0, atol=tol)
    return same


@pytest.mark.parametrize("backend", backend_params("nearest_center"))
@given(case=points_and_centers())
def test_nearest_center(backend, case):
    Q, C = case
    want = outcome(lambda: nearest_center(canonical(Q), canonical(C), backend="numpy"))
    got = outcome(lambda: nearest_center(Q, C, backend=backend))
    check(got, want, ("Q", "C"), nearest_is_exact(canonical(Q), canonical(C)))


def nearest_is_close_in_float32(Q, C):
    """A ``same`` for nearest_center(dtype="float32"): the chosen center's true squared distance
    (of the float32-rounded rows) is the smallest up to float32 rounding (1e-5 of the squared
    norms, and units of the smallest float32 where the squares underflow), and the returned
    distance is it to float32 precision."""
    with np.errstate(over="ignore"):  # beyond float32 the search refuses the input anyway
        Q, C = Q.astype(np.float32).astype(np.float64), C.astype(np.float32).astype(np.float64)

    def same(got, want):
        true = ((Q[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
        norms = np.sum(Q * Q, axis=1)[:, None] + np.sum(C * C, axis=1)[None, :]
        tol = 1e-5 * norms.max(initial=0.0) + (4 * Q.shape[1] + 8) * 2.0 ** -126
        rows = np.arange(Q.shape[0])
        for distances, indices in (got, want):
            assert indices.dtype == np.int64 and distances.dtype == np.float32
            assert indices.shape == distances.shape == rows.shape
            chosen = true[rows, indices]
            assert np.all(chosen <= true.min(axis=1, initial=np.inf) + tol)
            np.testing.assert_allclose(distances.astype(np.float64) ** 2, chosen, rtol=0, atol=tol)
    return same


@pytest.mark.parametrize("backend", backend_params("nearest_center_f32"))
@given(case=points_and_centers())
def test_nearest_center_float32(backend, case):
    Q, C = case
    want = outcome(lambda: nearest_center(canonical(Q), canonical(C), backend="numpy",
                                          dtype="float32"))
    got = outcome(lambda: nearest_center(Q, C, backend=backend, dtype="float32"))
    check(got, want, ("Q", "C"), nearest_is_close_in_float32(canonical(Q), canonical(C)))


@pytest.mark.parametrize("backend", backend_params("kmeans_assign"))
@given(case=points_and_centers())
def test_kmeans_assign_is_bit_identical(backend, case):
    X, centers = case
    want = outcome(lambda: kmeans_assign(canonical(X), canonical(centers), backend="numpy"))
    got = outcome(lambda: kmeans_assign(X, centers, backend=backend))
    check(got, want, ("X", "centers"), assert_equal)


BALL_PARAMS = {  # name: (valid values, invalid values)
    "min_support": ([1, 2, 3, 8], [0, True, 1.5]),
    "prune_kappa": ([0.0, 2.0, 1e308], [np.inf, np.nan, -1.0]),
    "seed": ([0, 2024, 2**64 - 1], [2**64, -1, True]),
    "coarse_tol": ([0.0, 1e-4, 1e308], [np.nan, -1e-4]),
    "rule": (["dm", "density"], ["kmeans", None]),
    "split_size": ([2, 20], [1, 2.5]),
    "radius_factor": ([0.5, 2.0, 1e308], [0.0, np.nan, np.inf]),
}


@st.composite
def ball_points(draw):
    """Points (n, d) of the ball construction, or a wrong shape (1-D, no rows)."""
    n = draw(st.sampled_from(LENGTHS + LONG_LENGTHS[:1]))
    shape = draw(st.sampled_from([(n, draw(st.sampled_from(LENGTHS[:6])))] * 10 + [(n,), (0, 2)]))
    return draw(hostile_arrays(shape))


@pytest.mark.parametrize("backend", backend_params("granular_balls"))
@settings(max_examples=12)
@given(Z=ball_points(), params=parameters(BALL_PARAMS))
def test_granular_balls_are_bit_identical(backend, Z, params):
    want = outcome(lambda: granular_balls(canonical(Z), **params, backend="numpy"))
    got = outcome(lambda: granular_balls(Z, **params, backend=backend))
    check(got, want, ("Z",) + tuple(params), assert_equal)


@given(X=ball_points())
def test_gb_dm(X):
    check(outcome(lambda: gb_dm(X)), outcome(lambda: gb_dm(canonical(X))), ("X",), assert_equal)


def split_is_finite(result):
    """Labels 0/1, finite DMs; the weighted DM is inf exactly when a child is empty."""
    labels, parent, weighted = result
    assert set(np.unique(labels)) <= {0, 1}
    assert_finite(parent)
    if np.unique(labels).size == 1:
        assert weighted == np.inf
    else:
        assert_finite(weighted)


@given(X=ball_points(), params=parameters({"seed": ([0, 7, 2**64 - 1], [-1, 2**64]),
                                           "key": ([0, 1, 2**40], [-1, 1.0])}))
def test_gb_split(X, params):
    want = outcome(lambda: gb_split(canonical(X), **params))
    got = outcome(lambda: gb_split(X, **params))
    check(got, want, ("X", "seed", "key"), assert_equal, finite=split_is_finite)
