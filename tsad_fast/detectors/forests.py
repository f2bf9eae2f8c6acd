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
                  chunk: int = 65536) -> np.ndarray:
    """For each row of X (n, d), the sum over the trees of the value of the leaf it reaches
    (n,) float64."""
    left, right, feature, split, value = (forest[name] for name in FIELDS)
    total = np.zeros(X.shape[0])
    for start in range(0, X.shape[0], chunk):
        block = X[start:start + chunk]
        rows = np.arange(block.shape[0])
        for t in range(left.shape[0]):
            node = np.zeros(block.shape[0], dtype=np.int64)
            active = rows if left[t, 0] >= 0 else rows[:0]  # else a lone leaf
            while active.size:
                at = node[active]
                go_left = block[active, feature[t, at]] <= split[t, at]
                node[active] = np.where(go_left, left[t, at], right[t, at])
                active = active[left[t, node[active]] >= 0]
            total[start:start + chunk] += value[t, node]
    return total
