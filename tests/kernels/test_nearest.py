"""nearest_center (SPEC 1.3): every backend against an exact oracle, ties, edge cases."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import backend_params
from tsad_fast.kernels import nearest_center

ALL_BACKENDS = backend_params("nearest_center")


def exact(Q, C):
    """Direct (q - c)^2 sums: the true squared distances."""
    return ((Q[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


@pytest.mark.parametrize("backend", ALL_BACKENDS)
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(1, 400), k=st.integers(1, 300),
       d=st.integers(1, 70), scale=st.sampled_from([1e-3, 1.0, 1e3]))
def test_backends_find_the_nearest_center(backend, seed, m, k, d, scale):
    rng = np.random.default_rng(seed)
    Q, C = scale * rng.normal(size=(m, d)), scale * rng.normal(size=(k, d))
    true = exact(Q, C)
    tol = 1e-12 * (np.sum(Q * Q, axis=1)[:, None] + np.sum(C * C, axis=1)[None, :]).max()
    distances, indices = nearest_center(Q, C, backend=backend)
    assert indices.dtype == np.int64 and indices.shape == (m,)
    chosen = true[np.arange(m), indices]
    assert np.all(chosen <= true.min(axis=1) + tol)  # nearest up to rounding
    np.testing.assert_allclose(distances ** 2, chosen, rtol=0, atol=tol)


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_ties_go_to_the_lowest_index(backend):
    C = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [-1.0, 0.0]])
    Q = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 0.0]])
    distances, indices = nearest_center(Q, C, backend=backend)
    assert indices.tolist() == [0, 0, 0]
    np.testing.assert_allclose(distances, [1.0, 1.0, 0.0], atol=1e-12)


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_edge_shapes(backend):
    d, i = nearest_center(np.zeros((0, 3)), np.ones((2, 3)), backend=backend)
    assert d.shape == i.shape == (0,)
    d, i = nearest_center(np.arange(5.0)[:, None], np.array([[2.0]]), backend=backend)
    assert i.tolist() == [0] * 5 and d.tolist() == [2.0, 1.0, 0.0, 1.0, 2.0]
    rng = np.random.default_rng(0)  # many more centers than one register tile or chunk
    Q, C = rng.normal(size=(301, 9)), rng.normal(size=(1030, 9))
    _, i = nearest_center(Q, C, backend=backend)
    np.testing.assert_array_equal(i, exact(Q, C).argmin(axis=1))


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(Q=np.zeros((3, 2)), C=np.zeros((0, 2))), ValueError, "C"),
    (dict(Q=np.zeros((3, 2)), C=np.zeros((2, 3))), ValueError, "columns"),
    (dict(Q=np.zeros(3), C=np.zeros((2, 3))), ValueError, "Q"),
    (dict(Q=np.full((3, 2), np.nan), C=np.zeros((2, 2))), ValueError, "Q"),
    (dict(Q=np.zeros((3, 2)), C=[["a", "b"]]), TypeError, "C"),
])
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        nearest_center(**kwargs)


def test_zero_columns_rejected():
    with pytest.raises(ValueError, match="no columns"):
        nearest_center(np.zeros((3, 0)), np.zeros((2, 0)))
