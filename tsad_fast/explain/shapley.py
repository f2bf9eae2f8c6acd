"""Shapley values of a model's output for one input row, in-house and batched.

The value of a coalition S of features is the model's mean output when the features in S keep
the explained row's values and the others take each background row's values (interventional
SHAP, as ``shap.KernelExplainer`` computes it):

    v(S) = mean_b f(x_S, b_notS)

* ``exact_shapley`` enumerates every coalition: phi_i = sum_S |S|! (c-|S|-1)! / c! (v(S+i) - v(S)).
  O(2^c) model rows times the background size: for small c and for tests.
* ``kernel_shap`` is Kernel SHAP (Lundberg & Lee, 2017): the weighted least-squares fit of
  v over coalitions with the Shapley kernel, constrained to sum to v(all) - v(none). With every
  coalition enumerated it equals ``exact_shapley``; with ``n_coalitions`` sampled (sizes drawn
  by the kernel's weight, each with its complement) it estimates them.

``f`` takes rows (N, c) and returns (N,) outputs; every coalition's rows go through it in
batches, each distinct row once, so a torch model costs a few forward passes.
"""
from __future__ import annotations

import itertools
import math
from typing import Callable, Optional

import numpy as np

from tsad_fast._validation import as_float_array, check_int
from tsad_fast.config import get_config

def _values(f: Callable, x: np.ndarray, background: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """v(S) for each coalition mask (n_masks, c) of booleans."""
    m = background.shape[0]
    rows_per_mask = max(1, get_config()["shap_batch_rows"] // m)
    out = np.empty(masks.shape[0])
    for start in range(0, masks.shape[0], rows_per_mask):
        block = masks[start:start + rows_per_mask]
        rows = np.where(block[:, None, :], x[None, None, :], background[None, :, :])
        # a row recurs where a coalition repeats or x and a background row agree on the
        # features that differ: f sees each distinct row once (~17 % fewer on SMD)
        distinct, inverse = np.unique(rows.reshape(-1, x.size), axis=0, return_inverse=True)
        values = np.asarray(f(distinct), dtype=np.float64)
        if values.shape != (len(distinct),) or not np.isfinite(values).all():
            raise ValueError(f"f must return one finite value per row ({len(distinct)}), "
                             f"got shape {values.shape}")
        values = values[inverse.ravel()].reshape(len(block), m)
        out[start:start + len(block)] = values.mean(axis=1)
    return out


MAX_EXACT_FEATURES = 20  # 2^20 coalitions times the background: beyond that, sample


def _check(f, x, background):
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    x = as_float_array(np.ravel(x) if np.ndim(x) else x, "x")
    background = as_float_array(np.atleast_2d(background), "background", ndim=2)
    if background.shape[1] != x.size:
        raise ValueError(f"background has {background.shape[1]} columns, x has {x.size}")
    return x, background


def exact_shapley(f: Callable, x, background) -> np.ndarray:
    """Exact Shapley values (c,) of f at x against the background rows (m, c), c <= 20."""
    x, background = _check(f, x, background)
    c = x.size
    if c > MAX_EXACT_FEATURES:
        raise ValueError(f"x has {c} features; exact Shapley values enumerate 2^c coalitions "
                         f"(at most {MAX_EXACT_FEATURES} here): use kernel_shap with n_coalitions")
    masks = np.array(list(itertools.product([False, True], repeat=c)), dtype=bool)
    index = {tuple(m): i for i, m in enumerate(masks)}
    v = _values(f, x, background, masks)
    phi = np.zeros(c)
    for mask in masks:
        size = int(mask.sum())
        for i in np.flatnonzero(~mask):
            weight = math.factorial(size) * math.factorial(c - size - 1) / math.factorial(c)
            with_i = mask.copy()
            with_i[i] = True
            phi[i] += weight * (v[index[tuple(with_i)]] - v[index[tuple(mask)]])
    return phi


def _sampled_masks(c: int, n_coalitions: int, rng: np.random.Generator) -> np.ndarray:
    """Coalitions with 1..c-1 members, sizes drawn with the Shapley kernel's total weight per
    size, members uniform; each followed by its complement."""
    sizes = np.arange(1, c)
    weights = (c - 1) / (sizes * (c - sizes))
    weights /= weights.sum()
    masks = np.zeros((2 * (n_coalitions // 2 + 1), c), dtype=bool)
    for row in range(0, masks.shape[0], 2):
        members = rng.choice(c, size=rng.choice(sizes, p=weights), replace=False)
        masks[row, members] = True
        masks[row + 1] = ~masks[row]
    return masks


def kernel_shap(f: Callable, x, background, n_coalitions: Optional[int] = None,
                seed: int = 2024) -> np.ndarray:
    """Kernel SHAP values (c,) of f at x against the background rows (m, c).

    n_coalitions : None enumerates all 2^c - 2 proper coalitions (exact); otherwise that many
        sampled ones (paired with their complements) estimate the values.
    """
    x, background = _check(f, x, background)
    c = x.size
    if n_coalitions is not None:
        n_coalitions = check_int(n_coalitions, "n_coalitions", 1)
    elif c > MAX_EXACT_FEATURES:
        raise ValueError(f"x has {c} features; enumerating 2^c coalitions is out of reach: "
                         "give n_coalitions")
    if c == 1:
        ends = _values(f, x, background, np.array([[False], [True]]))
        return np.array([ends[1] - ends[0]])
    if n_coalitions is None or n_coalitions >= 2 ** c - 2:
        masks = np.array([m for m in itertools.product([False, True], repeat=c)
                          if 0 < sum(m) < c], dtype=bool)
        sizes = masks.sum(axis=1)
        weights = (c - 1) / (np.array([math.comb(c, int(s)) for s in sizes]) * sizes * (c - sizes))
    else:
        masks = _sampled_masks(c, n_coalitions, np.random.default_rng(seed))
        weights = np.ones(masks.shape[0])  # sizes already drawn by the kernel's weight
    v_none, v_all = _values(f, x, background, np.array([np.zeros(c, bool), np.ones(c, bool)]))
    v = _values(f, x, background, masks) - v_none
    total = v_all - v_none
    # eliminate the last feature: phi_c = total - sum(phi_<c)
    Z = masks[:, :-1].astype(np.float64) - masks[:, -1:].astype(np.float64)
    y = v - masks[:, -1] * total
    sw = np.sqrt(weights)
    head, *_ = np.linalg.lstsq(Z * sw[:, None], y * sw, rcond=None)
    return np.append(head, total - head.sum())
