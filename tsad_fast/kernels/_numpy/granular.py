"""Granular balls (GBOC; SPEC 1.2): the NumPy reference.

Every floating-point sum runs in a fixed sequential order and every random draw comes from
SplitMix64 streams keyed by (seed, ball id) (see ``_numpy/kmeans.py``), so that the Numba and
C++ versions reproduce this construction bit for bit on any machine.

* Coarse partition: k-means into k0 = floor(sqrt(n)) clusters (``_numpy/kmeans.py``: k-means++
  seeding, then Lloyd with scikit-learn's shift tolerance).
* Splitting: in repeated passes, every ball with at least 2*min_support points is split by
  2-means (same seeding and Lloyd, its own stream); the split is kept iff both children have
  at least min_support points and (|B1| DM(B1) + |B2| DM(B2)) / |B| < DM(B), where DM is the mean
  distance to the center. Children are tried in the next pass; a ball whose split was refused
  is final (its stream would refuse it again). Passes stop when one changes nothing.
* Balls: center = mean, radius = max distance. Pruning drops balls with radius > mean(R) +
  kappa * std(R) (population std over all radii).
"""
from __future__ import annotations

import math

import numpy as np

from tsad_fast.kernels._numpy.kmeans import SplitMix64, kmeans, mean_rows, seq_sum, sq_dist


def ball_stats(X: np.ndarray):
    """(center (d,), radius, DM) of a ball of points X."""
    center = mean_rows(X)
    distances = np.sqrt(sq_dist(X, center))
    return center, float(distances.max()), seq_sum(distances) / X.shape[0]


def split_ball(X: np.ndarray, rng: SplitMix64):
    """2-means of a ball's points X: (labels 0/1 (n,), parent DM, size-weighted child DM);
    the weighted DM is inf when a child is empty."""
    labels = kmeans(X, 2, rng)
    parent_dm = ball_stats(X)[2]
    sizes = [int(np.sum(labels == 0)), int(np.sum(labels == 1))]
    if min(sizes) == 0:
        return labels, parent_dm, math.inf
    weighted = (sizes[0] * ball_stats(X[labels == 0])[2]
                + sizes[1] * ball_stats(X[labels == 1])[2]) / X.shape[0]
    return labels, parent_dm, weighted


def try_split(Z: np.ndarray, members: np.ndarray, rng: SplitMix64, min_support: int):
    """The two children (index arrays) of a ball if its 2-means split is accepted, else None."""
    labels, parent_dm, weighted = split_ball(Z[members], rng)
    children = [members[labels == 0], members[labels == 1]]
    if min(len(children[0]), len(children[1])) < min_support or not weighted < parent_dm:
        return None
    return children


def granular_balls(Z, min_support, prune_kappa, seed, coarse_tol=0.0):
    """Returns (centers (m, d), radii (m,), sizes (m,), labels (n,), n_before_pruning).
    ``coarse_tol``: the coarse k-means' absolute shift tolerance (``shift_tolerance``)."""
    n = Z.shape[0]
    coarse = kmeans(Z, max(1, math.isqrt(n)), SplitMix64(seed, 0), tol=coarse_tol)
    balls = [np.flatnonzero(coarse == c) for c in range(coarse.max() + 1)]
    balls = [b for b in balls if b.size]
    ids = list(range(1, len(balls) + 1))
    final = [False] * len(balls)
    next_id = len(balls) + 1
    changed = True
    while changed:
        changed = False
        new_balls, new_ids, new_final = [], [], []
        for members, ball_id, done in zip(balls, ids, final):
            children = None
            if not done and members.size >= 2 * min_support:
                children = try_split(Z, members, SplitMix64(seed, ball_id), min_support)
            if children is None:
                new_balls.append(members)
                new_ids.append(ball_id)
                new_final.append(True)
            else:
                changed = True
                for child in children:
                    new_balls.append(child)
                    new_ids.append(next_id)
                    new_final.append(False)
                    next_id += 1
        balls, ids, final = new_balls, new_ids, new_final
    stats = [ball_stats(Z[b]) for b in balls]
    radii = np.array([s[1] for s in stats])
    mean_r = seq_sum(radii) / radii.size
    std_r = math.sqrt(seq_sum((radii - mean_r) ** 2) / radii.size)
    keep = radii <= mean_r + prune_kappa * std_r
    labels = np.full(n, -1, dtype=np.int64)
    kept = [i for i in range(len(balls)) if keep[i]]
    for new_index, i in enumerate(kept):
        labels[balls[i]] = new_index
    centers = np.array([stats[i][0] for i in kept]).reshape(len(kept), Z.shape[1])
    sizes = np.array([balls[i].size for i in kept], dtype=np.int64)
    return centers, radii[keep], sizes, labels, len(balls)
