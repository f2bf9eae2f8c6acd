"""The affiliation kernel: compiled backends against the reference on random inputs; the
closed forms against numerical integration of their definitions."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import backend_params
from tests.kernels.test_vus import labelled_scores
from tsad_fast.kernels import affiliation_sweep
from tsad_fast.kernels._numpy import affiliation as ref


@pytest.mark.parametrize("backend", backend_params("affiliation_sweep", reference=False))
@given(case=labelled_scores(max_n=300))
def test_backends_match_reference(backend, case):
    labels, score, _, _ = case
    thresholds = np.linspace(score.min(), score.max(), 17)
    want_p, want_r = affiliation_sweep(labels, score, thresholds, backend="numpy")
    p, r = affiliation_sweep(labels, score, thresholds, backend=backend)
    np.testing.assert_allclose(p, want_p, rtol=0, atol=1e-12)  # NaN where nothing predicted
    np.testing.assert_allclose(r, want_r, rtol=0, atol=1e-12)


@pytest.mark.parametrize("change,error,match", [
    (dict(thresholds=[]), ValueError, "thresholds"),
    (dict(thresholds=[np.nan]), ValueError, "thresholds"),
    (dict(score=np.zeros(99)), ValueError, "99"),
    (dict(labels=np.zeros(100)), ValueError, "no anomaly"),
])
def test_bad_input(change, error, match):
    args = dict(labels=np.r_[np.zeros(90), np.ones(10)], score=np.linspace(0, 1, 100),
                thresholds=[0.5])
    args.update(change)
    with pytest.raises(error, match=match):
        affiliation_sweep(**args)


def _distance(t, a, b):
    return np.where(t < a, a - t, np.where(t > b, t - b, 0.0))


@given(st.floats(0, 40), st.floats(0.5, 20), st.floats(41, 60), st.floats(1, 9),
       st.floats(61, 100))
def test_precision_integral_is_its_definition(i0, i_len, j0, j_len, e1):
    """Integral over I of P(dist(X, J) >= dist(t, J)), X uniform on E = [0, e1]."""
    i1, j1 = i0 + i_len, j0 + j_len
    t = np.linspace(i0, i1, 2001)
    reach = _distance(t, j0, j1)
    # dist(X, J) >= r  <=>  X <= j0 - r  or  X >= j1 + r
    survival = (np.clip(j0 - reach, 0, e1) + (e1 - np.clip(j1 + reach, 0, e1))) / e1
    survival[reach == 0] = 1.0  # inside J every X is at least as far
    numeric = np.trapezoid(survival, t)
    assert ref.precision_integral(i0, i1, j0, j1, 0.0, e1) == pytest.approx(numeric, abs=1e-3 * i_len)


@given(st.floats(0, 40), st.floats(0.5, 20), st.floats(41, 60), st.floats(1, 9),
       st.floats(61, 100))
def test_recall_integral_is_its_definition(j0, j_len, i0, i_len, e1):
    """Integral over J of P(|X - t| >= dist(t, I)), X uniform on E = [0, e1]: how much closer
    the prediction is to the ground-truth point t than a random point."""
    j1, i1 = j0 + j_len, i0 + i_len
    t = np.linspace(j0, j1, 2001)
    reach = _distance(t, i0, i1)
    # |X - t| >= r  <=>  X <= t - r  or  X >= t + r
    survival = (np.clip(t - reach, 0, e1) + (e1 - np.clip(t + reach, 0, e1))) / e1
    numeric = np.trapezoid(survival, t)
    assert ref.recall_integral(i0, i1, j0, j1, 0.0, e1) == pytest.approx(numeric, abs=1e-3 * j_len)
