"""The detector contract shared by every model (PyOD ``BaseDetector`` / TSB-AD).

* ``__init__`` only stores parameters; ``fit(X)`` learns and sets ``decision_scores_`` (the
  training scores, one per timestamp), ``threshold_`` and ``labels_`` (0/1 on the training data).
* ``decision_function(X)`` returns one score per timestamp, higher = more anomalous, and never
  changes the detector; ``predict(X)`` is ``decision_function(X) > threshold_`` as 0/1.
* ``save(path)`` writes parameters and learned tensors with ``torch.save``; ``load(path)`` reads
  them back with ``torch.load(weights_only=True)``, which only rebuilds tensors and plain Python
  values, so a file from an untrusted source cannot run code.
"""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Dict, Union

import numpy as np

from tsad_fast._validation import as_series

_FORMAT = "tsad_fast.detector"
_FORMAT_VERSION = 1


class NotFittedError(ValueError, AttributeError):
    """The detector is used before ``fit`` (same bases as scikit-learn's)."""


def resolve_device(device: str) -> str:
    """``"auto"`` -> ``"cuda"`` when torch sees a GPU, else ``"cpu"``; an explicit ``"cuda"``
    without a GPU raises."""
    import torch

    if device not in ("auto", "cpu", "cuda"):
        raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', got {device!r}")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was requested but torch sees no CUDA device")
    return device


class BaseDetector:
    """Template for the detectors: subclasses implement ``_fit``, ``_score`` and the pair
    ``_state`` / ``_restore`` (learned tensors and arrays to save and load)."""

    def get_params(self) -> Dict[str, Any]:
        """The constructor's parameters (scikit-learn convention)."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def _check_fitted(self) -> None:
        if not hasattr(self, "threshold_"):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit first")

    def _check_features(self, X: np.ndarray) -> None:
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} channels but {type(self).__name__} was "
                             f"fitted with {self.n_features_in_}")

    def decision_function(self, X) -> np.ndarray:
        """Anomaly score per timestamp (n,) float64, higher = more anomalous."""
        self._check_fitted()
        X = as_series(X, "X")
        self._check_features(X)
        return self._score(X)

    def predict(self, X) -> np.ndarray:
        """0/1 per timestamp (n,) int64: 1 where the score exceeds ``threshold_``."""
        return (self.decision_function(X) > self.threshold_).astype(np.int64)

    def fit_predict(self, X, y=None) -> np.ndarray:
        return self.fit(X, y).labels_

    # --- persistence -------------------------------------------------------------------------
    def save(self, path: Union[str, Path]) -> None:
        """Write the parameters and the learned state to ``path`` (a torch file of tensors and
        plain values only)."""
        import torch

        self._check_fitted()
        payload = {
            "format": _FORMAT,
            "format_version": _FORMAT_VERSION,
            "class": type(self).__name__,
            "params": {k: list(v) if isinstance(v, range) else v
                       for k, v in self.get_params().items()},
            "state": self._state(),
        }
        torch.save(payload, str(path))

    @classmethod
    def load(cls, path: Union[str, Path]):
        """Read a detector written by ``save``; refuses files of another class or format."""
        import torch

        payload = torch.load(str(path), map_location="cpu", weights_only=True)
        if not isinstance(payload, dict) or payload.get("format") != _FORMAT:
            raise ValueError(f"{path} is not a tsad_fast detector file")
        if payload.get("format_version") != _FORMAT_VERSION:
            raise ValueError(f"{path}: format version {payload.get('format_version')} is not "
                             f"supported (this tsad_fast reads {_FORMAT_VERSION})")
        if payload.get("class") != cls.__name__:
            raise ValueError(f"{path} holds a {payload.get('class')}, not a {cls.__name__}")
        detector = cls(**payload["params"])
        detector._restore(payload["state"])
        return detector
