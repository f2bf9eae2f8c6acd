"""MV-MTF (Moon, SPEC 1.1): the NumPy reference.

Three steps, each shared or mirrored by the compiled backends:

* ``bin_edges`` / ``digitize`` (shared by every backend): per variable, quantile bins chosen by
  entropy among the candidate counts; ``B[t, u]`` is the bin of ``X[t, u]``.
* ``mtf_transitions``: ``W[u, k, a, b]`` = share of the steps t >= 1 with ``B[t-1, u] = a`` that
  have ``B[t, k] = b`` (each row normalised to sum 1; a row with no step stays 0).
* ``mtf_field``: ``F[t, u] = scale * (alpha * m_uu[t] + (1 - alpha) * sum_{k != u} w_uk * m_uk[t])``
  with ``m_uk[t] = W[u, k, B[t-1, u], B[t, k]]`` for t >= 1 and ``W[u, k, B[0, u], B[0, k]]``
  for t = 0: only consecutive timestamps, so the cost is O(c^2 n), not the n x n image.
"""
from __future__ import annotations

from typing import List, Sequence

import numpy as np

MERGE_TOL = 1e-8


def merge_edges(edges: np.ndarray) -> np.ndarray:
    """Edges in increasing order, each one within MERGE_TOL of the previous kept edge dropped."""
    kept = [edges[0]]
    for edge in edges[1:]:
        if edge - kept[-1] > MERGE_TOL:
            kept.append(edge)
    return np.array(kept)


def candidate_edges(x: np.ndarray, n_bins: int) -> np.ndarray:
    """Quantile edges of one variable for ``n_bins`` bins: ``np.percentile(x, 100 q / n_bins)``
    for q = 1 .. n_bins - 1, merged (``merge_edges``)."""
    return merge_edges(np.percentile(x, [100.0 * q / n_bins for q in range(1, n_bins)]))


def entropy(bins: np.ndarray) -> float:
    """Natural-log entropy of the bin frequencies of bin indices (n,)."""
    return entropy_of_counts(np.bincount(bins))


def entropy_of_counts(counts: np.ndarray) -> float:
    p = counts / counts.sum()
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


def bin_edges(X: np.ndarray, candidates: Sequence[int]) -> List[np.ndarray]:
    """Per variable, the edges (``candidate_edges``) of the candidate bin count whose bins have
    the strictly highest entropy on X (n, c); ties keep the smaller count.

    Every percentile of every candidate comes from one ``np.percentile`` call over the whole
    matrix, and a candidate's bin counts from its edges located in the sorted column (a value
    x lies in bin i when edges[i-1] < x <= edges[i]), so no candidate costs O(n).
    """
    candidates = sorted(candidates)
    levels = sorted({100.0 * q / n_bins for n_bins in candidates for q in range(1, n_bins)})
    row = {level: i for i, level in enumerate(levels)}
    quantiles = np.percentile(X, levels, axis=0)  # (len(levels), c)
    ordered = np.sort(X, axis=0)
    chosen = []
    for u in range(X.shape[1]):
        best, best_h = None, -np.inf
        for n_bins in candidates:
            edges = merge_edges(quantiles[[row[100.0 * q / n_bins] for q in range(1, n_bins)], u])
            at_most = np.searchsorted(ordered[:, u], edges, side="right")
            counts = np.diff(np.concatenate([[0], at_most, [X.shape[0]]]))
            h = entropy_of_counts(counts)
            if h > best_h:
                best, best_h = edges, h
        chosen.append(best)
    return chosen


def digitize(X: np.ndarray, edges: List[np.ndarray]) -> np.ndarray:
    """Bins (n, c) int32: ``B[t, u] = searchsorted(edges[u], X[t, u], side='left')``."""
    B = np.empty(X.shape, dtype=np.int32)
    for u, e in enumerate(edges):
        B[:, u] = np.searchsorted(e, X[:, u], side="left")
    return B


def mtf_transitions(B: np.ndarray, n_bins: np.ndarray) -> np.ndarray:
    """W (c, c, qmax, qmax) float64 from bins B (n, c); ``n_bins[u]`` bins of variable u."""
    n, c = B.shape
    qmax = int(n_bins.max())
    W = np.zeros((c, c, qmax, qmax))
    for u in range(c):
        for k in range(c):
            np.add.at(W[u, k], (B[:-1, u], B[1:, k]), 1.0)
    totals = W.sum(axis=3, keepdims=True)
    return np.divide(W, totals, out=np.zeros_like(W), where=totals > 0)


def mtf_field(B: np.ndarray, W: np.ndarray, weights: np.ndarray, alpha: float,
          scale: float) -> np.ndarray:
    """F (n, c) float64 from bins B (n, c), W (c, c, qmax, qmax) and the cross weights (c, c)
    (the diagonal is ignored)."""
    n, c = B.shape
    prev = np.concatenate([B[:1], B[:-1]])  # B[t-1] for t >= 1, B[0] for t = 0
    F = np.zeros((n, c))
    for u in range(c):
        own = W[u, u][prev[:, u], B[:, u]]
        cross = np.zeros(n)
        for k in range(c):
            if k != u:
                cross += weights[u, k] * W[u, k][prev[:, u], B[:, k]]
        F[:, u] = scale * (alpha * own + (1.0 - alpha) * cross)
    return F
