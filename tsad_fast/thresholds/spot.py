"""SPOT, biSPOT, DSPOT and biDSPOT thresholders (Siffer et al., KDD 2017).

tsad_fast's SPOT classes, the ones to use in new code: the workflow of the reference
``spot.py`` (on PyPI as ``ads-evt``): ``fit(init_data, data)``, ``initialize(level)``,
``run(with_alarm)`` return its keys, with NumPy arrays instead of lists, on the kernel
:func:`tsad_fast.kernels.spot` (Grimshaw's roots found exactly). The default uses the correct
exponential-case likelihood and is scale-equivariant; ``compat=True`` reproduces the
reference's sign error. Code written against the reference itself (its constructor order,
``initialize(level, min_extrema, verbose)``, ``run(dynamic=...)``) imports
:mod:`tsad_fast.compat.spot` instead: these classes with the reference's signatures and
``compat=True``. For scoring pipelines, :func:`spot_thresholds` is the one-call functional
form, and a detector takes :class:`~tsad_fast.thresholds.SPOTThreshold`.
"""
from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from tsad_fast._validation import as_float_array, check_bool, check_int, check_open_unit
from tsad_fast.kernels.spot import SpotResult, named_spot, spot

__all__ = ["SPOT", "biSPOT", "dSPOT", "bidSPOT", "spot_thresholds", "SpotResult"]


class _SpotBase:
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

    def initialize(self, level: float = 0.98):
        """Calibrate: initial threshold t at ``level`` and the first tail fit."""
        self._check_fitted()
        self._level = check_open_unit(level, "level")
        self._calibrated = self._run(np.empty(0), True)
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


class SPOT(_SpotBase):
    """Upper-tail streaming thresholds: ``run()`` -> {'thresholds', 'alarms'}."""

    def __init__(self, q: float = 1e-4, n_points: int = 10, *, compat: bool = False,
                 backend: str = "auto"):
        super().__init__(q, n_points, 0, compat=compat, backend=backend)


class biSPOT(_SpotBase):
    """Two-sided streaming thresholds: {'upper_thresholds', 'lower_thresholds', 'alarms'}."""

    _two_sided = True

    def __init__(self, q: float = 1e-4, n_points: int = 10, *, compat: bool = False,
                 backend: str = "auto"):
        super().__init__(q, n_points, 0, compat=compat, backend=backend)

    def _format(self, result: SpotResult) -> dict:
        return {"upper_thresholds": result.upper, "lower_thresholds": result.lower,
                "alarms": result.alarms}


class dSPOT(_SpotBase):
    """SPOT on the residual to a moving mean of the last ``depth`` normal values (drift)."""

    def __init__(self, q: float = 1e-4, n_points: int = 10, depth: int = 10, *,
                 compat: bool = False, backend: str = "auto"):
        super().__init__(q, n_points, check_int(depth, "depth", 1), compat=compat,
                         backend=backend)


class bidSPOT(biSPOT):
    """Two-sided DSPOT."""

    def __init__(self, q: float = 1e-4, n_points: int = 10, depth: int = 10, *,
                 compat: bool = False, backend: str = "auto"):
        _SpotBase.__init__(self, q, n_points, check_int(depth, "depth", 1), compat=compat,
                           backend=backend)


def spot_thresholds(init_scores, scores, *, q: float = 1e-3, level: float = 0.98,
                    n_points: int = 10, depth: int = 0, with_alarm: bool = True,
                    compat: bool = False, backend: str = "auto") -> SpotResult:
    """Per-point SPOT thresholds for anomaly scores, and the harness's single threshold.

    ``init_scores`` (m,) calibrate (scores on training data), ``scores`` (n,) are thresholded.
    Returns a :class:`SpotResult`: ``.upper`` (n,) per-point thresholds, ``.alarms`` indices,
    ``.threshold`` the mean of the per-point thresholds (the SCAN / CrossAD harness's threshold).
    Defaults q = 1e-3, level = 0.98 follow that harness (SPEC 1.4).
    """
    return named_spot(init_scores, scores, ("init_scores", "scores"), q=q, level=level,
                      n_points=n_points, depth=depth, two_sided=False, with_alarm=with_alarm,
                      compat=compat, backend=backend)
