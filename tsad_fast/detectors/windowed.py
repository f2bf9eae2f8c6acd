"""What every detector over windows of a standardised series shares, torch or not (GBOC, SCAN,
MSUT-Net, PCA, IForest, KNN, and the supervised baselines over their window features): the
per-channel :class:`~tsad_fast.scaling.Standardizer` learned in ``fit`` (``scaler_``), its part
of the saved state, and the check that the training series holds enough rows for its windows."""
from __future__ import annotations

from typing import Any, Dict

import numpy as np

from tsad_fast.scaling import Standardizer


class Windowed:
    """Mixin of the windowed detectors (a ``window`` parameter and a fitted ``scaler_``)."""

    def _fit_scaler(self, values: np.ndarray) -> Standardizer:
        """Learn ``scaler_`` from training values (n, c) and return it."""
        self.scaler_ = Standardizer.fit(values)
        return self.scaler_

    def _scaler_state(self) -> Dict[str, Any]:
        return self.scaler_.to_state()

    def _restore_scaler(self, state: Dict[str, Any]) -> None:
        self.scaler_ = Standardizer.from_state(state)

    @staticmethod
    def _check_rows(X: np.ndarray, needed: int, problem: str) -> None:
        """ValueError "X has n rows: ``problem``" unless X holds at least ``needed`` rows."""
        if X.shape[0] < needed:
            raise ValueError(f"X has {X.shape[0]} rows: {problem}")
