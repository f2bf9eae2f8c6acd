"""Granular balls (GBOC, SPEC 1.2): the public kernel functions.

``granular_balls`` builds and prunes the balls of latent points; ``gb_dm`` and ``gb_split``
expose the distribution measure and one 2-means split for tests and experiments. The
construction is deterministic for a seed (SplitMix64 streams per ball, fixed summation orders;
see ``_numpy/granular.py``).

Backends: the NumPy reference, Numba and C++ (bit-identical: same streams, same summation
orders, no fused multiply-adds).
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from tsad_fast import _backend
from tsad_fast._validation import as_float_array, check_int
from tsad_fast.kernels._numpy import granular as _ref

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


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**64:
        raise TypeError(f"seed must be an integer in [0, 2**64), got {seed!r}")
    return int(seed)


def granular_balls(Z, min_support: int = 8, prune_kappa: float = 2.0, seed: int = 2024,
                   coarse_tol: float = 1e-4, backend: str = "auto") -> GranularBalls:
    """Granular balls of the rows of ``Z`` (n, d); see the module docstring and SPEC 1.2.

    min_support : int >= 1, the smallest child a split may create (rho)
    prune_kappa : float >= 0, balls with radius > mean + kappa * std of all radii are pruned
    seed : int, drives the k-means++ seeding of the coarse partition and of every split
    coarse_tol : float >= 0, the coarse k-means stops once a Lloyd step moves the centers by a
        total squared shift <= coarse_tol * (mean column variance of Z), as scikit-learn's
        ``KMeans(tol=1e-4)`` in the published construction does; 0 runs it until the assignment
        is stable. The 2-means splits always run until stable (at most 100 steps).
    """
    Z = as_float_array(Z, "Z", ndim=2)
    min_support = check_int(min_support, "min_support", 1)
    if isinstance(prune_kappa, bool) or not isinstance(prune_kappa, numbers.Real):
        raise TypeError(f"prune_kappa must be a real number, got {prune_kappa!r}")
    if not (np.isfinite(prune_kappa) and prune_kappa >= 0):
        raise ValueError(f"prune_kappa must be finite and >= 0, got {prune_kappa!r}")
    seed = _check_seed(seed)
    if isinstance(coarse_tol, bool) or not isinstance(coarse_tol, numbers.Real):
        raise TypeError(f"coarse_tol must be a real number, got {coarse_tol!r}")
    if not (np.isfinite(coarse_tol) and coarse_tol >= 0):
        raise ValueError(f"coarse_tol must be finite and >= 0, got {coarse_tol!r}")
    _, run = _backend.resolve("granular_balls", backend)
    # one absolute tolerance for every backend, computed once with the reference's sums
    tol = _ref.shift_tolerance(Z, float(coarse_tol))
    centers, radii, sizes, labels, before = run(Z, min_support, float(prune_kappa), seed, tol)
    return GranularBalls(centers, radii, sizes, labels, int(before))


def gb_dm(X) -> float:
    """Distribution measure of one ball: the mean distance of its points (n, d) to their mean."""
    return _ref.ball_stats(as_float_array(X, "X", ndim=2))[2]


def gb_split(X, seed: int = 2024, key: int = 1):
    """One 2-means split of a ball's points (n, d) with the stream (seed, key), as
    ``granular_balls`` draws it for the ball with id ``key``.

    Returns (labels 0/1 (n,), parent DM, size-weighted child DM; inf when a child is empty).
    """
    X = as_float_array(X, "X", ndim=2, min_length=2)
    return _ref.split_ball(X, _ref.SplitMix64(_check_seed(seed), check_int(key, "key", 0)))
