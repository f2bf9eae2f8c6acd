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


# --- dtype="float32": faiss's computation ------------------------------------------------------
F32_BACKENDS = backend_params("nearest_center_f32")


@given(seed=st.integers(0, 2**32 - 1), b=st.integers(1, 300), k=st.integers(1, 300),
       ties=st.booleans())
def test_float32_block_step_numba_equals_the_reference_bit_for_bit(seed, b, k, ties):
    from tsad_fast.kernels._numba.nearest import nearest_in_block as compiled
    from tsad_fast.kernels._numpy.nearest import nearest_in_block

    rng = np.random.default_rng(seed)
    inner = rng.normal(size=(b, k)).astype(np.float32)
    q_norms = rng.random(b).astype(np.float32)
    c_norms = rng.random(k).astype(np.float32)
    if ties:  # repeated columns, and distances below 0 that clamp to a tie at 0
        inner[:, k // 2:] = inner[:, :k - k // 2]
        c_norms[k // 2:] = c_norms[:k - k // 2]
        inner[: b // 2] += 5.0
    d2, indices = compiled(inner, q_norms, c_norms)
    expected_d2, expected_indices = nearest_in_block(inner, q_norms, c_norms)
    assert d2.dtype == np.float32 and indices.dtype == np.int64
    np.testing.assert_array_equal(d2, expected_d2)
    np.testing.assert_array_equal(indices, expected_indices)


def near_ties(Q, C, indices, rtol):
    """Queries whose chosen center is not the exact nearest by more than rtol of the scale."""
    true = exact(Q.astype(np.float64), C.astype(np.float64))
    scale = np.sum(Q.astype(np.float64) ** 2, axis=1) + np.sum(C.astype(np.float64) ** 2, axis=1).max()
    return true[np.arange(len(Q)), indices] - true.min(axis=1) > rtol * scale


@pytest.mark.parametrize("backend", F32_BACKENDS)
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(0, 300), k=st.integers(1, 200),
       d=st.integers(1, 70))
def test_float32_path_finds_the_nearest_center_to_float32_precision(backend, seed, m, k, d):
    rng = np.random.default_rng(seed)
    Q, C = rng.normal(size=(m, d)), rng.normal(size=(k, d))
    distances, indices = nearest_center(Q, C, backend=backend, dtype="float32")
    assert distances.dtype == np.float32 and indices.dtype == np.int64 and indices.shape == (m,)
    if m:
        assert not near_ties(Q, C, indices, 1e-5).any()
        true = np.sqrt(exact(Q, C)[np.arange(m), indices])
        np.testing.assert_allclose(distances, true, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("backend", F32_BACKENDS)
def test_float32_path_gives_faiss_answers(backend):
    faiss = pytest.importorskip("faiss", reason="faiss-cpu not installed")
    rng = np.random.default_rng(7)
    Q, C = rng.normal(size=(3000, 64)).astype(np.float32), rng.normal(size=(500, 64)).astype(np.float32)
    index = faiss.IndexFlatL2(64)
    index.add(C)
    faiss_d2, faiss_indices = index.search(Q, 1)
    distances, indices = nearest_center(Q, C, backend=backend, dtype="float32")
    differ = indices != faiss_indices[:, 0]
    # where the answers differ, faiss's center and ours are equally near to float32 precision
    assert differ.mean() < 1e-3
    assert not near_ties(Q[differ], C, indices[differ], 1e-6).any()
    np.testing.assert_allclose(distances ** 2, faiss_d2[:, 0], rtol=1e-4, atol=1e-4)


def test_float32_ties_go_to_the_lowest_index():
    C = np.repeat(np.eye(3, 5), 6, axis=0)  # each center six times: 18 rows, pads a tile
    Q = np.eye(3, 5) + 0.01
    for backend in ("numpy", "numba", "cpp"):
        if backend not in [p.values[0] for p in F32_BACKENDS if not p.marks]:
            continue
        _, indices = nearest_center(Q, C, backend=backend, dtype="float32")
        np.testing.assert_array_equal(indices, [0, 6, 12])


def test_float32_bad_input():
    for dtype in ("float16", "int64", object, "no such type"):
        with pytest.raises(ValueError, match="dtype"):
            nearest_center(np.zeros((2, 2)), np.zeros((1, 2)), dtype=dtype)
    for spelling in (np.float32, np.dtype("float32")):  # NumPy's spellings of the same type
        assert nearest_center(np.zeros((2, 2)), np.ones((1, 2)), dtype=spelling)[0].dtype == np.float32
    with pytest.raises(ValueError, match="C"):
        nearest_center(np.zeros((0, 2)), np.zeros((0, 2)), dtype="float32")  # no centers
    with pytest.raises(ValueError, match="columns"):
        nearest_center(np.zeros((2, 3)), np.zeros((1, 2)), dtype="float32")
    with pytest.raises(ValueError, match="overflow float32"):
        nearest_center(np.full((2, 2), 1e30), np.zeros((1, 2)), dtype="float32")
    with pytest.raises(ValueError, match="Q"):
        nearest_center(np.full((2, 2), np.nan), np.zeros((1, 2)), dtype="float32")


def test_float32_refuses_gpu_arrays_with_a_clear_error():
    class DeviceArray:  # what is_gpu_array sees of a CuPy array, without a GPU
        __cuda_array_interface__ = {}

    with pytest.raises(ValueError, match="CPU backends"):
        nearest_center(DeviceArray(), np.zeros((1, 2)), dtype="float32")
    with pytest.raises(ValueError, match="CPU backends"):
        nearest_center(np.zeros((2, 2)), DeviceArray(), dtype="float32")
