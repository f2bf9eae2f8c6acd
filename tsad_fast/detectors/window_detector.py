"""What the window detectors (GBOC, SCAN, MSUT-Net) share on top of the template:
per-channel standardisation fitted on the training series, training windows every ``stride``
steps, and the scaler's persistence."""
from __future__ import annotations

from typing import Any, Dict

import numpy as np

from tsad_fast.detectors.torch_detector import TorchDetector
from tsad_fast.detectors.windowed import Windowed
from tsad_fast.windows import sliding_windows


class WindowDetector(Windowed, TorchDetector):
    """A :class:`TorchDetector` whose samples are standardised windows of ``window`` steps
    taken every ``stride`` steps (subclasses define both parameters)."""

    def _prepare(self, X, y):
        needed = self.window + self.stride
        self._check_rows(X, needed, f"window={self.window} and stride={self.stride} give fewer "
                         f"than 2 training windows (at least {needed} rows are needed; lower "
                         "window)")
        self._fit_scaler(X)
        return [sliding_windows(self._standardized(X), self.window, self.stride)]

    def _standardized(self, X: np.ndarray):
        """(n, c) float32 tensor of X in the training statistics' units."""
        import torch

        return torch.from_numpy(np.ascontiguousarray(self.scaler_.transform(X), np.float32))

    def _standardized_windows(self, windows: np.ndarray) -> np.ndarray:
        """Windows (k, w, c) of raw rows in the training statistics' units, float32."""
        k, w, c = windows.shape
        return self._standardized(windows.reshape(k * w, c)).numpy().reshape(k, w, c)

    def _fitted_state(self) -> Dict[str, Any]:
        return self._scaler_state()

    def _restore_fitted(self, state: Dict[str, Any]) -> None:
        self._restore_scaler(state)
