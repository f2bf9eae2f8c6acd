"""Nearest center (SPEC 1.3): exact nearest-neighbour search of queries among centers.

``nearest_center(Q, C)`` returns the Euclidean distance from each row of Q (m, d) to its
nearest row of C (k, d) and that row's index, ties to the lowest index. Squared distances are
formed as ||q||^2 - 2 q.c + ||c||^2 with float64 accumulation and clamped at 0; the compiled
backends never form the m x k matrix (memory O(m + k) beyond the inputs). Backends differ only
in the order of the dot products' additions (~1e-16 relative), so an index may differ between
them only where two centers are equally near to that precision.
"""
from __future__ import annotations

from typing import Tuple

import numpy as np

from tsad_fast import _backend
from tsad_fast._backend import to_host
from tsad_fast._validation import as_points_and_centers

_backend.register(
    "nearest_center",
    cpp="tsad_fast._core:nearest_center",
    cuda="tsad_fast._cuda:nearest_center",
    numba="tsad_fast.kernels._numba.nearest:nearest_center",
    numpy="tsad_fast.kernels._numpy.nearest:nearest_center",
)


def nearest_center(Q, C, backend: str = "auto") -> Tuple[np.ndarray, np.ndarray]:
    """(distances (m,) float64, indices (m,) int64) of the nearest row of C for each row of Q.

    Q : array-like (m, d), finite (m may be 0); C : array-like (k, d), k >= 1, finite.
    GPU arrays (CuPy, CUDA torch) select ``cuda`` under "auto"; results come back as NumPy.
    """
    _, run = _backend.resolve("nearest_center", backend, like=Q)
    Q, C = as_points_and_centers(to_host(Q), to_host(C), "Q", "C")
    if Q.shape[0] == 0:
        return np.empty(0), np.empty(0, dtype=np.int64)
    return run(Q, C)
