"""Nearest center: exact nearest-neighbour search of queries among centers.

``nearest_center(Q, C)`` returns the Euclidean distance from each row of Q (m, d) to its
nearest row of C (k, d) and that row's index, ties to the lowest index. Squared distances are
formed as ||q||^2 - 2 q.c + ||c||^2 with float64 accumulation and clamped at 0; the compiled
backends never form the m x k matrix (memory O(m + k) beyond the inputs). Backends differ only
in the order of the dot products' additions (~1e-16 relative), so an index may differ between
them only where two centers are equally near to that precision.

``dtype="float32"`` (opt-in) computes in float32 as faiss's ``IndexFlatL2`` does: Q and C
rounded to float32, squared distances ``||q||^2 - 2 q.c + ||c||^2`` with float sums, the first
minimum. C++ fuses it into register tiles of eight floats a vector (no m x k matrix); NumPy (the
reference) and Numba take the inner products from a BLAS sgemm one block of queries at a time
(faiss's way), then the minimum (Numba: in parallel). The indices are faiss's except where two
centers are equally near to float32 precision (about 1e-7 relative).

A GPU array Q (CuPy, CUDA torch, ...) runs on the ``cuda`` backend without leaving the device
and the results come back as arrays of its library (see ``device.py``).
"""
from __future__ import annotations

from typing import Any, Tuple

import numpy as np

from tsad_fast import _backend
from tsad_fast._backend import is_gpu_array
from tsad_fast._validation import as_points_and_centers
from tsad_fast.kernels import device

_backend.register(
    "nearest_center",
    cpp="tsad_fast._core:nearest_center",
    cuda="tsad_fast._cuda:nearest_center",
    device="tsad_fast._cuda:nearest_center_device",
    numba="tsad_fast.kernels._numba.nearest:nearest_center",
    numpy="tsad_fast.kernels._numpy.nearest:nearest_center",
)
_backend.register(
    "nearest_center_f32",
    cpp="tsad_fast._core:nearest_center_f32",
    numba="tsad_fast.kernels._numba.nearest:nearest_center_f32",
    numpy="tsad_fast.kernels._numpy.nearest:nearest_center_f32",
)
_DTYPES = ("float64", "float32")


def nearest_center(Q, C, backend: str = "auto", dtype: str = "float64") -> Tuple[Any, Any]:
    """(distances (m,), indices (m,) int64) of the nearest row of C for each row of Q.

    A GPU array Q selects ``cuda`` under "auto" and gets its results on its device, in its own
    library (C may then be a GPU array of the same library or a host array); host arrays give
    NumPy results on every backend, ``cuda`` included (copied to the GPU and back).

    Parameters
    ----------
    Q : array-like (m, d), finite (m may be 0)
    C : array-like (k, d), k >= 1, finite
    dtype : "float64" (default: float64 distances) or "float32" (faiss's computation and
        answers, float32 distances; CPU backends)
    """
    try:
        name = np.dtype(dtype).name  # "float32", np.float32 and np.dtype("float32") alike
    except TypeError:
        name = None
    if name not in _DTYPES:
        raise ValueError(f"dtype must be one of {_DTYPES}, got {dtype!r}")
    if name == "float32":
        if is_gpu_array(Q) or is_gpu_array(C):
            raise ValueError("dtype='float32' runs on the CPU backends: pass Q and C as host "
                             "arrays, or GPU arrays with dtype='float64' (the cuda backend)")
        Q, C = as_points_and_centers(Q, C, "Q", "C")
        with np.errstate(over="ignore"):  # beyond float32: inf, refused by check_reach
            Q, C = Q.astype(np.float32), C.astype(np.float32)
        check_reach(Q, C)
        return nearest_center_float32(Q, C, backend)
    name, _ = _backend.resolve("nearest_center", backend, like=Q)
    if name == "cuda" and is_gpu_array(Q):
        return _nearest_center_device(Q, C)
    Q, C = as_points_and_centers(Q, C, "Q", "C")
    check_reach(Q, C)
    return nearest_center_unchecked(Q, C, backend)


def check_reach(Q: np.ndarray, C: np.ndarray) -> None:
    """Refuse Q and C whose squared distances overflow their float type in the dot form: every
    term of ||q||^2 - 2 q.c + ||c||^2 is at most (||q|| + ||c||)^2, kept below half the largest
    value (float32: the rounded Q and C must stay finite too)."""
    with np.errstate(over="ignore", invalid="ignore"):
        reach = (np.sqrt(np.einsum("ij,ij->i", Q, Q, dtype=np.float64).max(initial=0.0))
                 + np.sqrt(np.einsum("ij,ij->i", C, C, dtype=np.float64).max()))
        if np.isfinite(2.0 * reach * reach) and 2.0 * reach * reach < np.finfo(Q.dtype).max:
            return
    raise ValueError(f"Q and C: values too large (row norms up to {reach:.3g}): their squared "
                     f"distances overflow {Q.dtype}; rescale both")


def nearest_center_float32(Q: np.ndarray, C: np.ndarray,
                           backend: str = "auto") -> Tuple[np.ndarray, np.ndarray]:
    """The float32 search (``dtype="float32"``) on validated float32 arrays Q (m, d), C (k, d):
    (distances (m,) float32, indices (m,) int64)."""
    if Q.shape[0] == 0:
        return np.empty(0, dtype=np.float32), np.empty(0, dtype=np.int64)
    return _backend.resolve("nearest_center_f32", backend)[1](Q, C)


def nearest_center_unchecked(Q: np.ndarray, C: np.ndarray,
                             backend: str = "auto") -> Tuple[np.ndarray, np.ndarray]:
    """The search on validated host arrays (``as_points_and_centers``) on ``backend``, for
    callers that produced Q and C themselves."""
    if Q.shape[0] == 0:
        return np.empty(0), np.empty(0, dtype=np.int64)
    return _backend.resolve("nearest_center", backend)[1](Q, C)


def _nearest_center_device(Q, C):
    ops, Q, C = device.points_and_centers(Q, C, "Q", "C")
    (m, d), k = ops.shape(Q), ops.shape(C)[0]
    distances, indices = ops.empty(Q, (m,), "float64"), ops.empty(Q, (m,), "int64")
    if m:
        device.launch(ops, Q, "nearest_center", ops.pointer(Q), m, ops.pointer(C), k, d,
                       ops.pointer(distances), ops.pointer(indices))
    return distances, indices
