"""Granular balls in Numba: the reference constructions of _numpy/granular.py (both rules) with
the same random streams and summation orders (the k-means of _numba/kmeans.py), so the result
is bit-identical."""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from tsad_fast.kernels._numba.kmeans import kmeans, sq_point, stream

SPLIT_DM, SPLIT_DENSITY, CLEAN = 0, 1, 2  # the pass kinds of _passes


@njit(cache=True, nogil=True)
def _stats(X):
    """(center, radius, S = sum of the distances to the center) in the reference's orders."""
    n, d = X.shape
    center = np.zeros(d)
    for i in range(n):
        for j in range(d):
            center[j] += X[i, j]
    center /= n
    radius = 0.0
    total = 0.0
    for i in range(n):
        dist = math.sqrt(sq_point(X, i, center))
        radius = max(radius, dist)
        total += dist
    return center, radius, total


@njit(cache=True, nogil=True)
def _density(n, total):
    return n / total if total != 0.0 else float(n)


@njit(cache=True, nogil=True)
def _groups(owner, n_balls):
    """(order, offsets): the points of ball b are order[offsets[b]:offsets[b + 1]], in index
    order; dropped points (owner -1) come before offsets[0]."""
    order = np.argsort(owner, kind="mergesort")  # stable: members in index order
    offsets = np.zeros(n_balls + 1, dtype=np.int64)
    for i in range(owner.size):
        if owner[i] >= 0:
            offsets[owner[i] + 1] += 1
        else:
            offsets[0] += 1
    for b in range(n_balls):
        offsets[b + 1] += offsets[b]
    return order, offsets


@njit(cache=True, nogil=True)
def _split_labels(Z, members, kind, min_support, split_size, limit, seed, ball_id):
    """The 2-means labels of an accepted split, an empty array when the ball is final, None-like
    (a length-1 array holding -1) when it is dropped."""
    none = np.empty(0, dtype=np.int64)
    size = members.size
    if kind == CLEAN:
        if size <= min_support:
            return np.full(1, -1, dtype=np.int64)
        if not _stats(Z[members])[1] > limit:
            return none
    elif size < (2 * min_support if kind == SPLIT_DM else split_size):
        return none
    X = Z[members]
    labels = kmeans(X, 2, stream(seed, ball_id), 0.0)
    size1 = int(labels.sum())
    size0 = size - size1
    if kind == SPLIT_DM:
        if min(size0, size1) < min_support:
            return none
        parent = _stats(X)[2] / size
        weighted = (size0 * (_stats(X[labels == 0])[2] / size0)
                    + size1 * (_stats(X[labels == 1])[2] / size1)) / size
        return labels if weighted < parent else none
    if min(size0, size1) == 0:
        return none
    if kind == CLEAN:
        return labels
    parent = _density(size, _stats(X)[2])
    weighted = (size0 / size) * _density(size0, _stats(X[labels == 0])[2]) \
        + (size1 / size) * _density(size1, _stats(X[labels == 1])[2])
    return labels if weighted > parent else none


@njit(cache=True, nogil=True)
def _passes(Z, owner, n_balls, ids, next_id, kind, min_support, split_size, limit, seed):
    """Passes of one kind until one changes nothing; returns (owner, n_balls, ids, next_id)."""
    final = np.zeros(n_balls, dtype=np.bool_)
    changed = True
    while changed:
        changed = False
        order, offsets = _groups(owner, n_balls)
        new_owner = owner.copy()
        new_ids = np.empty(2 * n_balls, dtype=np.uint64)
        new_final = np.zeros(2 * n_balls, dtype=np.bool_)
        position = 0
        for b in range(n_balls):
            members = order[offsets[b]:offsets[b + 1]]
            labels = np.empty(0, dtype=np.int64)
            if not final[b]:
                labels = _split_labels(Z, members, kind, min_support, split_size, limit, seed,
                                       ids[b])
            if labels.size == 0:  # final
                for t in range(members.size):
                    new_owner[members[t]] = position
                new_ids[position] = ids[b]
                new_final[position] = True
                position += 1
            elif labels[0] == -1 and labels.size == 1:  # dropped
                for t in range(members.size):
                    new_owner[members[t]] = -1
                changed = True
            else:
                for t in range(members.size):
                    new_owner[members[t]] = position + labels[t]
                for child in range(2):
                    new_ids[position + child] = next_id
                    next_id += 1
                position += 2
                changed = True
        owner = new_owner
        ids = new_ids[:position].copy()
        final = new_final[:position].copy()
        n_balls = position
    return owner, n_balls, ids, next_id


@njit(cache=True, nogil=True)
def _balls(Z, owner, n_balls):
    """(centers, radii, sizes) of the balls of ``owner``."""
    order, offsets = _groups(owner, n_balls)
    centers = np.empty((n_balls, Z.shape[1]))
    radii = np.empty(n_balls)
    sizes = np.empty(n_balls, dtype=np.int64)
    for b in range(n_balls):
        members = order[offsets[b]:offsets[b + 1]]
        centers[b], radii[b], _ = _stats(Z[members])
        sizes[b] = members.size
    return centers, radii, sizes


@njit(cache=True, nogil=True)
def _build(Z, k0, rule, min_support, prune_kappa, split_size, radius_factor, seed, coarse_tol):
    n = Z.shape[0]
    owner = kmeans(Z, k0, stream(seed, np.uint64(0)), coarse_tol)
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
    ids = np.arange(1, count + 1).astype(np.uint64)
    owner, n_balls, ids, next_id = _passes(Z, owner, count, ids, count + 1,
                                           SPLIT_DM if rule == 0 else SPLIT_DENSITY,
                                           min_support, split_size, 0.0, seed)
    centers, radii, sizes = _balls(Z, owner, n_balls)
    total = 0.0
    for b in range(n_balls):
        total += radii[b]
    mean_r = total / n_balls
    if rule == 0:  # prune by radius
        total = 0.0
        for b in range(n_balls):
            total += (radii[b] - mean_r) ** 2
        keep = radii <= mean_r + prune_kappa * math.sqrt(total / n_balls)
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
    s = np.sort(radii)
    m = s.size
    middle = s[m // 2] if m % 2 else (s[m // 2 - 1] + s[m // 2]) / 2.0
    limit = radius_factor * max(middle, mean_r)
    cleaned, n_clean, _, _ = _passes(Z, owner.copy(), n_balls, ids, next_id, CLEAN,
                                     min_support, split_size, limit, seed)
    if n_clean == 0:  # every ball too small to keep
        return centers, radii, sizes, owner, n_balls
    centers, radii, sizes = _balls(Z, cleaned, n_clean)
    return centers, radii, sizes, cleaned, n_balls


def granular_balls(Z, min_support, prune_kappa, seed, coarse_tol=0.0, rule="dm", split_size=20,
                   radius_factor=2.0):
    """Same contract as ``tsad_fast.kernels._numpy.granular.granular_balls``."""
    return _build(Z, max(1, math.isqrt(Z.shape[0])), 0 if rule == "dm" else 1, min_support,
                  float(prune_kappa), split_size, float(radius_factor), np.uint64(seed),
                  float(coarse_tol))
