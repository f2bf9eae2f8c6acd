"""Granular balls in Numba: the reference construction of _numpy/granular.py with the same
random streams and summation orders (the k-means of _numba/kmeans.py), so the result is
bit-identical."""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from tsad_fast.kernels._numba.kmeans import kmeans, sq_point, stream


@njit(cache=True, nogil=True)
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
        dist = math.sqrt(sq_point(X, i, center))
        radius = max(radius, dist)
        total += dist
    return center, radius, total / n


@njit(cache=True, nogil=True)
def _build(Z, k0, min_support, prune_kappa, seed, coarse_tol):
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
                labels = kmeans(X, 2, stream(seed, ids[b]), 0.0)
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
