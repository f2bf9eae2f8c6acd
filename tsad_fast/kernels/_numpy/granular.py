"""Granular balls (GBOC: our reading of the paper's rule, and the authors' code): the NumPy
reference of both construction rules.

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

That is ``rule="dm"`` (the paper's Definitions 2-3 and eq. 5 as we read them).
``rule="density"`` is the GBOC authors' construction (their published code), on the same
coarse partition and the same seeded 2-means:

* Splitting: in repeated passes, every ball with at least ``split_size`` points is split; the
  split is kept iff both children are non-empty and the size-weighted child density
  ``(|B1|/|B|) rho(B1) + (|B2|/|B|) rho(B2)`` is strictly larger than rho(B), where
  ``rho = |B| / S`` with S the sum of the distances to the center (``|B|`` when S = 0).
* Cleaning: with R = max(median, mean) of the radii after splitting, repeated passes drop every
  ball of at most ``min_support`` points and split (2-means, non-empty children) every other
  ball whose radius exceeds ``radius_factor * R``, until a pass changes nothing. When every
  ball would be dropped (tiny inputs), the balls after splitting are kept instead.
"""
from __future__ import annotations

import math

import numpy as np

from tsad_fast.kernels._numpy.kmeans import SplitMix64, kmeans, mean_rows, seq_sum, sq_dist


def ball_stats(X: np.ndarray):
    """(center (d,), radius, DM) of a ball of points X."""
    center, radius, total = ball_sums(X)
    return center, radius, total / X.shape[0]


def ball_sums(X: np.ndarray):
    """(center (d,), radius, S): S the sum of the distances of the points X to their center."""
    center = mean_rows(X)
    distances = np.sqrt(sq_dist(X, center))
    return center, float(distances.max()), seq_sum(distances)


def density(n: int, total: float) -> float:
    """The authors' ball density n / S (n when S = 0)."""
    return n / total if total != 0.0 else float(n)


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


def try_density_split(Z: np.ndarray, members: np.ndarray, rng: SplitMix64):
    """The two children of a ball if their size-weighted density beats the ball's, else None."""
    X = Z[members]
    labels = kmeans(X, 2, rng)
    children = [members[labels == 0], members[labels == 1]]
    if min(len(children[0]), len(children[1])) == 0:
        return None
    n = members.size
    parent = density(n, ball_sums(X)[2])
    weighted = (children[0].size / n) * density(children[0].size, ball_sums(X[labels == 0])[2]) \
        + (children[1].size / n) * density(children[1].size, ball_sums(X[labels == 1])[2])
    return children if weighted > parent else None


def split_passes(balls, ids, next_id, decide):
    """Passes over the balls until one changes nothing. ``decide(members, ball_id)`` returns
    None (the ball is final), ``()`` (the ball is dropped) or its two children (tried again in
    the next pass). Returns (balls, ids, next_id)."""
    final = [False] * len(balls)
    changed = True
    while changed:
        changed = False
        new_balls, new_ids, new_final = [], [], []
        for members, ball_id, done in zip(balls, ids, final):
            children = None if done else decide(members, ball_id)
            if children is None:
                new_balls.append(members)
                new_ids.append(ball_id)
                new_final.append(True)
                continue
            changed = True
            for child in children:
                new_balls.append(child)
                new_ids.append(next_id)
                new_final.append(False)
                next_id += 1
        balls, ids, final = new_balls, new_ids, new_final
    return balls, ids, next_id


def median(x: np.ndarray) -> float:
    """np.median's value: the middle of the sorted values, or the mean of the middle two."""
    s = np.sort(x)
    m = s.size
    return float(s[m // 2]) if m % 2 else float((s[m // 2 - 1] + s[m // 2]) / 2.0)


def granular_balls(Z, min_support, prune_kappa, seed, coarse_tol=0.0, rule="dm",
                   split_size=20, radius_factor=2.0):
    """Returns (centers (m, d), radii (m,), sizes (m,), labels (n,), n_before_pruning).
    ``coarse_tol``: the coarse k-means' absolute shift tolerance (``shift_tolerance``);
    ``split_size`` and ``radius_factor`` are the density rule's (see the module docstring)."""
    n = Z.shape[0]
    coarse = kmeans(Z, max(1, math.isqrt(n)), SplitMix64(seed, 0), tol=coarse_tol)
    balls = [np.flatnonzero(coarse == c) for c in range(coarse.max() + 1)]
    balls = [b for b in balls if b.size]
    ids = list(range(1, len(balls) + 1))
    if rule == "dm":
        def decide(members, ball_id):
            if members.size < 2 * min_support:
                return None
            return try_split(Z, members, SplitMix64(seed, ball_id), min_support)
    else:
        def decide(members, ball_id):
            if members.size < split_size:
                return None
            return try_density_split(Z, members, SplitMix64(seed, ball_id))
    balls, ids, next_id = split_passes(balls, ids, len(balls) + 1, decide)
    stats = [ball_stats(Z[b]) for b in balls]
    radii = np.array([s[1] for s in stats])
    if rule == "dm":
        mean_r = seq_sum(radii) / radii.size
        std_r = math.sqrt(seq_sum((radii - mean_r) ** 2) / radii.size)
        keep = radii <= mean_r + prune_kappa * std_r
        return _result(Z, balls, stats, keep, radii)
    limit = radius_factor * max(median(radii), seq_sum(radii) / radii.size)

    def clean(members, ball_id):
        if members.size <= min_support:
            return ()
        if not ball_stats(Z[members])[1] > limit:
            return None
        labels = kmeans(Z[members], 2, SplitMix64(seed, ball_id))
        children = [members[labels == 0], members[labels == 1]]
        return None if min(children[0].size, children[1].size) == 0 else children

    cleaned, _, _ = split_passes(balls, ids, next_id, clean)
    if not cleaned:  # every ball too small to keep
        return _result(Z, balls, stats, np.ones(len(balls), dtype=bool), radii)
    stats = [ball_stats(Z[b]) for b in cleaned]
    radii_after = np.array([s[1] for s in stats])
    return _result(Z, cleaned, stats, np.ones(len(cleaned), dtype=bool), radii_after,
                   n_before=len(balls))


def _result(Z, balls, stats, keep, radii, n_before=None):
    n = Z.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    kept = [i for i in range(len(balls)) if keep[i]]
    for new_index, i in enumerate(kept):
        labels[balls[i]] = new_index
    centers = np.array([stats[i][0] for i in kept]).reshape(len(kept), Z.shape[1])
    sizes = np.array([balls[i].size for i in kept], dtype=np.int64)
    return centers, radii[keep], sizes, labels, len(balls) if n_before is None else n_before
