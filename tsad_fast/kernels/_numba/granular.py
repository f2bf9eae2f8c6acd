"""Granular balls in Numba: the reference construction of _numpy/granular.py with the same
random streams and summation orders, so the result is bit-identical."""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from tsad_fast.kernels._numpy.granular import MAX_LLOYD

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@njit(cache=True)
def _stream(seed, key):
    state = np.empty(1, dtype=np.uint64)
    state[0] = seed * _GOLDEN + key * _MIX1 + np.uint64(1)
    return state


@njit(cache=True)
def _uniform(state):
    state[0] = state[0] + _GOLDEN
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * 2.0 ** -53


@njit(cache=True)
def _sq(X, i, c):
    acc = 0.0
    for j in range(X.shape[1]):
        diff = X[i, j] - c[j]
        acc += diff * diff
    return acc


@njit(cache=True)
def _kmeans(X, k, state, tol):
    """k-means++ seeding then Lloyd (see the reference; ``tol`` the absolute shift
    tolerance); returns labels (n,)."""
    n, d = X.shape
    centers = np.empty((k, d))
    first = min(int(_uniform(state) * n), n - 1)
    centers[0] = X[first]
    d2 = np.empty(n)
    for i in range(n):
        d2[i] = _sq(X, i, centers[0])
    running = np.empty(n)
    for c in range(1, k):
        total = 0.0
        for i in range(n):
            total += d2[i]
            running[i] = total
        u = _uniform(state)
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
            d2[i] = min(d2[i], _sq(X, i, centers[c]))
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


@njit(cache=True)
def _assign(X, centers):
    n = X.shape[0]
    labels = np.empty(n, dtype=np.int64)
    for i in range(n):
        best = _sq(X, i, centers[0])
        labels[i] = 0
        for c in range(1, centers.shape[0]):
            dist = _sq(X, i, centers[c])
            if dist < best:
                best = dist
                labels[i] = c
    return labels


def kmeans_assign(X, centers):
    """Same contract as ``tsad_fast.kernels._numpy.granular.assign``."""
    return _assign(X, centers)


@njit(cache=True)
def _stats(X):
    """(center, radius, DM) with the reference's summation orders."""
    n, d = X.shape
    center = np.zeros(d)
    for i in range(n):
        for j in range(d):
            center[j] += X[i, j]
    center /= n
    radius = 0.0
    total = 0.0
    for i in range(n):
        dist = math.sqrt(_sq(X, i, center))
        radius = max(radius, dist)
        total += dist
    return center, radius, total / n


@njit(cache=True)
def _build(Z, k0, min_support, prune_kappa, seed, coarse_tol):
    n = Z.shape[0]
    owner = _kmeans(Z, k0, _stream(seed, np.uint64(0)), coarse_tol)
    # compact the coarse clusters (drop empty ones), keeping cluster order
    remap = np.full(k0, -1, dtype=np.int64)
    count = 0
    for c in range(k0):
        for i in range(n):
            if owner[i] == c:
                remap[c] = count
                count += 1
                break
    for i in range(n):
        owner[i] = remap[owner[i]]
    n_balls = count
    ids = np.arange(1, n_balls + 1).astype(np.uint64)
    final = np.zeros(n_balls, dtype=np.bool_)
    next_id = n_balls + 1
    changed = True
    while changed:
        changed = False
        order = np.argsort(owner, kind="mergesort")  # stable: members in index order
        offsets = np.zeros(n_balls + 1, dtype=np.int64)
        for i in range(n):
            offsets[owner[i] + 1] += 1
        for b in range(n_balls):
            offsets[b + 1] += offsets[b]
        new_owner = owner.copy()
        new_ids = np.empty(2 * n_balls, dtype=np.uint64)
        new_final = np.zeros(2 * n_balls, dtype=np.bool_)
        position = 0
        for b in range(n_balls):
            members = order[offsets[b]:offsets[b + 1]]
            accepted = False
            if not final[b] and members.size >= 2 * min_support:
                X = Z[members]
                labels = _kmeans(X, 2, _stream(seed, ids[b]), 0.0)
                size1 = int(labels.sum())
                size0 = members.size - size1
                if min(size0, size1) >= min_support:
                    parent = _stats(X)[2]
                    weighted = (size0 * _stats(X[labels == 0])[2]
                                + size1 * _stats(X[labels == 1])[2]) / members.size
                    if weighted < parent:
                        accepted = True
                        for t in range(members.size):
                            new_owner[members[t]] = position + labels[t]
                        for child in range(2):
                            new_ids[position + child] = next_id
                            next_id += 1
                        position += 2
                        changed = True
            if not accepted:
                for t in range(members.size):
                    new_owner[members[t]] = position
                new_ids[position] = ids[b]
                new_final[position] = True
                position += 1
        owner = new_owner
        ids = new_ids[:position].copy()
        final = new_final[:position].copy()
        n_balls = position
    # balls, pruning
    order = np.argsort(owner, kind="mergesort")
    offsets = np.zeros(n_balls + 1, dtype=np.int64)
    for i in range(n):
        offsets[owner[i] + 1] += 1
    for b in range(n_balls):
        offsets[b + 1] += offsets[b]
    centers = np.empty((n_balls, Z.shape[1]))
    radii = np.empty(n_balls)
    sizes = np.empty(n_balls, dtype=np.int64)
    for b in range(n_balls):
        members = order[offsets[b]:offsets[b + 1]]
        centers[b], radii[b], _ = _stats(Z[members])
        sizes[b] = members.size
    total = 0.0
    for b in range(n_balls):
        total += radii[b]
    mean_r = total / n_balls
    total = 0.0
    for b in range(n_balls):
        total += (radii[b] - mean_r) ** 2
    limit = mean_r + prune_kappa * math.sqrt(total / n_balls)
    keep = radii <= limit
    new_index = np.full(n_balls, -1, dtype=np.int64)
    kept = 0
    for b in range(n_balls):
        if keep[b]:
            new_index[b] = kept
            kept += 1
    labels = np.empty(n, dtype=np.int64)
    for i in range(n):
        labels[i] = new_index[owner[i]]
    return centers[keep], radii[keep], sizes[keep], labels, n_balls


def granular_balls(Z, min_support, prune_kappa, seed, coarse_tol=0.0):
    """Same contract as ``tsad_fast.kernels._numpy.granular.granular_balls``."""
    return _build(Z, max(1, math.isqrt(Z.shape[0])), min_support, prune_kappa, np.uint64(seed),
                  float(coarse_tol))
