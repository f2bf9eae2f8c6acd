"""Granular balls (GBOC; SPEC 1.2): the NumPy reference.

Every floating-point sum runs in a fixed sequential order (over dimensions for a squared
distance, over points in index order for sums and means) and every random draw comes from
SplitMix64 streams keyed by (seed, ball id), so that the Numba and C++ versions can reproduce
this construction bit for bit on any machine.

* Coarse partition: k-means into k0 = floor(sqrt(n)) clusters (k-means++ seeding with one
  candidate per step, then Lloyd until the assignment is stable, or the total squared shift of
  the centers in a step is at most ``tol`` (scikit-learn's rule; see ``shift_tolerance``), or
  ``max_iter`` steps).
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

MASK = (1 << 64) - 1
MAX_LLOYD = 100


class SplitMix64:
    """The SplitMix64 generator (Steele et al., 2014): 64-bit integers and doubles in [0, 1)."""

    def __init__(self, seed: int, key: int):
        self.state = (seed * 0x9E3779B97F4A7C15 + key * 0xBF58476D1CE4E5B9 + 1) & MASK

    def next_u64(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self) -> float:
        return (self.next_u64() >> 11) * 2.0 ** -53


def sq_dist(X: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Squared distances (n,) of the rows of X to c, summed over dimensions in order."""
    acc = np.zeros(X.shape[0])
    for j in range(X.shape[1]):
        diff = X[:, j] - c[j]
        acc += diff * diff
    return acc


def seq_sum(x: np.ndarray) -> float:
    """Sum in index order (np.sum would use pairwise summation)."""
    return float(np.cumsum(x)[-1]) if x.size else 0.0


def mean_rows(X: np.ndarray) -> np.ndarray:
    """Column means, each column summed in row order."""
    return np.cumsum(X, axis=0)[-1] / X.shape[0]


def kmeans_pp(X: np.ndarray, k: int, rng: SplitMix64) -> np.ndarray:
    """k-means++ seeding, one candidate per step: the first center uniform, each next one drawn
    with probability proportional to the squared distance to the nearest chosen center (the
    first point whose running sum exceeds u * total; uniform again when every distance is 0)."""
    n = X.shape[0]
    chosen = [min(int(rng.uniform() * n), n - 1)]
    d2 = sq_dist(X, X[chosen[0]])
    for _ in range(1, k):
        running = np.cumsum(d2)
        u = rng.uniform()
        if running[-1] > 0:
            index = min(int(np.searchsorted(running, u * running[-1], side="right")), n - 1)
        else:
            index = min(int(u * n), n - 1)
        chosen.append(index)
        d2 = np.minimum(d2, sq_dist(X, X[index]))
    return X[chosen].copy()


def assign(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Nearest center of each row (ties: the lowest index)."""
    distances = np.stack([sq_dist(X, c) for c in centers])
    return np.argmin(distances, axis=0)


def shift_tolerance(X: np.ndarray, tol: float) -> float:
    """scikit-learn's absolute tolerance: ``tol`` times the mean over columns of the column
    variances of X (population variance; every sum in index order)."""
    if tol == 0.0:
        return 0.0
    mean = mean_rows(X)
    variances = np.array([seq_sum((X[:, j] - mean[j]) ** 2) / X.shape[0]
                          for j in range(X.shape[1])])
    return tol * seq_sum(variances) / X.shape[1]


def lloyd(X: np.ndarray, centers: np.ndarray, max_iter: int = MAX_LLOYD,
          tol: float = 0.0) -> np.ndarray:
    """Lloyd's iterations from ``centers``; an empty cluster keeps its center. Stops when the
    assignment is stable or when a step moved the centers by a total squared shift <= ``tol``
    (absolute; 0 = only when stable). Returns labels."""
    labels = assign(X, centers)
    for _ in range(max_iter):
        previous = centers
        centers = centers.copy()
        for c in range(centers.shape[0]):
            members = X[labels == c]
            if members.shape[0]:
                centers[c] = mean_rows(members)
        new = assign(X, centers)
        if np.array_equal(new, labels):
            break
        labels = new
        shift = np.zeros(centers.shape[0])  # per center, summed over dimensions in order
        for j in range(centers.shape[1]):
            diff = centers[:, j] - previous[:, j]
            shift += diff * diff
        if seq_sum(shift) <= tol:
            break
    return labels


def kmeans(X: np.ndarray, k: int, rng: SplitMix64, tol: float = 0.0) -> np.ndarray:
    return lloyd(X, kmeans_pp(X, k, rng), tol=tol)


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
