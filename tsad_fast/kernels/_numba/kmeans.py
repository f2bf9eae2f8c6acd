"""k-means in Numba: the reference of _numpy/kmeans.py with the same random streams and
summation orders, so the labels are bit-identical."""
from __future__ import annotations

import numpy as np
from numba import njit

from tsad_fast.kernels._numpy.kmeans import MAX_LLOYD

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@njit(cache=True, nogil=True)
def stream(seed, key):
    state = np.empty(1, dtype=np.uint64)
    state[0] = seed * _GOLDEN + key * _MIX1 + np.uint64(1)
    return state


@njit(cache=True, nogil=True)
def uniform(state):
    state[0] = state[0] + _GOLDEN
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * 2.0 ** -53


@njit(cache=True, nogil=True)
def sq_point(X, i, c):
    acc = 0.0
    for j in range(X.shape[1]):
        diff = X[i, j] - c[j]
        acc += diff * diff
    return acc


@njit(cache=True, nogil=True)
def kmeans(X, k, state, tol):
    """k-means++ seeding then Lloyd (see the reference; ``tol`` the absolute shift
    tolerance); returns labels (n,)."""
    n, d = X.shape
    centers = np.empty((k, d))
    first = min(int(uniform(state) * n), n - 1)
    centers[0] = X[first]
    d2 = np.empty(n)
    for i in range(n):
        d2[i] = sq_point(X, i, centers[0])
    running = np.empty(n)
    for c in range(1, k):
        total = 0.0
        for i in range(n):
            total += d2[i]
            running[i] = total
        u = uniform(state)
        if total > 0:
            target = u * total
            index = n - 1
            for i in range(n):
                if running[i] > target:
                    index = i
                    break
        else:
            index = min(int(u * n), n - 1)
        centers[c] = X[index]
        for i in range(n):
            d2[i] = min(d2[i], sq_point(X, i, centers[c]))
    labels = _assign(X, centers)
    sums = np.empty((k, d))
    counts = np.empty(k, dtype=np.int64)
    previous = np.empty((k, d))
    for _ in range(MAX_LLOYD):
        previous[:] = centers
        sums[:] = 0.0
        counts[:] = 0
        for i in range(n):
            c = labels[i]
            counts[c] += 1
            for j in range(d):
                sums[c, j] += X[i, j]
        for c in range(k):
            if counts[c]:
                for j in range(d):
                    centers[c, j] = sums[c, j] / counts[c]
        new = _assign(X, centers)
        if np.array_equal(new, labels):
            break
        labels = new
        shift = 0.0
        for c in range(k):
            acc = 0.0
            for j in range(d):
                diff = centers[c, j] - previous[c, j]
                acc += diff * diff
            shift += acc
        if shift <= tol:
            break
    return labels


@njit(cache=True, nogil=True)
def _assign(X, centers):
    n = X.shape[0]
    labels = np.empty(n, dtype=np.int64)
    for i in range(n):
        best = sq_point(X, i, centers[0])
        labels[i] = 0
        for c in range(1, centers.shape[0]):
            dist = sq_point(X, i, centers[c])
            if dist < best:
                best = dist
                labels[i] = c
    return labels


def kmeans_assign(X, centers):
    """Same contract as ``tsad_fast.kernels._numpy.kmeans.kmeans_assign``."""
    return _assign(X, centers)


@njit(cache=True, nogil=True)
def _shift_tolerance(X, tol):
    n, d = X.shape
    mean = np.zeros(d)
    for i in range(n):
        for j in range(d):
            mean[j] += X[i, j]
    for j in range(d):
        mean[j] /= n
    variance = np.zeros(d)
    for i in range(n):
        for j in range(d):
            diff = X[i, j] - mean[j]
            variance[j] += diff * diff
    total = 0.0
    for j in range(d):
        total += variance[j] / n
    return tol * total / d


def shift_tolerance(X, tol):
    """Same contract as ``tsad_fast.kernels._numpy.kmeans.shift_tolerance``, bit for bit."""
    return 0.0 if tol == 0.0 else float(_shift_tolerance(X, float(tol)))
