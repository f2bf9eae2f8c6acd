"""SPOT, biSPOT, DSPOT and biDSPOT over a stream (Siffer et al., KDD 2017): the classes of the
reference ``spot.py`` (on PyPI as ``ads-evt``), the file that OmniAnomaly, TranAD and others
copy into their code. ``from tsad_fast.compat.spot import SPOT`` replaces ``from spot import
SPOT`` in one line.

The classes take the reference's constructor arguments in its order (``dSPOT(q, depth)``), its
``fit(init_data, data)``, ``initialize(level, min_extrema, verbose)`` and ``run(with_alarm,
dynamic)``, and return its keys, with NumPy arrays instead of lists, computed by the kernel
:func:`tsad_fast.kernels.spot` (Grimshaw's roots found exactly). ``compat=True`` (the default)
keeps the reference's exponential-case likelihood, sign error included, so thresholds and
alarms match it; ``compat=False`` uses the correct likelihood (scale-equivariant).
``min_extrema=True`` negates the data and uses ``1 - level``, as the reference does;
``dynamic=False`` keeps the calibrated quantile until the first value above the initial
threshold and the initial threshold after it, as the copies with that flag do.

New code that thresholds a detector's scores takes :class:`tsad_fast.thresholds.SPOTThreshold`
(``threshold=`` of any detector) or :func:`tsad_fast.thresholds.spot_thresholds` (one call).
"""
from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from tsad_fast._validation import as_float_array, check_bool, check_int, check_open_unit
from tsad_fast.kernels.spot import SpotResult, spot

__all__ = ["SPOT", "biSPOT", "dSPOT", "bidSPOT"]


class _Stream:
    """SPOT over a stream: calibration batch, stream, tail fits (the kernel's state)."""

    _two_sided = False

    def __init__(self, q: float = 1e-4, n_points: int = 10, depth: int = 0, *,
                 compat: bool = False, backend: str = "auto"):
        self.q = q
        self.n_points = n_points
        self.depth = depth
        self.compat = compat
        self.backend = backend
        self._init_data: Optional[np.ndarray] = None
        self._data: Optional[np.ndarray] = None
        self._level: Optional[float] = None
        self._calibrated: Optional[SpotResult] = None

    def fit(self, init_data, data):
        """Import the calibration batch and the stream.

        ``init_data`` is an array, or an int n (the first n values of ``data`` calibrate), or a
        float in (0, 1) (that fraction of ``data`` calibrates), as in the reference.
        """
        stream = as_float_array(data, "data", min_length=0)
        if isinstance(init_data, numbers.Integral) and not isinstance(init_data, bool):
            n = check_int(init_data, "init_data", 1)
            if n > stream.size:
                raise ValueError(f"init_data={n} is longer than data ({stream.size} values)")
            init, stream = stream[:n], stream[n:]
        elif isinstance(init_data, float):
            frac = check_open_unit(init_data, "init_data")
            n = int(frac * stream.size)
            init, stream = stream[:n], stream[n:]
        else:
            init = init_data
        self._init_data = as_float_array(init, "init_data", min_length=1)
        self._data = stream
        self._calibrated = None
        return self

    def add(self, data):
        """Append values to the stream."""
        self._check_fitted()
        extra = as_float_array(data, "data", min_length=0)
        self._data = np.concatenate([self._data, extra])
        return self

    def _check_fitted(self):
        if self._init_data is None:
            raise RuntimeError(f"{type(self).__name__}: call fit(init_data, data) first")

    def _run(self, data, with_alarm: bool) -> SpotResult:
        return spot(self._init_data, data, q=self.q, level=self._level, n_points=self.n_points,
                    depth=self.depth, two_sided=self._two_sided, with_alarm=with_alarm,
                    compat=self.compat, backend=self.backend)

    def initialize(self, level: float = 0.98, min_extrema: bool = False, verbose: bool = True):
        """Calibrate: initial threshold t at ``level`` and the first tail fit. ``min_extrema``:
        the lower tail (the data negated, at ``1 - level``); ``verbose`` prints t and z_q, as
        the reference does."""
        self._check_fitted()
        if check_bool(min_extrema, "min_extrema"):
            self._init_data, self._data = -self._init_data, -self._data
            level = 1 - level
        self._level = check_open_unit(level, "level")
        self._calibrated = self._run(np.empty(0), True)
        if check_bool(verbose, "verbose"):
            tail = self._calibrated.upper_tail
            print(f"Initial threshold : {tail.init_threshold}")
            print(f"Extreme quantile (probability = {self.q}): {tail.quantile}")
        return self

    def run(self, with_alarm: bool = True) -> dict:
        """Run over the stream; the stream can be run again (the state restarts from calibration)."""
        if self._calibrated is None:
            raise RuntimeError(f"{type(self).__name__}: call initialize(level) before run()")
        result = self._run(self._data, check_bool(with_alarm, "with_alarm"))
        self.result_ = result
        return self._format(result)

    def _format(self, result: SpotResult) -> dict:
        return {"thresholds": result.upper, "alarms": result.alarms}

    @property
    def init_threshold(self) -> float:
        """t, available after initialize()."""
        if self._calibrated is None:
            raise RuntimeError("call initialize(level) first")
        return self._calibrated.upper_tail.init_threshold

    @property
    def extreme_quantile(self) -> float:
        """z_q after the last run (or after initialize() if not run yet)."""
        fitted = getattr(self, "result_", None) or self._calibrated
        if fitted is None:
            raise RuntimeError("call initialize(level) first")
        return fitted.upper_tail.quantile

    def tails(self) -> dict:
        """The fitted tails of the last run (or of the calibration)."""
        fitted = getattr(self, "result_", None) or self._calibrated
        if fitted is None:
            raise RuntimeError("call initialize(level) first")
        out = {"upper": fitted.upper_tail}
        if fitted.lower_tail is not None:
            out["lower"] = fitted.lower_tail
        return out


class SPOT(_Stream):
    """Upper-tail streaming thresholds, the reference's ``SPOT(q=1e-4)``: ``run()`` ->
    {'thresholds', 'alarms'}."""

    def __init__(self, q: float = 1e-4, n_points: int = 10, *, compat: bool = True,
                 backend: str = "auto"):
        super().__init__(q, n_points, 0, compat=compat, backend=backend)

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


class biSPOT(_Stream):
    """Two-sided streaming thresholds: {'upper_thresholds', 'lower_thresholds', 'alarms'}."""

    _two_sided = True

    def __init__(self, q: float = 1e-4, n_points: int = 10, *, compat: bool = True,
                 backend: str = "auto"):
        super().__init__(q, n_points, 0, compat=compat, backend=backend)

    def _format(self, result: SpotResult) -> dict:
        return {"upper_thresholds": result.upper, "lower_thresholds": result.lower,
                "alarms": result.alarms}


class dSPOT(_Stream):
    """SPOT on the residual to a moving mean of the last ``depth`` normal values (drift), the
    reference's ``dSPOT(q, depth)``."""

    def __init__(self, q: float = 1e-4, depth: int = 10, *, n_points: int = 10,
                 compat: bool = True, backend: str = "auto"):
        super().__init__(q, n_points, check_int(depth, "depth", 1), compat=compat,
                         backend=backend)


class bidSPOT(biSPOT):
    """Two-sided DSPOT, the reference's ``bidSPOT(q, depth)``."""

    def __init__(self, q: float = 1e-4, depth: int = 10, *, n_points: int = 10,
                 compat: bool = True, backend: str = "auto"):
        _Stream.__init__(self, q, n_points, check_int(depth, "depth", 1), compat=compat,
                         backend=backend)
