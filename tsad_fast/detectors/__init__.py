"""Detectors with the PyOD/TSB-AD contract (``fit``, ``decision_function``, ``predict``,
``decision_scores_``, ``threshold_``, ``labels_``, ``save``/``load``). They need torch: install
the ``torch`` extra (``pip install "tsad-fast[torch]"``)."""
from tsad_fast._optional import require

for _module in ("torch", "sklearn", "tqdm"):
    require(_module, "torch", "tsad_fast's detectors (the kernels, metrics and thresholds work "
                              "without it)")

from tsad_fast.detectors.base import BaseDetector, NotFittedError
from tsad_fast.detectors.baselines import KNN, PCA, IForest
from tsad_fast.detectors.gboc import GBOC
from tsad_fast.detectors.moon import Moon
from tsad_fast.detectors.msut_net import MSUTNet
from tsad_fast.detectors.scan import SCAN
from tsad_fast.detectors.supervised import GradientBoosting, Logistic
from tsad_fast.detectors.torch_detector import TorchDetector

__all__ = ["BaseDetector", "TorchDetector", "NotFittedError", "GBOC", "Moon", "SCAN", "MSUTNet",
           "IForest", "PCA", "KNN", "GradientBoosting", "Logistic"]
