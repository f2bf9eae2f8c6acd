"""Per-channel scaling learned on training data and applied to new data."""
from __future__ import annotations

import numpy as np


class Standardizer:
    """z-normalisation per channel with the training data's mean and (population) std; a
    constant channel (std 0) is only centred.

    ``mean`` and ``std`` are (c,) float64 arrays; ``transform(X)`` maps X (n, c) to
    ``(X - mean) / std``.
    """

    def __init__(self, mean: np.ndarray, std: np.ndarray):
        self.mean = np.asarray(mean, dtype=np.float64)
        self.std = np.asarray(std, dtype=np.float64)

    @classmethod
    def fit(cls, X: np.ndarray) -> "Standardizer":
        std = X.std(axis=0)
        return cls(X.mean(axis=0), np.where(std > 0, std, 1.0))

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean) / self.std

    def to_state(self) -> dict:
        """The statistics, under the keys a detector's saved state holds them."""
        return {"scaler_mean": self.mean, "scaler_std": self.std}

    @classmethod
    def from_state(cls, state: dict) -> "Standardizer":
        """The Standardizer of :meth:`to_state`'s entries (arrays or tensors) in ``state``;
        ValueError unless they are finite vectors of one length with positive scales."""
        mean = np.asarray(state["scaler_mean"], dtype=np.float64)
        std = np.asarray(state["scaler_std"], dtype=np.float64)
        if (mean.ndim != 1 or mean.shape != std.shape or not np.isfinite(mean).all()
                or not np.isfinite(std).all() or (std <= 0).any()):
            raise ValueError(f"Standardizer state: mean {mean.shape} and std {std.shape} must be "
                             "finite vectors of one length, std > 0")
        return cls(mean, std)
