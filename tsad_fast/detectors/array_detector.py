"""What the detectors without torch (the classical and the supervised baselines) share on top
of the contract: ``n_threads`` for their BLAS and scikit-learn threads, and a learned state of a
:class:`~tsad_fast.scaling.Standardizer` and plain arrays, saved and restored by the hooks
``_model_state`` / ``_restore_model``."""
from __future__ import annotations

import abc
from typing import Any, Dict

from tsad_fast._optional import require
from tsad_fast._threads import blas_threads, usable_cores
from tsad_fast._validation import check_int
from tsad_fast.detectors.base import BaseDetector, to_numpy
from tsad_fast.detectors.windowed import Windowed


class ArrayDetector(Windowed, BaseDetector):
    """Template: subclasses set ``n_features_in_``, ``decision_scores_`` and ``scaler_`` in
    ``fit`` and implement ``_model_state`` and ``_restore_model`` (their arrays)."""

    @abc.abstractmethod
    def _model_state(self) -> Dict[str, Any]:
        """The model's own arrays."""

    @abc.abstractmethod
    def _restore_model(self, state: Dict[str, Any]) -> None:
        """Set the model's own fitted attributes from ``_model_state``'s dict."""

    def _check_threads(self) -> None:
        if self.n_threads != "auto":
            check_int(self.n_threads, "n_threads", 1)

    def _threads(self) -> int:
        return usable_cores() if self.n_threads == "auto" else int(self.n_threads)

    def _thread_limits(self):
        """A block's limit of BLAS and OpenMP threads to ``n_threads`` (threadpoolctl)."""
        self._sklearn_part("threadpoolctl")
        return blas_threads(self._threads())

    def _scoring(self, rows=None):
        if self._one_thread(rows):
            self._sklearn_part("threadpoolctl")
            return blas_threads(1)
        return self._thread_limits()

    def _sklearn_part(self, module: str):
        """A module of scikit-learn (or threadpoolctl, which it installs), or ImportError
        naming the extra that installs it."""
        return require(module, "baselines", f"tsad_fast.{type(self).__name__}")

    def _state(self) -> Dict[str, Any]:
        return {"n_features_in": self.n_features_in_, "decision_scores": self.decision_scores_,
                **self._scaler_state(), **self._model_state()}

    def _restore(self, state: Dict[str, Any]) -> None:
        state = to_numpy(state)
        self.n_features_in_ = int(state["n_features_in"])
        self.decision_scores_ = state["decision_scores"]
        self._restore_scaler(state)
        self._restore_model(state)
