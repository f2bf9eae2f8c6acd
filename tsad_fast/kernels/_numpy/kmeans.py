"""k-means (the inner loops of the granular-ball construction of GBOC): the NumPy reference.

Every floating-point sum runs in a fixed sequential order (over dimensions for a squared
distance, over points in index order for sums and means) and every random draw comes from a
SplitMix64 stream keyed by (seed, key), so that the Numba, C++ and CUDA versions reproduce the
labels bit for bit on any machine.

* ``kmeans_assign``: the nearest center of each point by the canonical squared distance, the
  terms (x_j - c_j)^2 summed over j in order (ties: the lowest index).
* ``kmeans``: k-means++ seeding with one candidate per step, then Lloyd until the assignment
  is stable, or the total squared shift of the centers in a step is at most ``tol``
  (scikit-learn's rule; see ``shift_tolerance``), or ``MAX_LLOYD`` steps.
"""
from __future__ import annotations

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


def kmeans_assign(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Labels (n,) int64: the nearest row of centers (k, d) for each row of X (n, d), by the
    canonical squared distance (ties: the lowest index)."""
    distances = np.stack([sq_dist(X, c) for c in centers])
    return np.argmin(distances, axis=0).astype(np.int64)


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
    labels = kmeans_assign(X, centers)
    for _ in range(max_iter):
        previous = centers
        centers = centers.copy()
        for c in range(centers.shape[0]):
            members = X[labels == c]
            if members.shape[0]:
                centers[c] = mean_rows(members)
        new = kmeans_assign(X, centers)
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
