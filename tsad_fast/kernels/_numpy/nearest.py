"""Nearest center (SPEC 1.3): the NumPy reference, blocked over queries so that memory stays
O(block * k): squared distances ||q||^2 - 2 q.c + ||c||^2 in float64, clamped at 0, the first
(lowest-index) minimum. ``nearest_in_block`` is the float32 path's step after the matrix
product (faiss's ``IndexFlatL2`` formula)."""
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


def nearest_in_block(inner: np.ndarray, q_norms: np.ndarray, c_norms: np.ndarray):
    """(squared distances (b,) float32, indices (b,) int64) from the inner products (b, k)
    float32 of b queries with the centers and the squared norms (b,), (k,) float32: per row,
    ``(q_norm + c_norm) - 2 * inner`` in float32, clamped at 0, the first minimum."""
    d2 = np.maximum((q_norms[:, None] + c_norms[None, :]) - 2 * inner, 0)
    best = np.argmin(d2, axis=1)
    return d2[np.arange(d2.shape[0]), best], best.astype(np.int64)
