"""Granular balls (GBOC: our reading of the paper's rule, and the authors' code): the public
kernel functions.

``granular_balls`` builds and prunes the balls of latent points, by the paper's rule as we read
it (``rule="dm"``: distribution-measure splits, radius pruning; the paper's Definitions 2-3
and eq. 5) or by the GBOC authors' published construction (``rule="density"``: density
splits, then small balls dropped and wide ones split); ``gb_dm`` and ``gb_split`` expose the
distribution measure and one 2-means split for tests and experiments. The
construction is deterministic for a seed (SplitMix64 streams per ball, fixed summation orders;
see ``_numpy/granular.py``).

Backends: the NumPy reference, Numba and C++ (bit-identical: same streams, same summation
orders, no fused multiply-adds).
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from tsad_fast import _backend
from tsad_fast._validation import as_float_array, check_int, check_real
from tsad_fast.kernels import kmeans  # noqa: F401  (registers shift_tolerance)
from tsad_fast.kernels._numpy import granular as _ref
from tsad_fast.kernels._numpy.kmeans import SplitMix64

_backend.register(
    "granular_balls",
    cpp="tsad_fast._core:granular_balls",
    numba="tsad_fast.kernels._numba.granular:granular_balls",
    numpy="tsad_fast.kernels._numpy.granular:granular_balls",
)


@dataclass(frozen=True)
class GranularBalls:
    """Retained balls: ``centers`` (m, d) float64, ``radii`` (m,) (max distance of a member to
    its center), ``sizes`` (m,) int64, ``labels`` (n,) int64 (the ball of each point, -1 when its
    ball was pruned), ``n_before_pruning``."""

    centers: np.ndarray
    radii: np.ndarray
    sizes: np.ndarray
    labels: np.ndarray
    n_before_pruning: int


def check_extent(X: np.ndarray, name: str) -> np.ndarray:
    """Refuse points (n, d) whose sums over points or squared distances overflow float64: the
    construction sums at most n values (of magnitude at most max |X|) or n squared distances
    to points or means, each at most the sum over columns of the squared reach: the column's
    span, plus the rounding of a mean of n values (n eps max |X_j|)."""
    n = X.shape[0]
    with np.errstate(over="ignore"):
        top = np.abs(X).max(axis=0)
        reach = X.max(axis=0) - X.min(axis=0) + n * np.finfo(np.float64).eps * top
        bound = n * (top.max() + np.sum(reach * reach))
    if not np.isfinite(bound):
        raise ValueError(f"{name}: values too large (up to {top.max():.3g} over {n} points): "
                         "the sums and squared distances of the construction overflow float64; "
                         f"rescale {name}")
    return X


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**64:
        raise TypeError(f"seed must be an integer in [0, 2**64), got {seed!r}")
    return int(seed)


RULES = ("dm", "density")


def granular_balls(Z, min_support: int = 8, prune_kappa: float = 2.0, seed: int = 2024,
                   coarse_tol: float = 1e-4, backend: str = "auto", rule: str = "dm",
                   split_size: int = 20, radius_factor: float = 2.0) -> GranularBalls:
    """Granular balls of the rows of ``Z`` (n, d); see the module docstring.

    Both rules start from a coarse k-means into floor(sqrt(n)) balls and split balls by a seeded
    2-means (k-means++ seeding, Lloyd until stable, at most 100 steps).

    Parameters
    ----------
    rule : ``"dm"`` (the paper's rule as we read it): a split is kept when both children have
        at least ``min_support`` points and their size-weighted distribution measure (mean
        distance to the center) is smaller than the parent's; then balls with radius > mean +
        kappa * std of all radii are pruned. ``"density"`` (the GBOC authors' code): balls of at
        least ``split_size`` points are split when the size-weighted child density
        n / (sum of distances to the center) beats the parent's; then balls of at most
        ``min_support`` points are dropped and balls wider than ``radius_factor`` times
        max(median, mean) of the radii are split, until nothing changes.
    min_support : int >= 1; "dm": the smallest child a split may create (rho); "density":
        balls of at most this many points are dropped (the authors' 8)
    prune_kappa : float >= 0, the "dm" rule's pruning width
    split_size : int >= 2, the "density" rule's smallest ball that is split (the authors' 20)
    radius_factor : float > 0, the "density" rule's radius limit in units of max(median, mean)
    seed : int, drives the k-means++ seeding of the coarse partition and of every split
    coarse_tol : float >= 0, the coarse k-means stops once a Lloyd step moves the centers by a
        total squared shift <= coarse_tol * (mean column variance of Z), as scikit-learn's
        ``KMeans(tol=1e-4)`` in the published construction does; 0 runs it until the assignment
        is stable.
    """
    Z = check_extent(as_float_array(Z, "Z", ndim=2), "Z")
    min_support = check_int(min_support, "min_support", 1)
    prune_kappa = check_real(prune_kappa, "prune_kappa", 0.0, math.inf, high_open=True)
    seed = _check_seed(seed)
    coarse_tol = check_real(coarse_tol, "coarse_tol", 0.0, math.inf, high_open=True)
    rule = check_rule(rule)
    split_size = check_int(split_size, "split_size", 2)
    radius_factor = check_real(radius_factor, "radius_factor", 0.0, math.inf, low_open=True,
                               high_open=True)
    return granular_balls_unchecked(Z, min_support, prune_kappa, seed, coarse_tol, backend, rule,
                                    split_size, radius_factor)


def check_rule(rule) -> str:
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    return rule


def granular_balls_unchecked(Z: np.ndarray, min_support: int, prune_kappa: float, seed: int,
                             coarse_tol: float, backend: str = "auto", rule: str = "dm",
                             split_size: int = 20,
                             radius_factor: float = 2.0) -> GranularBalls:
    """The construction for validated arguments (Z a finite C-contiguous float64 (n >= 1, d)
    array, the others as ``granular_balls`` checks them), for callers that produced Z
    themselves."""
    _, run = _backend.resolve("granular_balls", backend)
    tol = _backend.resolve("shift_tolerance", backend)[1](Z, coarse_tol)
    centers, radii, sizes, labels, before = run(Z, min_support, prune_kappa, seed, tol, rule,
                                                split_size, radius_factor)
    return GranularBalls(centers, radii, sizes, labels, int(before))


def gb_dm(X) -> float:
    """Distribution measure of one ball: the mean distance of its points (n, d) to their mean."""
    return _ref.ball_stats(check_extent(as_float_array(X, "X", ndim=2), "X"))[2]


def gb_split(X, seed: int = 2024, key: int = 1):
    """One 2-means split of a ball's points (n, d) with the stream (seed, key), as
    ``granular_balls`` draws it for the ball with id ``key``.

    Returns (labels 0/1 (n,), parent DM, size-weighted child DM; inf when a child is empty).
    """
    X = check_extent(as_float_array(X, "X", ndim=2, min_length=2), "X")
    return _ref.split_ball(X, SplitMix64(_check_seed(seed), check_int(key, "key", 0)))
