"""What the window detectors (GBOC, SCAN, MSUT-Net) share on top of the template:
per-channel standardisation fitted on the training series, training windows every ``stride``
steps, and the scaler's persistence."""
from __future__ import annotations

from typing import Any, Dict

import numpy as np

from tsad_fast.detectors.torch_detector import TorchDetector
from tsad_fast.scaling import Standardizer
from tsad_fast.windows import sliding_windows


class WindowDetector(TorchDetector):
    """A :class:`TorchDetector` whose samples are standardised windows of ``window`` steps
    taken every ``stride`` steps (subclasses define both parameters)."""

    def _prepare(self, X, y):
        if X.shape[0] < self.window + self.stride:
            raise ValueError(f"X has {X.shape[0]} rows: window={self.window} and stride="
                             f"{self.stride} give fewer than 2 training windows (at least "
                             f"{self.window + self.stride} rows are needed; lower window)")
        self.scaler_ = Standardizer.fit(X)
        return [sliding_windows(self._standardized(X), self.window, self.stride)]

    def _standardized(self, X: np.ndarray):
        """(n, c) float32 tensor of X in the training statistics' units."""
        import torch

        return torch.from_numpy(np.ascontiguousarray(self.scaler_.transform(X), np.float32))

    def _fitted_state(self) -> Dict[str, Any]:
        return self.scaler_.to_state()

    def _restore_fitted(self, state: Dict[str, Any]) -> None:
        self.scaler_ = Standardizer.from_state(state)
