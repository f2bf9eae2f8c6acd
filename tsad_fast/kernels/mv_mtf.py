"""MV-MTF (Moon §IV-A, eqs. 3-8): multivariate Markov transition fields in O(c^2 n).

``mv_mtf(X)`` converts a multivariate series X (n, c) into F (n, c): ``F[t, u]`` mixes the
transition probability of variable u from t-1 to t with the cross-transition probabilities from
u at t-1 to every other variable k at t (weights ``omega``; ``alpha`` on the own term). Only
consecutive timestamps enter, so no n x n image is formed.

``MVMTF`` separates learning from applying (the inductive mode the published code lacks):
``fit(X_train)`` learns each variable's quantile bins (bin count by maximal entropy among
``bins``) and the transition matrices; ``transform(X)`` applies them to new data;
``fit_transform(X)`` is the published behaviour (fit on the converted segment itself), which is
also what ``mv_mtf`` computes.

Backends: the NumPy reference, Numba and C++ for every step (OpenMP over variables for the
quantiles and the counts, over timestamps for the binning and the field), CUDA for the transition
counts and the field; the entropy choice among the candidate bin counts (a few numbers per
variable) is shared NumPy code. The quantiles and bins are the same bit for bit on every backend;
the field's cross sum may be formed with fused multiply-adds on the GPU, so backends agree to
~1e-15 there.
"""
from __future__ import annotations

import numbers
from typing import Iterable, Union

import numpy as np

from tsad_fast import _backend
from tsad_fast._validation import as_float_array, as_series
from tsad_fast.kernels._numpy import mv_mtf as _ref

for _name in ("mtf_quantiles", "mtf_digitize", "mtf_transitions", "mtf_field"):
    _backend.register(
        _name,
        cpp=f"tsad_fast._core:{_name}",
        numba=f"tsad_fast.kernels._numba.mv_mtf:{_name}",
        numpy=f"tsad_fast.kernels._numpy.mv_mtf:{_name}",
        **({"cuda": f"tsad_fast._cuda:{_name}"} if _name in ("mtf_transitions", "mtf_field")
           else {}),
    )


class MVMTF:
    """MV-MTF transformer.

    Parameters
    ----------
    alpha : float in [0, 1], weight of a variable's own transitions
    bins : iterable of int >= 2, candidate bin counts (default 6 .. 11)
    omega : ``"mean"`` (1 / (c - 1) for every other variable: the paper's average),
        ``"reference"`` (weights 1 and the whole field divided by c, as the published code), or
        an array (c, c) of weights (its diagonal is ignored)
    backend : kernel backend for the transition counts and the field

    Attributes after ``fit``: ``edges_`` (list of c arrays), ``n_bins_`` (c,) int,
    ``transitions_`` (c, c, qmax, qmax): ``transitions_[u, k, a, b]`` is the probability that
    variable k is in bin b at t given that u was in bin a at t - 1.
    """

    def __init__(self, alpha: float = 0.9, bins: Iterable[int] = range(6, 12),
                 omega: Union[str, np.ndarray] = "mean", backend: str = "auto"):
        self.alpha = alpha
        self.bins = bins
        self.omega = omega
        self.backend = backend

    def _check_params(self):
        if isinstance(self.alpha, bool) or not isinstance(self.alpha, numbers.Real):
            raise TypeError(f"alpha must be a real number, got {self.alpha!r}")
        if not 0.0 <= float(self.alpha) <= 1.0:
            raise ValueError(f"alpha must lie in [0, 1], got {self.alpha!r}")
        try:
            candidates = sorted(set(self.bins))
        except TypeError:
            raise TypeError(f"bins must be an iterable of integers, got {self.bins!r}") from None
        if not candidates or any(isinstance(b, bool) or not isinstance(b, numbers.Integral)
                                 or b < 2 for b in candidates):
            raise ValueError(f"bins must hold integers >= 2, got {self.bins!r}")
        return float(self.alpha), [int(b) for b in candidates]

    def _weights(self, c: int):
        """(weights (c, c), scale) for the field."""
        omega = self.omega
        if isinstance(omega, str):
            if omega == "mean":
                return np.full((c, c), 1.0 / max(c - 1, 1)), 1.0
            if omega == "reference":
                return np.ones((c, c)), 1.0 / c
            raise ValueError(f"omega must be 'mean', 'reference' or a (c, c) array, got {omega!r}")
        weights = as_float_array(omega, "omega", ndim=2)
        if weights.shape != (c, c):
            raise ValueError(f"omega must have shape ({c}, {c}), got {weights.shape}")
        with np.errstate(over="ignore"):  # |F| is at most the sum of |weights| of a row
            reach = np.abs(weights - np.diag(np.diag(weights))).sum(axis=1).max()
        if not np.isfinite(reach):
            raise ValueError("omega: weights too large: the field's weighted sums overflow "
                             "float64; rescale omega")
        return weights, 1.0

    def fit(self, X) -> "MVMTF":
        """Learn the bins and the transition matrices of X (n >= 2, c); 1-D is one variable."""
        self._fit(X)
        return self

    def _fit(self, X) -> np.ndarray:
        """``fit``; returns the validated X's bins (n, c)."""
        _, candidates = self._check_params()
        X = as_series(X, "X")
        if X.shape[0] < 2:
            raise ValueError(f"X has {X.shape[0]} row(s); at least 2 timestamps are needed")
        with np.errstate(over="ignore"):  # the quantile bins interpolate between neighbours
            # one spread over all of X (two contiguous reductions): no column's can be wider
            if not np.isfinite(X.max() - X.min()):  # only then can neighbours be that far
                wide = np.flatnonzero(~np.isfinite(np.diff(np.sort(X, axis=0), axis=0)).all(axis=0))
                if wide.size:
                    raise ValueError(f"X: variable {wide[0]} has neighbouring values more than "
                                     "the float64 range apart, so its quantile bins overflow; "
                                     "rescale it")
        self._weights(X.shape[1])
        _, quantiles = _backend.resolve("mtf_quantiles", self._binning_backend())
        Q, at_most = quantiles(X, _ref.levels(candidates) / 100.0)
        self.edges_ = _ref.choose_edges(Q, at_most, X.shape[0], candidates)
        self.n_bins_ = np.array([e.size + 1 for e in self.edges_], dtype=np.int32)
        self.n_features_in_ = X.shape[1]
        B = self._digitize(X)
        _, run = _backend.resolve("mtf_transitions", self.backend)
        self.transitions_ = run(B, self.n_bins_)
        return B

    def _binning_backend(self) -> str:
        """The binning's backend: the CPU's fastest when the GPU is asked for (it has no
        binning kernel; its transition and field kernels take the bins from the host)."""
        return "auto" if self.backend == "cuda" else self.backend

    def _digitize(self, X: np.ndarray) -> np.ndarray:
        _, run = _backend.resolve("mtf_digitize", self._binning_backend())
        return run(X, _ref.padded_edges(self.edges_))

    def transform(self, X) -> np.ndarray:
        """F (n, c) float64 of X with the fitted bins and transitions."""
        if not hasattr(self, "transitions_"):
            raise ValueError("this MVMTF is not fitted yet; call fit first")
        X = as_series(X, "X")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} variables, the transformer was fitted with "
                             f"{self.n_features_in_}")
        return self._field(self._digitize(X))

    def _field(self, B: np.ndarray) -> np.ndarray:
        alpha, _ = self._check_params()
        weights, scale = self._weights(B.shape[1])
        _, run = _backend.resolve("mtf_field", self.backend)
        return run(B, self.transitions_, weights, alpha, scale)

    def fit_transform(self, X) -> np.ndarray:
        """``fit(X).transform(X)``, binning X once."""
        return self._field(self._fit(X))

    def to_state(self) -> dict:
        """What ``fit`` learned: ``edges`` (list of c arrays) and ``transitions``
        (c, c, qmax, qmax)."""
        if not hasattr(self, "transitions_"):
            raise ValueError("this MVMTF is not fitted yet; call fit first")
        return {"edges": list(self.edges_), "transitions": self.transitions_}

    @classmethod
    def from_state(cls, state: dict, **params) -> "MVMTF":
        """A fitted MVMTF of :meth:`to_state`'s entries (arrays or tensors) in ``state``, with
        the constructor ``params``; ValueError when they do not fit together."""
        model = cls(**params)
        edges = [np.asarray(e, dtype=np.float64).reshape(-1) for e in state["edges"]]
        transitions = np.asarray(state["transitions"], dtype=np.float64)
        n_bins = np.array([e.size + 1 for e in edges], dtype=np.int32)
        c = len(edges)
        if (transitions.ndim != 4 or transitions.shape[:2] != (c, c)
                or transitions.shape[2] != transitions.shape[3]
                or transitions.shape[2] < n_bins.max(initial=0)):
            raise ValueError(f"MVMTF state: transitions of shape {transitions.shape} do not fit "
                             f"{c} variables with up to {n_bins.max(initial=0)} bins")
        model.edges_, model.n_bins_, model.transitions_ = edges, n_bins, transitions
        model.n_features_in_ = c
        return model


def mv_mtf(X, alpha: float = 0.9, bins: Iterable[int] = range(6, 12),
           omega: Union[str, np.ndarray] = "mean", backend: str = "auto") -> np.ndarray:
    """MV-MTF of X (n, c) -> F (n, c) float64, bins and transitions learned on X itself (the
    paper's and the published code's mode). See :class:`MVMTF` for the parameters."""
    return MVMTF(alpha=alpha, bins=bins, omega=omega, backend=backend).fit_transform(X)
