"""Nearest center: the NumPy reference, blocked over queries so that memory stays
O(block * k): squared distances ||q||^2 - 2 q.c + ||c||^2 in float64, clamped at 0, the first
(lowest-index) minimum.

``nearest_center_f32`` is the float32 search (``dtype="float32"``) as faiss's ``IndexFlatL2``
computes it: the inner products of a block of queries with the centers by a BLAS sgemm, then
``nearest_in_block``: per query ``(||q||^2 + ||c||^2) - 2 q.c`` in float32, clamped at 0, the
first minimum."""
from __future__ import annotations

import numpy as np

from tsad_fast.config import get_config

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


def blas_nearest(Q: np.ndarray, C: np.ndarray, step):
    """(distances (m,) float32, indices (m,) int64) of float32 Q (m, d) among float32 C (k, d):
    the inner products by ``Q[block] @ C.T`` (BLAS sgemm), then ``step`` (``nearest_in_block``
    or a compiled twin) on each block."""
    q_norms = np.einsum("ij,ij->i", Q, Q)
    c_norms = np.einsum("ij,ij->i", C, C)
    distances = np.empty(Q.shape[0], dtype=np.float32)
    indices = np.empty(Q.shape[0], dtype=np.int64)
    rows = max(1, get_config()["nearest_block_bytes"] // (4 * C.shape[0]))
    for start in range(0, Q.shape[0], rows):
        stop = min(start + rows, Q.shape[0])
        d2, indices[start:stop] = step(Q[start:stop] @ C.T, q_norms[start:stop], c_norms)
        distances[start:stop] = np.sqrt(d2)
    return distances, indices


def nearest_center_f32(Q, C):
    """The float32 search: (distances (m,) float32, indices (m,) int64)."""
    return blas_nearest(Q, C, nearest_in_block)
