"""Nearest center (SPEC 1.3): the NumPy reference, blocked over queries so that memory stays
O(block * k): squared distances ||q||^2 - 2 q.c + ||c||^2 in float64, clamped at 0, the first
(lowest-index) minimum."""
from __future__ import annotations

import numpy as np

BLOCK = 1024


def nearest_center(Q, C):
    """(distances (m,), indices (m,) int64) of each row of Q to its nearest row of C."""
    cc = np.einsum("ij,ij->i", C, C)
    distances = np.empty(Q.shape[0])
    indices = np.empty(Q.shape[0], dtype=np.int64)
    for start in range(0, Q.shape[0], BLOCK):
        block = Q[start:start + BLOCK]
        d2 = np.einsum("ij,ij->i", block, block)[:, None] - 2.0 * (block @ C.T) + cc[None, :]
        best = np.argmin(d2, axis=1)
        indices[start:start + BLOCK] = best
        distances[start:start + BLOCK] = np.sqrt(np.maximum(d2[np.arange(block.shape[0]), best], 0.0))
    return distances, indices
