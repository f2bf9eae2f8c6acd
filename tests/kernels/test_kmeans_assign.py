"""kmeans_assign: every backend returns the reference's labels bit for bit (canonical sums),
ties to the lowest index, edge cases, bad input; the CUDA twin where a GPU is visible."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import backend_params
from tsad_fast import _backend
from tsad_fast.kernels import kmeans_assign

ALL_BACKENDS = backend_params("kmeans_assign")


def naive_assign(X, C):
    """Loop-level definition: first center with the smallest sum of (x_j - c_j)^2 in order."""
    labels = np.empty(len(X), dtype=np.int64)
    for i, x in enumerate(X):
        best, arg = np.inf, 0
        for c, center in enumerate(C):
            acc = 0.0
            for j in range(len(x)):
                diff = float(x[j]) - float(center[j])
                acc += diff * diff
            if acc < best:
                best, arg = acc, c
        labels[i] = arg
    return labels


@pytest.mark.parametrize("backend", backend_params("kmeans_assign", reference=False))
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 300), k=st.integers(1, 40),
       d=st.integers(1, 40), duplicates=st.booleans())
def test_backends_equal_the_reference(backend, seed, n, k, d, duplicates):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    C = X[rng.integers(0, n, size=k)] if duplicates else rng.normal(size=(k, d))
    np.testing.assert_array_equal(kmeans_assign(X, C, backend=backend),
                                  kmeans_assign(X, C, backend="numpy"))


def test_reference_equals_the_definition():
    rng = np.random.default_rng(3)
    X, C = rng.normal(size=(60, 7)), rng.normal(size=(9, 7))
    C[4] = C[2]  # an exact tie: the lower index wins
    np.testing.assert_array_equal(kmeans_assign(X, C, backend="numpy"), naive_assign(X, C))


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_ties_and_shapes(backend):
    C = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    X = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 3.0]])
    assert kmeans_assign(X, C, backend=backend).tolist() == [0, 0, 0]
    assert kmeans_assign(np.zeros((0, 2)), C, backend=backend).shape == (0,)
    rng = np.random.default_rng(1)  # more points and centers than one block or tile
    X, C = rng.normal(size=(1000, 37)), rng.normal(size=(70, 37))
    np.testing.assert_array_equal(kmeans_assign(X, C, backend=backend), naive_assign(X, C))


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(X=np.zeros((3, 2)), centers=np.zeros((0, 2))), ValueError, "centers"),
    (dict(X=np.zeros((3, 2)), centers=np.zeros((2, 3))), ValueError, "columns"),
    (dict(X=np.zeros((3, 0)), centers=np.zeros((2, 0))), ValueError, "no columns"),
    (dict(X=np.zeros(3), centers=np.zeros((2, 3))), ValueError, "X"),
    (dict(X=np.full((3, 2), np.inf), centers=np.zeros((2, 2))), ValueError, "X"),
    (dict(X=[["a"]], centers=np.zeros((1, 1))), TypeError, "X"),
])
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        kmeans_assign(**kwargs)


def test_missing_backend_is_a_clear_error():
    if _backend.is_available("cuda"):
        pytest.skip("a GPU is visible")
    with pytest.raises(_backend.BackendUnavailableError, match="cuda"):
        kmeans_assign(np.zeros((2, 2)), np.zeros((1, 2)), backend="cuda")
