"""Detectors with the PyOD/TSB-AD contract (``fit``, ``decision_function``, ``predict``,
``decision_scores_``, ``threshold_``, ``labels_``, ``save``/``load``).

The classical baselines (PCA, IForest, KNN) need only NumPy; the supervised baselines
(GradientBoosting, Logistic) scikit-learn; the paper detectors (GBOC, Moon, SCAN, MSUTNet) and
the ``TorchDetector`` template torch, scikit-learn and tqdm: install the ``torch`` extra
(``pip install "tsad-fast[torch]"``). Each is imported on first use.
"""
from importlib import import_module

from tsad_fast._optional import require
from tsad_fast.detectors.base import BaseDetector, NotFittedError
from tsad_fast.detectors.baselines import KNN, PCA, IForest
from tsad_fast.detectors.supervised import GradientBoosting, Logistic

_TORCH = {"GBOC": "gboc", "Moon": "moon", "MSUTNet": "msut_net", "SCAN": "scan",
          "TorchDetector": "torch_detector"}

DETECTORS = ("IForest", "PCA", "KNN", "GradientBoosting", "Logistic", "GBOC", "Moon", "MSUTNet",
             "SCAN")  # the classes a saved file can hold
__all__ = ["BaseDetector", "NotFittedError", *DETECTORS, "TorchDetector", "load_detector",
           "detector_class"]


def detector_class(name: str, source="") -> type:
    """The detector class called ``name`` (a class name, e.g. ``"GBOC"``); ValueError naming
    ``source`` (a file) for a name that is not one."""
    if name not in DETECTORS:
        raise ValueError(f"{source}{': ' if source else ''}unknown detector class {name!r}")
    return globals()[name] if name in globals() else __getattr__(name)


def load_detector(path):
    """The detector that ``save`` wrote to ``path``, whatever its class (no pickle)."""
    from tsad_fast.detectors import persistence

    payload = persistence.read(path)
    return detector_class(payload.get("class"), path)._from_payload(payload, path)


def __getattr__(name):
    if name not in _TORCH:
        raise AttributeError(f"module 'tsad_fast.detectors' has no attribute {name!r}")
    for module in ("torch", "sklearn", "tqdm"):
        require(module, "torch", f"tsad_fast.{name}")
    return getattr(import_module(f"tsad_fast.detectors.{_TORCH[name]}"), name)


def __dir__():
    return sorted(set(globals()) | set(_TORCH))
