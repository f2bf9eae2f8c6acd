"""Nearest center in Numba: one pass per query, no m x k matrix (see _numpy/nearest.py); the
float32 search's step after the BLAS product, parallel over queries."""
from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def _nearest(Q, C, distances, indices):
    k, d = C.shape
    cc = np.empty(k)
    for c in range(k):
        acc = 0.0
        for j in range(d):
            acc += C[c, j] * C[c, j]
        cc[c] = acc
    for i in prange(Q.shape[0]):
        qq = 0.0
        for j in range(d):
            qq += Q[i, j] * Q[i, j]
        best = np.inf
        arg = 0
        for c in range(k):
            dot = 0.0
            for j in range(d):
                dot += Q[i, j] * C[c, j]
            d2 = qq - 2.0 * dot + cc[c]
            if d2 < best:
                best = d2
                arg = c
        indices[i] = arg
        distances[i] = np.sqrt(max(best, 0.0))


def nearest_center(Q, C):
    """Same contract as ``tsad_fast.kernels._numpy.nearest.nearest_center``."""
    distances = np.empty(Q.shape[0])
    indices = np.empty(Q.shape[0], dtype=np.int64)
    _nearest(Q, C, distances, indices)
    return distances, indices


@njit(cache=True, parallel=True)
def _nearest_in_block(inner, q_norms, c_norms, d2, indices):
    b, k = inner.shape
    two = np.float32(2.0)
    zero = np.float32(0.0)
    for i in prange(b):
        best, where = np.float32(np.inf), 0
        for j in range(k):
            d = max((q_norms[i] + c_norms[j]) - two * inner[i, j], zero)
            if d < best:
                best, where = d, j
        d2[i], indices[i] = best, where


def nearest_in_block(inner, q_norms, c_norms):
    """Same contract as ``tsad_fast.kernels._numpy.nearest.nearest_in_block``, bit for bit."""
    d2 = np.empty(inner.shape[0], dtype=np.float32)
    indices = np.empty(inner.shape[0], dtype=np.int64)
    _nearest_in_block(inner, q_norms, c_norms, d2, indices)
    return d2, indices


def nearest_center_f32(Q, C):
    """Same contract as ``tsad_fast.kernels._numpy.nearest.nearest_center_f32``."""
    from tsad_fast.kernels._numpy.nearest import blas_nearest

    return blas_nearest(Q, C, nearest_in_block)
