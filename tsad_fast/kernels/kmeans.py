"""The k-means assignment step (the inner loop of the granular-ball construction of GBOC).

``kmeans_assign(X, centers)`` labels each row of X (n, d) with its nearest row of centers
(k, d) by the canonical squared distance: the terms (x_j - c_j)^2 rounded one by one (never
fused) and summed over j in order; ties go to the lowest index. Every backend (NumPy reference,
Numba, C++, CUDA) returns the same labels bit for bit, which is what lets the ball
construction be reproduced exactly on any of them.

A GPU array X (CuPy, CUDA torch, ...) runs on the ``cuda`` backend without leaving the device
and the labels come back as an array of its library (see ``device.py``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tsad_fast import _backend
from tsad_fast._backend import is_gpu_array
from tsad_fast._validation import as_points_and_centers
from tsad_fast.kernels import device

# k-means' absolute shift tolerance (scikit-learn's rule; the granular balls' coarse k-means), the same value bit for bit on every backend
_backend.register(
    "shift_tolerance",
    cpp="tsad_fast._core:shift_tolerance",
    numba="tsad_fast.kernels._numba.kmeans:shift_tolerance",
    numpy="tsad_fast.kernels._numpy.kmeans:shift_tolerance",
)
_backend.register(
    "kmeans_assign",
    cpp="tsad_fast._core:kmeans_assign",
    cuda="tsad_fast._cuda:kmeans_assign",
    device="tsad_fast._cuda:kmeans_assign_device",
    numba="tsad_fast.kernels._numba.kmeans:kmeans_assign",
    numpy="tsad_fast.kernels._numpy.kmeans:kmeans_assign",
)


def kmeans_assign(X, centers, backend: str = "auto") -> Any:
    """Labels (n,) int64: the index of the nearest row of ``centers`` (k >= 1, d) for each row
    of ``X`` (n, d) (n may be 0). A GPU array X selects ``cuda`` under "auto" and gets its
    labels on its device, in its own library; host arrays give a NumPy array."""
    name, _ = _backend.resolve("kmeans_assign", backend, like=X)
    if name == "cuda" and is_gpu_array(X):
        return _kmeans_assign_device(X, centers)
    X, centers = as_points_and_centers(X, centers, "X", "centers")
    return kmeans_assign_unchecked(X, centers, backend)


def kmeans_assign_unchecked(X: np.ndarray, centers: np.ndarray,
                            backend: str = "auto") -> np.ndarray:
    """The assignment of validated host arrays (``as_points_and_centers``) on ``backend``,
    for callers that produced X and centers themselves."""
    if X.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    return np.asarray(_backend.resolve("kmeans_assign", backend)[1](X, centers), dtype=np.int64)


def _kmeans_assign_device(X, centers):
    ops, X, centers = device.points_and_centers(X, centers, "X", "centers")
    (n, d), k = ops.shape(X), ops.shape(centers)[0]
    labels = ops.empty(X, (n,), "int64")
    if n:
        device.launch(ops, X, "kmeans_assign", ops.pointer(X), n, ops.pointer(centers), k,
                       d, ops.pointer(labels))
    return labels
