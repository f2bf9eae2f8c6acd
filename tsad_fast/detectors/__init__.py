"""Detectors with the PyOD/TSB-AD contract (``fit``, ``decision_function``, ``predict``,
``decision_scores_``, ``threshold_``, ``labels_``, ``save``/``load``). They need torch: install
the ``torch`` extra (``pip install "tsad-fast[torch]"``)."""
try:
    import torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError("tsad_fast's detectors need torch, scikit-learn and tqdm: install the "
                      "'torch' extra, pip install \"tsad-fast[torch]\" (the kernels, metrics and "
                      "thresholds work without it)") from exc

from tsad_fast.detectors.base import BaseDetector, NotFittedError
from tsad_fast.detectors.gboc import GBOC
from tsad_fast.detectors.moon import Moon
from tsad_fast.detectors.torch_detector import TorchDetector

__all__ = ["BaseDetector", "TorchDetector", "NotFittedError", "GBOC", "Moon"]
