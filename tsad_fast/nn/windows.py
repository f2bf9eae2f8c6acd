"""Sliding windows over a z-normalised series, as the window-based detectors see them."""
from __future__ import annotations

import numpy as np


class Standardizer:
    """Per-channel z-normalisation with statistics of the training data; a constant channel
    (std 0) is only centred."""

    def __init__(self, mean: np.ndarray, std: np.ndarray):
        self.mean = np.asarray(mean, dtype=np.float64)
        self.std = np.asarray(std, dtype=np.float64)

    @classmethod
    def fit(cls, X: np.ndarray) -> "Standardizer":
        std = X.std(axis=0)
        return cls(X.mean(axis=0), np.where(std > 0, std, 1.0))

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean) / self.std


def window_tensor(X: np.ndarray, window: int):
    """(n - window + 1, window, c) float32 torch view of the rows of ``X`` (n, c): window i
    covers rows i .. i + window - 1. No copy beyond one float32 copy of ``X``."""
    import torch

    if X.shape[0] < window:
        raise ValueError(f"X has {X.shape[0]} rows, fewer than window={window}")
    series = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    return series.unfold(0, window, 1).transpose(1, 2)
