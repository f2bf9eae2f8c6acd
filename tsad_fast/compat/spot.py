"""One-line replacement of the reference ``spot.py`` (Siffer et al., KDD 2017), the file that
OmniAnomaly, TranAD and others copy into their code: ``from tsad_fast.compat.spot import SPOT``
instead of ``from spot import SPOT``.

The classes take the reference's constructor arguments in its order (``dSPOT(q, depth)``) and
its ``initialize(level, min_extrema, verbose)`` / ``run(with_alarm, dynamic)`` keywords, and run
with ``compat=True`` (the reference's exponential-case likelihood; see
:mod:`tsad_fast.thresholds.spot`), so thresholds and alarms match it; results are NumPy
arrays instead of lists. ``min_extrema=True`` negates the data and uses ``1 - level``, as the
reference does; ``dynamic=False`` keeps the calibrated quantile until the first value above
the initial threshold and the initial threshold after it, as the copies with that flag do.
"""
from __future__ import annotations

import numpy as np

from tsad_fast._validation import check_bool
from tsad_fast.thresholds import spot as _spot

__all__ = ["SPOT", "biSPOT", "dSPOT", "bidSPOT"]


class _Reference:
    """The reference's calibration keywords on top of a tsad_fast SPOT class."""

    def initialize(self, level: float = 0.98, min_extrema: bool = False, verbose: bool = True):
        if check_bool(min_extrema, "min_extrema"):
            self._check_fitted()
            self._init_data, self._data = -self._init_data, -self._data
            level = 1 - level
        super().initialize(level)
        if check_bool(verbose, "verbose"):
            tail = self._calibrated.upper_tail
            print(f"Initial threshold : {tail.init_threshold}")
            print(f"Extreme quantile (probability = {self.q}): {tail.quantile}")
        return self


class SPOT(_Reference, _spot.SPOT):
    """Upper-tail SPOT with the reference's signature: ``SPOT(q=1e-4)``."""

    def __init__(self, q: float = 1e-4, n_points: int = 10, *, compat: bool = True,
                 backend: str = "auto"):
        super().__init__(q, n_points, compat=compat, backend=backend)

    def run(self, with_alarm: bool = True, dynamic: bool = True) -> dict:
        """{'thresholds', 'alarms'}; ``dynamic=False``: the static POT of the copies that
        carry the flag (no tail update over the stream)."""
        if check_bool(dynamic, "dynamic"):
            return super().run(with_alarm)
        if self._calibrated is None:
            raise RuntimeError("SPOT: call initialize(level) before run()")
        tail = self._calibrated.upper_tail
        alarms = (np.flatnonzero(self._data > tail.init_threshold)
                  if check_bool(with_alarm, "with_alarm") else np.empty(0, dtype=np.int64))
        thresholds = np.full(self._data.size, tail.quantile)
        if alarms.size:
            thresholds[alarms[0]:] = tail.init_threshold
        return {"thresholds": thresholds, "alarms": alarms}


class biSPOT(_Reference, _spot.biSPOT):
    """Two-sided SPOT: ``biSPOT(q=1e-4)``."""

    def __init__(self, q: float = 1e-4, n_points: int = 10, *, compat: bool = True,
                 backend: str = "auto"):
        super().__init__(q, n_points, compat=compat, backend=backend)


class dSPOT(_Reference, _spot.dSPOT):
    """Drift SPOT: ``dSPOT(q, depth)`` (the reference's order)."""

    def __init__(self, q: float = 1e-4, depth: int = 10, *, n_points: int = 10,
                 compat: bool = True, backend: str = "auto"):
        super().__init__(q, n_points, depth, compat=compat, backend=backend)


class bidSPOT(_Reference, _spot.bidSPOT):
    """Two-sided drift SPOT: ``bidSPOT(q=1e-4, depth=10)``."""

    def __init__(self, q: float = 1e-4, depth: int = 10, *, n_points: int = 10,
                 compat: bool = True, backend: str = "auto"):
        super().__init__(q, n_points, depth, compat=compat, backend=backend)
