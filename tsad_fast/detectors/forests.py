"""Binary-tree forests as padded node arrays, so that a fitted forest is plain arrays (saved and
loaded without pickle) and scores the same after loading.

A forest of T trees with at most M nodes each: ``left``, ``right`` (T, M) child indices (-1 at a
leaf), ``feature`` (T, M) the column a node tests, ``split`` (T, M) (a row goes left when its
value is <= the split) and ``value`` (T, M) what a leaf contributes; node 0 is every tree's root.
"""
from __future__ import annotations

from typing import Dict

import numpy as np

FIELDS = ("left", "right", "feature", "split", "value")


def empty_forest(n_trees: int, max_nodes: int) -> Dict[str, np.ndarray]:
    """Arrays (n_trees, max_nodes) for :data:`FIELDS`, every node a leaf of value 0."""
    shape = (n_trees, max_nodes)
    return {"left": np.full(shape, -1, dtype=np.int64), "right": np.full(shape, -1, np.int64),
            "feature": np.zeros(shape, np.int64), "split": np.zeros(shape),
            "value": np.zeros(shape)}


def sum_of_leaves(forest: Dict[str, np.ndarray], X: np.ndarray,
                  elements: int = 1 << 20) -> np.ndarray:
    """For each row of X (n, d), the sum over the trees of the value of the leaf it reaches
    (n,) float64, the trees added in order. Every tree walks a block of rows at once, one
    level per step (about ``elements`` (tree, row) pairs a block), so a call costs a few
    NumPy operations per level, not per tree and level."""
    left, right, feature, split, value = (forest[name] for name in FIELDS)
    n_trees = left.shape[0]
    total = np.zeros(X.shape[0])
    chunk = max(1, elements // max(n_trees, 1))
    for start in range(0, X.shape[0], chunk):
        block = X[start:start + chunk]
        m = block.shape[0]
        node = np.zeros(n_trees * m, dtype=np.int64)  # (tree, row) pairs, tree-major
        active = np.flatnonzero(np.repeat(left[:, 0] >= 0, m))  # a lone leaf stays at 0
        while active.size:
            tree, row = np.divmod(active, m)
            at = node[active]
            go_left = block[row, feature[tree, at]] <= split[tree, at]
            node[active] = np.where(go_left, left[tree, at], right[tree, at])
            active = active[left[tree, node[active]] >= 0]
        leaves = value[np.repeat(np.arange(n_trees), m), node].reshape(n_trees, m)
        for t in range(n_trees):
            total[start:start + m] += leaves[t]
    return total
