"""The k-means assignment step (the inner loop of the granular-ball construction, SPEC 1.2).

``kmeans_assign(X, centers)`` labels each row of X (n, d) with its nearest row of centers
(k, d) by the canonical squared distance: the terms (x_j - c_j)^2 rounded one by one (never
fused) and summed over j in order; ties go to the lowest index. Every backend (NumPy reference,
Numba, C++, CUDA) returns the same labels bit for bit, which is what lets the ball
construction be reproduced exactly on any of them.
"""
from __future__ import annotations

import numpy as np

from tsad_fast import _backend
from tsad_fast._backend import to_host
from tsad_fast._validation import as_points_and_centers

_backend.register(
    "kmeans_assign",
    cpp="tsad_fast._core:kmeans_assign",
    cuda="tsad_fast._cuda:kmeans_assign",
    numba="tsad_fast.kernels._numba.granular:kmeans_assign",
    numpy="tsad_fast.kernels._numpy.granular:assign",
)


def kmeans_assign(X, centers, backend: str = "auto") -> np.ndarray:
    """Labels (n,) int64: the index of the nearest row of ``centers`` (k >= 1, d) for each row
    of ``X`` (n, d) (n may be 0). GPU arrays (CuPy, CUDA torch) select ``cuda`` under "auto"."""
    _, run = _backend.resolve("kmeans_assign", backend, like=X)
    X, centers = as_points_and_centers(to_host(X), to_host(centers), "X", "centers")
    if X.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    return np.asarray(run(X, centers), dtype=np.int64)
