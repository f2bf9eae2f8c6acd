"""tsad_fast: fast, faithful multivariate time-series anomaly detection with a compiled core.

Kernels (``tsad_fast.kernels``) run on C++ (``_core``), CUDA (``_cuda``), Numba or NumPy
backends behind one function each; ``tsad_fast.show_config()`` says which are available.
Importing ``tsad_fast`` registers every kernel and loads neither torch nor the detectors;
the detectors (``tsad_fast.GBOC``, ``tsad_fast.Moon``, ``tsad_fast.SCAN``,
``tsad_fast.MSUTNet``) are imported on first use and need the
``torch`` extra (``pip install "tsad-fast[torch]"``).
"""
from tsad_fast import _threads  # noqa: F401  (sets the OpenMP wait policy before any runtime loads)
from tsad_fast import kernels  # noqa: F401  (registers every kernel)
from tsad_fast._config import show_config
from tsad_fast.thresholds import (SPOT, Fixed, Quantile, SPOTThreshold, ThreeSigma, biSPOT,
                                  bidSPOT, dSPOT, spot_thresholds)

__version__ = "0.1.0"

_DETECTORS = ("GBOC", "Moon", "SCAN", "MSUTNet", "IForest", "PCA", "KNN", "GradientBoosting",
              "Logistic")

__all__ = ["show_config", "SPOT", "biSPOT", "dSPOT", "bidSPOT", "spot_thresholds", "ThreeSigma",
           "Quantile", "Fixed", "SPOTThreshold", "__version__", *_DETECTORS]


def __getattr__(name):
    if name in _DETECTORS:
        from tsad_fast import detectors

        return getattr(detectors, name)
    raise AttributeError(f"module 'tsad_fast' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_DETECTORS))
