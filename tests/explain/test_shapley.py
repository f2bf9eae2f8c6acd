"""Shapley values: Kernel SHAP with every coalition equals the brute-force definition on a small
nonlinear model; sampled Kernel SHAP keeps the efficiency property and approaches the exact
values; linear models have the closed form w_i (x_i - mean background_i)."""
import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tsad_fast.explain import exact_shapley, kernel_shap


def small_mlp(c, seed):
    rng = np.random.default_rng(seed)
    W1, b1, w2 = rng.normal(size=(c, 6)), rng.normal(size=6), rng.normal(size=6)
    return lambda rows: np.tanh(rows @ W1 + b1) @ w2 + 0.3 * rows[:, 0] * rows[:, -1]


@given(seed=st.integers(0, 2**32 - 1), c=st.integers(1, 8), m=st.integers(1, 6))
def test_kernel_shap_with_all_coalitions_is_exact(seed, c, m):
    rng = np.random.default_rng(seed)
    f = small_mlp(c, seed)
    x, background = rng.normal(size=c), rng.normal(size=(m, c))
    exact = exact_shapley(f, x, background)
    np.testing.assert_allclose(kernel_shap(f, x, background), exact, rtol=1e-8, atol=1e-10)
    # efficiency: the values add up to f(x) - mean f(background)
    assert exact.sum() == pytest.approx(f(x[None])[0] - f(background).mean(), abs=1e-10)


def brute_force_shapley(f, x, background):
    """The definition, one row at a time: phi_i = sum_S |S|!(c-|S|-1)!/c! (v(S+i) - v(S))."""
    c = x.size

    def v(members):
        return np.mean([f(np.where(np.isin(np.arange(c), members), x, b)[None])[0]
                        for b in background])

    phi = np.zeros(c)
    for i in range(c):
        others = [j for j in range(c) if j != i]
        for size in range(c):
            weight = math.factorial(size) * math.factorial(c - size - 1) / math.factorial(c)
            for S in itertools.combinations(others, size):
                phi[i] += weight * (v(list(S) + [i]) - v(list(S)))
    return phi


@given(seed=st.integers(0, 2**32 - 1), c=st.integers(2, 6), m=st.integers(1, 4))
def test_rows_repeated_across_coalitions_go_through_f_once(seed, c, m):
    """x agrees with the background on some features (SMD's constant columns), so coalitions
    that differ only there give the same rows: f sees each once and the values stay exact."""
    rng = np.random.default_rng(seed)
    f = small_mlp(c, seed)
    background = rng.normal(size=(m, c))
    x = rng.normal(size=c)
    shared = rng.random(c) < 0.5
    x[shared] = background[0, shared]
    background[:, shared] = x[shared]
    seen = []

    def recording(rows):
        seen.append(rows.copy())
        return f(rows)

    values = kernel_shap(recording, x, background)
    for call in seen:
        assert len(np.unique(call, axis=0)) == len(call)
    np.testing.assert_allclose(values, brute_force_shapley(f, x, background), rtol=1e-8,
                               atol=1e-10)
    np.testing.assert_allclose(values[shared], 0.0, atol=1e-10)


def test_linear_model_closed_form():
    rng = np.random.default_rng(1)
    w = rng.normal(size=5)
    x, background = rng.normal(size=5), rng.normal(size=(4, 5))
    expected = w * (x - background.mean(axis=0))
    np.testing.assert_allclose(exact_shapley(lambda r: r @ w, x, background), expected, atol=1e-12)


def test_sampled_kernel_shap_estimates():
    c = 8
    f = small_mlp(c, 3)
    rng = np.random.default_rng(3)
    x, background = rng.normal(size=c), rng.normal(size=(5, c))
    exact = exact_shapley(f, x, background)
    estimate = kernel_shap(f, x, background, n_coalitions=200, seed=0)
    assert estimate.sum() == pytest.approx(exact.sum(), abs=1e-10)
    assert np.abs(estimate - exact).max() < 0.1 * np.abs(exact).max()


def test_bad_input():
    with pytest.raises(ValueError, match="columns"):
        kernel_shap(lambda r: r.sum(1), np.zeros(3), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="x contains 1 NaN/inf"):
        exact_shapley(lambda r: r.sum(1), np.array([np.nan, 0.0]), np.zeros((2, 2)))


@pytest.mark.parametrize("call, error, match", [
    (lambda: kernel_shap(lambda r: r.sum(1), np.zeros(0), np.zeros((2, 0))), ValueError, "x"),
    (lambda: kernel_shap(lambda r: r.sum(1), np.zeros(3), np.zeros((0, 3))), ValueError,
     "background"),
    (lambda: kernel_shap(lambda r: r.sum(1), np.zeros(3), np.zeros((2, 3)), n_coalitions=0),
     ValueError, "n_coalitions"),
    (lambda: kernel_shap(lambda r: r.sum(1), np.zeros(3), np.zeros((2, 3)), n_coalitions=2.5),
     TypeError, "n_coalitions"),
    (lambda: kernel_shap(lambda r: r.sum(1), np.zeros(30), np.zeros((2, 30))), ValueError,
     "n_coalitions"),
    (lambda: exact_shapley(lambda r: r.sum(1), np.zeros(21), np.zeros((2, 21))), ValueError,
     "kernel_shap"),
    (lambda: kernel_shap(lambda r: r[:1, 0], np.ones(3), np.zeros((2, 3))), ValueError,
     "one finite value per row"),
    (lambda: kernel_shap("f", np.zeros(3), np.zeros((2, 3))), TypeError, "callable"),
])
def test_more_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
