"""Detectors with the PyOD/TSB-AD contract (``fit``, ``decision_function``, ``predict``,
``decision_scores_``, ``threshold_``, ``labels_``, ``save``/``load``)."""
from tsad_fast.detectors.base import BaseDetector, NotFittedError
from tsad_fast.detectors.gboc import GBOC
from tsad_fast.detectors.moon import Moon

__all__ = ["BaseDetector", "NotFittedError", "GBOC", "Moon"]
