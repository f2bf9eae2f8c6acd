"""MV-MTF (Moon §IV-A, the multivariate Markov transition field): the NumPy reference.

Three steps, each shared or mirrored by the compiled backends:

* the bins: ``mtf_quantiles`` (per variable, NumPy's linear percentiles at the candidates'
  levels and how many values lie at or below each), ``choose_edges`` (shared by every backend:
  per variable the candidate bin count of the highest entropy) and ``mtf_digitize``
  (``B[t, u]``, the bin of ``X[t, u]``); ``bin_edges`` and ``digitize`` compose them.
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
    return edges[kept_edges(edges)]


def kept_edges(edges: np.ndarray) -> List[int]:
    """Indices of the edges that ``merge_edges`` keeps."""
    kept = [0]
    for i in range(1, len(edges)):
        if edges[i] - edges[kept[-1]] > MERGE_TOL:
            kept.append(i)
    return kept


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


def levels(candidates: Sequence[int]) -> np.ndarray:
    """The percentile levels (%) of every candidate's edges, increasing and distinct."""
    return np.array(sorted({100.0 * q / n_bins for n_bins in candidates for q in range(1, n_bins)}))


def lerp(below: float, above: float, gamma: float) -> float:
    """NumPy's linear interpolation between neighbouring order statistics (``np.percentile``,
    method "linear", NumPy >= 1.22): from the nearer end, so that gamma = 1 gives ``above``."""
    step = above - below
    return above - step * (1.0 - gamma) if gamma >= 0.5 else below + step * gamma


def mtf_quantiles(X: np.ndarray, fractions: np.ndarray):
    """(Q (L, c) float64, at_most (L, c) int64) of X (n, c) at the increasing quantile
    ``fractions`` (L,) in [0, 1]: ``Q[l, u]`` is ``np.percentile(X[:, u], 100 * fractions[l])``
    and ``at_most[l, u]`` the number of values of variable u at or below it. One sort per
    variable, loops over the levels."""
    n, c = X.shape
    ordered = np.sort(X, axis=0)
    Q = np.empty((len(fractions), c))
    for l, fraction in enumerate(fractions):
        virtual = (n - 1) * fraction
        i = int(np.floor(virtual))
        for u in range(c):
            Q[l, u] = (ordered[n - 1, u] if virtual >= n - 1 else
                       lerp(ordered[i, u], ordered[i + 1, u], virtual - i))
    at_most = np.empty(Q.shape, dtype=np.int64)
    for u in range(c):
        at_most[:, u] = np.searchsorted(ordered[:, u], Q[:, u], side="right")
    return Q, at_most


def candidate_rows(candidates: Sequence[int]) -> List[np.ndarray]:
    """Per candidate bin count (increasing), the rows of its edges in ``levels(candidates)``."""
    row = {level: i for i, level in enumerate(levels(candidates))}
    return [np.array([row[100.0 * q / n_bins] for q in range(1, n_bins)]) for n_bins in candidates]


def choose_edges_reference(Q: np.ndarray, at_most: np.ndarray, n: int,
                           candidates: Sequence[int]) -> List[np.ndarray]:
    """Per variable, the merged edges of the candidate bin count whose bins have the strictly
    highest entropy (ties keep the smaller count), from ``mtf_quantiles`` at ``levels(candidates)``
    (a value x lies in bin i when edges[i-1] < x <= edges[i], so a bin's count is a difference of
    ``at_most``). One variable and one candidate at a time: the definition."""
    candidates = sorted(candidates)
    chosen = []
    for u in range(Q.shape[1]):
        best, best_h = None, -np.inf
        for index in candidate_rows(candidates):
            kept = index[kept_edges(Q[index, u])]
            counts = np.diff(np.concatenate([[0], at_most[kept, u], [n]]))
            h = entropy_of_counts(counts)
            if h > best_h:
                best, best_h = Q[kept, u], h
        chosen.append(best)
    return chosen


# Relative lead by which the best candidate's entropy, computed for every variable at once (each
# value within ~1e-15 of the per-variable sums), must beat the others to decide the choice;
# closer calls, and variables whose edges merge, take the per-variable reference.
ENTROPY_MARGIN = 1e-12


def choose_edges(Q: np.ndarray, at_most: np.ndarray, n: int,
                 candidates: Sequence[int]) -> List[np.ndarray]:
    """``choose_edges_reference``'s choice, the same for every variable, with the entropies of
    every variable and candidate computed at once (a few array operations instead of a few
    hundred small ones); a variable goes through the reference when one of its candidates' edges
    merge or when its best two candidates are within ``ENTROPY_MARGIN``."""
    candidates = sorted(candidates)
    rows = candidate_rows(candidates)
    c = Q.shape[1]
    entropies = np.empty((len(rows), c))
    clean = np.ones(c, dtype=bool)  # no edge within MERGE_TOL of the previous one
    for r, index in enumerate(rows):
        clean &= (np.diff(Q[index], axis=0) > MERGE_TOL).all(axis=0)
        counts = np.diff(at_most[index], axis=0, prepend=0, append=n)  # (bins, c)
        p = counts / n
        with np.errstate(divide="ignore", invalid="ignore"):
            entropies[r] = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=0)
    best = entropies.argmax(axis=0)
    top = entropies[best, np.arange(c)]
    others = np.where(np.arange(len(rows))[:, None] == best[None, :], -np.inf, entropies)
    decided = clean & (top - others.max(axis=0, initial=-np.inf) > ENTROPY_MARGIN * np.abs(top))
    return [Q[rows[best[u]], u] if decided[u] else
            choose_edges_reference(Q[:, u:u + 1], at_most[:, u:u + 1], n, candidates)[0]
            for u in range(c)]


def bin_edges(X: np.ndarray, candidates: Sequence[int]) -> List[np.ndarray]:
    """Per variable of X (n, c), the edges of the highest-entropy candidate (``choose_edges``)."""
    return choose_edges(*mtf_quantiles(X, levels(candidates) / 100.0), X.shape[0], candidates)


def padded_edges(edges: List[np.ndarray]) -> np.ndarray:
    """The variables' edges as one array (c, longest) float64, padded with +inf."""
    E = np.full((len(edges), max(e.size for e in edges)), np.inf)
    for u, e in enumerate(edges):
        E[u, :e.size] = e
    return E


def mtf_digitize(X: np.ndarray, E: np.ndarray) -> np.ndarray:
    """Bins (n, c) int32 of X (n, c) with the padded edges E (c, m) (``padded_edges``):
    ``B[t, u]`` = the number of edges of u below ``X[t, u]`` (``searchsorted`` side left)."""
    B = np.empty(X.shape, dtype=np.int32)
    for u in range(X.shape[1]):
        B[:, u] = np.searchsorted(E[u], X[:, u], side="left")
    return B


def digitize(X: np.ndarray, edges: List[np.ndarray]) -> np.ndarray:
    """Bins (n, c) int32: ``B[t, u] = searchsorted(edges[u], X[t, u], side='left')``."""
    return mtf_digitize(X, padded_edges(edges))


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
