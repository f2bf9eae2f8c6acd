"""tsad_fast: fast, faithful multivariate time-series anomaly detection with a compiled core.

Kernels (``tsad_fast.kernels``) run on C++ (``_core``), CUDA (``_cuda``), Numba or NumPy
backends behind one function each; ``tsad_fast.show_config()`` says which are available.
Importing ``tsad_fast`` registers every kernel and loads neither torch nor scikit-learn; the
detectors (:mod:`tsad_fast.detectors` lists them) are reached as ``tsad_fast.GBOC`` etc. and
import what they need on first use.
"""
from tsad_fast import _threads  # noqa: F401  (sets the OpenMP wait policy before any runtime loads)
from tsad_fast import detectors as _detectors
from tsad_fast import kernels  # noqa: F401  (registers every kernel)
from tsad_fast.config import show_config
from tsad_fast.thresholds import Fixed, Quantile, SPOTThreshold, ThreeSigma, spot_thresholds
from tsad_fast.thresholds import spot as _spot

__version__ = "0.1.0"

_DETECTORS = _detectors.DETECTORS

__all__ = ["show_config", "spot_thresholds", "ThreeSigma", "Quantile", "Fixed", "SPOTThreshold",
           "__version__", *_DETECTORS]


def __getattr__(name):
    if name in _DETECTORS:
        return getattr(_detectors, name)
    if name in _spot.DEPRECATED:
        return _spot.deprecated_class(name, __name__)
    raise AttributeError(f"module 'tsad_fast' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_DETECTORS))
