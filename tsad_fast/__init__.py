"""tsad_fast: fast, faithful multivariate time-series anomaly detection with a compiled core.

Kernels (``tsad_fast.kernels``) run on C++ (``_core``), CUDA (``_cuda``), Numba or NumPy
backends behind one function each; ``tsad_fast.show_config()`` says which are available.
Detectors (``tsad_fast.GBOC``, ``tsad_fast.Moon``) are imported on first use, so ``import tsad_fast`` does not load
torch.
"""
from tsad_fast._config import show_config
from tsad_fast.thresholds import SPOT, biSPOT, bidSPOT, dSPOT, spot_thresholds

__version__ = "0.1.0"

_DETECTORS = ("GBOC", "Moon")

__all__ = ["show_config", "SPOT", "biSPOT", "dSPOT", "bidSPOT", "spot_thresholds", "__version__",
           *_DETECTORS]


def __getattr__(name):
    if name in _DETECTORS:
        from tsad_fast import detectors

        return getattr(detectors, name)
    raise AttributeError(f"module 'tsad_fast' has no attribute {name!r}")
