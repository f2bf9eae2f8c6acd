"""SPOT thresholds of anomaly scores in one call (:func:`spot_thresholds`), the functional form
of :class:`tsad_fast.thresholds.SPOTThreshold` over the kernel :func:`tsad_fast.kernels.spot`.

The streaming classes of the reference ``spot.py`` live in :mod:`tsad_fast.compat.spot`; the
names ``SPOT``, ``biSPOT``, ``dSPOT`` and ``bidSPOT`` here (and in ``tsad_fast`` and
``tsad_fast.thresholds``) are deprecated aliases of them that keep their earlier defaults
(``compat=False``, ``dSPOT(q, n_points, depth)``, a quiet ``initialize(level)``).
"""
from __future__ import annotations

import warnings
from functools import lru_cache

from tsad_fast.kernels.spot import SpotResult, named_spot

__all__ = ["spot_thresholds", "SpotResult"]

DEPRECATED = ("SPOT", "biSPOT", "dSPOT", "bidSPOT")


def spot_thresholds(init_scores, scores, *, q: float = 1e-3, level: float = 0.98,
                    n_points: int = 10, depth: int = 0, with_alarm: bool = True,
                    compat: bool = False, backend: str = "auto") -> SpotResult:
    """Per-point SPOT thresholds for anomaly scores, and the harness's single threshold.

    ``init_scores`` (m,) calibrate (scores on training data), ``scores`` (n,) are thresholded.
    Returns a :class:`SpotResult`: ``.upper`` (n,) per-point thresholds, ``.alarms`` indices,
    ``.threshold`` the mean of the per-point thresholds (the SCAN / CrossAD harness's threshold).
    Defaults q = 1e-3, level = 0.98 follow that harness.
    """
    return named_spot(init_scores, scores, ("init_scores", "scores"), q=q, level=level,
                      n_points=n_points, depth=depth, two_sided=False, with_alarm=with_alarm,
                      compat=compat, backend=backend)


@lru_cache(maxsize=None)
def _legacy(name: str) -> type:
    """The class ``name`` of :mod:`tsad_fast.compat.spot` with the defaults it had here."""
    from tsad_fast.compat import spot as reference

    base = getattr(reference, name)
    drift = name in ("dSPOT", "bidSPOT")

    if drift:
        def __init__(self, q=1e-4, n_points=10, depth=10, *, compat=False, backend="auto"):
            base.__init__(self, q, depth, n_points=n_points, compat=compat, backend=backend)
    else:
        def __init__(self, q=1e-4, n_points=10, *, compat=False, backend="auto"):
            base.__init__(self, q, n_points, compat=compat, backend=backend)

    def initialize(self, level=0.98):
        return base.initialize(self, level, verbose=False)

    return type(name, (base,), {"__init__": __init__, "initialize": initialize,
                                "__module__": __name__,
                                "__doc__": f"Deprecated: tsad_fast.compat.spot.{name} with "
                                           "compat=False and a quiet initialize."})


def deprecated_class(name: str, where: str) -> type:
    """The deprecated alias ``name``, with its warning (``where``: the module asked)."""
    warnings.warn(f"{where}.{name} is deprecated: use tsad_fast.compat.spot.{name} (the "
                  "reference spot.py's class; compat=False for the corrected likelihood these "
                  "defaulted to), or SPOTThreshold / spot_thresholds for a detector's scores",
                  DeprecationWarning, stacklevel=3)
    return _legacy(name)


def __getattr__(name):
    if name in DEPRECATED:
        return deprecated_class(name, __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
