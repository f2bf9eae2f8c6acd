"""SPOT family streaming thresholds: the public kernel function and its shared preparation.

``spot`` validates once, builds the calibration data (drift-removed for DSPOT) and the initial
thresholds, then hands the stream to one backend. Every backend runs the same algorithm
(see ``_numpy/spot.py``, the readable reference) and returns the same fields.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from tsad_fast import _backend
from tsad_fast._validation import as_float_array, check_bool, check_int, check_open_unit

_backend.register(
    "spot_stream",
    cpp="tsad_fast._core:spot_stream",
    numba="tsad_fast.kernels._numba.spot:spot_stream",
    numpy="tsad_fast.kernels._numpy.spot:spot_stream",
)
_backend.register(
    "spot_resume",
    cpp="tsad_fast._core:spot_resume",
    numba="tsad_fast.kernels._numba.spot:spot_resume",
    numpy="tsad_fast.kernels._numpy.spot:spot_resume",
)


@dataclass(frozen=True)
class TailFit:
    """State of one fitted tail (upper, or lower for the two-sided variants).

    ``init_threshold`` is t, ``initial_quantile`` the extreme quantile z_q after calibration,
    ``quantile`` z_q after the stream, ``gamma``/``sigma`` the last GPD fit (gamma = 0 is the
    exponential case), ``n_peaks`` the number of excesses over t in the fit.
    """

    init_threshold: float
    initial_quantile: float
    quantile: float
    gamma: float
    sigma: float
    n_peaks: int


@dataclass(frozen=True)
class SpotResult:
    """Output of :func:`spot`.

    ``upper`` (n,) float64: threshold in force at each stream point (after that point's update),
    in the units of the data (the drift mean is added back for DSPOT). ``lower`` likewise for the
    two-sided variants, else ``None``. ``alarms`` (k,) int64: stream indices that raised an alarm.
    """

    upper: np.ndarray
    lower: Optional[np.ndarray]
    alarms: np.ndarray
    upper_tail: TailFit
    lower_tail: Optional[TailFit]
    backend: str

    @property
    def threshold(self) -> float:
        """The single threshold of the SCAN / CrossAD harness: the mean of ``upper`` (a
        ValueError for an empty stream, which has no per-point threshold)."""
        if self.upper.size == 0:
            raise ValueError("the stream (data, scores) is empty: the harness threshold, the "
                             "mean of its per-point thresholds, is undefined")
        with np.errstate(over="ignore"):
            mean = float(np.mean(self.upper))
        # thresholds near the largest double overflow the sum: the mean of the values divided first
        return mean if math.isfinite(mean) else float(np.sum(self.upper / self.upper.size))


def calibration(init: np.ndarray, level: float, depth: int, two_sided: bool,
                name: str = "init_data"):
    """Calibration values, initial thresholds and the drift window, as the reference builds them
    (``name``: the calibration values' name in errors).

    Returns ``(base, t_upper, t_lower, window)``: ``base`` is ``init`` (SPOT) or
    ``init[depth:]`` minus the mean of the ``depth`` values before each point (DSPOT);
    ``t_upper = sort(base)[int(level*m)]``, ``t_lower = sort(base)[int((1-level)*m)]``
    (at most the last);
    ``window`` holds the last ``depth`` values of ``init`` (empty without drift).
    """
    if depth:
        if init.size <= depth:
            raise ValueError(
                f"{name} has {init.size} values; DSPOT with depth={depth} needs more than {depth}"
            )
        with np.errstate(over="ignore", invalid="ignore"):
            means = np.lib.stride_tricks.sliding_window_view(init, depth).mean(axis=1)
            base = init[depth:] - means[:-1]
        if not np.isfinite(base).all():
            raise ValueError(f"{name}: values too large: DSPOT's moving mean or the residuals "
                             "to it overflow float64; rescale them")
        window = np.ascontiguousarray(init[-depth:])
    else:
        base = init
        window = np.empty(0)
    ordered = np.sort(base)
    t_upper = float(ordered[int(level * base.size)])
    # 1 - level rounds to 1 for level < 2**-54: the last value, not one past it
    lower_at = min(int((1 - level) * base.size), base.size - 1)
    t_lower = float(ordered[lower_at]) if two_sided else float("nan")
    if not np.any(base > t_upper):
        raise ValueError(
            f"{name}: no calibration value exceeds the initial threshold t={t_upper!r} "
            f"(level={level}, {base.size} values{'; the data is constant' if ordered[0] == ordered[-1] else ''}); "
            f"SPOT needs peaks above t to fit its tail: give more, or more varied, {name}, "
            "or a lower level"
        )
    if two_sided and not np.any(base < t_lower):
        raise ValueError(
            f"{name}: no calibration value lies below the lower initial threshold "
            f"t={t_lower!r} (level={level}); give more, or more varied, {name}"
        )
    return np.ascontiguousarray(base), t_upper, t_lower, window


def spot(
    init_data,
    data,
    *,
    q: float = 1e-4,
    level: float = 0.98,
    n_points: int = 10,
    depth: int = 0,
    two_sided: bool = False,
    with_alarm: bool = True,
    compat: bool = False,
    backend: str = "auto",
) -> SpotResult:
    """Streaming SPOT thresholds (Siffer et al., KDD 2017) over ``data`` after ``init_data``.

    Parameters
    ----------
    init_data : array-like (m,)
        Calibration values (scores or raw series), finite.
    data : array-like (n,)
        Stream, finite; may be empty.
    q : float in (0, 1)
        Risk: the probability of exceeding the extreme quantile.
    level : float in (0, 1)
        Quantile of the calibration data used as the initial threshold t.
    n_points : int >= 1
        Resolution of the root search grid (n_points + 2 points per interval).
    depth : int >= 0
        Moving-window length for DSPOT's drift removal; 0 is plain SPOT.
    two_sided : bool
        Fit the lower tail too (biSPOT / biDSPOT).
    with_alarm : bool
        If False, values beyond z_q also become peaks instead of alarms.
    compat : bool
        Reproduce the reference implementation's sign error in the exponential-case
        log-likelihood (makes the result depend on the data's scale). Default: the correct
        likelihood, scale-equivariant.
    backend : {"auto", "cpp", "numba", "numpy"}

    Returns
    -------
    SpotResult
    """
    return named_spot(init_data, data, ("init_data", "data"), q=q, level=level,
                      n_points=n_points, depth=depth, two_sided=two_sided,
                      with_alarm=with_alarm, compat=compat, backend=backend)


def named_spot(init_data, data, names, *, q: float, level: float, n_points: int, depth: int,
               two_sided: bool, with_alarm: bool, compat: bool, backend: str) -> SpotResult:
    """:func:`spot`, its errors calling the calibration values and the stream ``names`` (the
    arguments' names in a caller, e.g. ``("init_scores", "scores")``)."""
    init_name, data_name = names
    q = check_open_unit(q, "q")
    level = check_open_unit(level, "level")
    n_points = check_int(n_points, "n_points", 1)
    depth = check_int(depth, "depth", 0)
    two_sided = check_bool(two_sided, "two_sided")
    with_alarm = check_bool(with_alarm, "with_alarm")
    compat = check_bool(compat, "compat")
    init = as_float_array(init_data, init_name, min_length=1)
    stream = as_float_array(data, data_name, min_length=0)
    with np.errstate(over="ignore"):
        span = max(init.max(), stream.max(initial=-np.inf)) - min(init.min(), stream.min(initial=np.inf))
    if not np.isfinite(span):
        raise ValueError(f"{init_name} and {data_name} span more than the float64 range; "
                         "rescale them")
    name, run = _backend.resolve("spot_stream", backend, like=init_data)
    base, t_upper, t_lower, window = calibration(init, level, depth, two_sided, init_name)
    out = run(base, t_upper, t_lower, two_sided, window, stream, q, n_points, with_alarm, compat)
    upper, lower = out["upper"], out["lower"]
    fits = [out["upper_summary"]] + ([out["lower_summary"]] if two_sided else [])
    produced = [upper, np.empty(0) if lower is None else lower,
                [value for fit in fits for value in fit.values()]]
    if not all(np.isfinite(values).all() for values in produced):
        raise ValueError(
            f"SPOT produced a non-finite threshold or tail fit: q={q!r} is too small, or the "
            f"scale of {init_name} and {data_name} too large, for the GPD fit in float64 "
            "(raise q or rescale them)"
        )
    return SpotResult(
        upper=upper,
        lower=lower,
        alarms=np.flatnonzero(out["alarm"]).astype(np.int64),
        upper_tail=TailFit(**out["upper_summary"]),
        lower_tail=TailFit(**out["lower_summary"]) if two_sided else None,
        backend=name,
    )


def _checked(out: dict, names) -> None:
    """ValueError when SPOT produced a non-finite threshold or fit (``names``: the calibration
    values' and the stream's names)."""
    fits = [out["upper_summary"]] + ([out["lower_summary"]] if out["lower"] is not None else [])
    produced = [out["upper"], np.empty(0) if out["lower"] is None else out["lower"],
                [value for fit in fits for value in fit.values()]]
    if not all(np.isfinite(values).all() for values in produced):
        raise ValueError(
            f"SPOT produced a non-finite threshold or tail fit: q is too small, or the scale of "
            f"{names[0]} and {names[1]} too large, for the GPD fit in float64 (raise q or "
            "rescale them)")


class SpotState:
    """SPOT (or biSPOT, DSPOT, biDSPOT) continuing over a stream that arrives in pieces:
    ``update(x)`` gives the thresholds and alarms of the next values x as :func:`spot` over
    everything since the calibration gives them (to the last bits of the root search, which
    restarts at each piece).

    Made by :meth:`calibrate`. ``state()`` is the running state as plain arrays and numbers (the
    peaks, about ``1 - level`` of the normal values, 8 bytes each; each tail's last fit; the
    drift window; the count of normal values) and ``restore(state)`` sets it back.
    """

    def __init__(self, params: dict, state: dict):
        self.params = params
        self._state = state

    @classmethod
    def calibrate(cls, init_data, *, q: float = 1e-4, level: float = 0.98, n_points: int = 10,
                  depth: int = 0, two_sided: bool = False, with_alarm: bool = True,
                  compat: bool = False, backend: str = "auto",
                  name: str = "init_data") -> "SpotState":
        """The state after the calibration values ``init_data`` (m,) (parameters as
        :func:`spot`; ``name``: the calibration values' name in errors)."""
        q = check_open_unit(q, "q")
        level = check_open_unit(level, "level")
        params = dict(q=q, n_points=check_int(n_points, "n_points", 1),
                      with_alarm=check_bool(with_alarm, "with_alarm"),
                      compat=check_bool(compat, "compat"), backend=backend, name=name)
        two_sided = check_bool(two_sided, "two_sided")
        init = as_float_array(init_data, name, min_length=1)
        base, t_upper, t_lower, window = calibration(init, level, check_int(depth, "depth", 0),
                                                     two_sided, name)
        _, run = _backend.resolve("spot_stream", backend, like=init_data)
        out = run(base, t_upper, t_lower, two_sided, window, np.empty(0), q,
                  params["n_points"], params["with_alarm"], params["compat"])
        _checked(out, (name, "data"))
        fits = [out["upper_summary"]] + ([out["lower_summary"]] if two_sided else [])
        peaks = [sign * (base[sign * base > sign * t] - t)
                 for sign, t in ((1.0, t_upper), (-1.0, t_lower))[:len(fits)]]
        state = {"t": np.array([t_upper, t_lower]), "two_sided": two_sided,
                 "peaks_upper": peaks[0],
                 "peaks_lower": peaks[1] if two_sided else np.empty(0),
                 "fit": np.array([[f["quantile"], f["gamma"], f["sigma"], f["initial_quantile"]]
                                  for f in fits]),
                 "window": np.ascontiguousarray(window, dtype=np.float64), "num": int(base.size)}
        return cls(params, state)

    def update(self, data) -> SpotResult:
        """Thresholds and alarms (indices into ``data``) of the next values ``data`` (n,)."""
        p, s = self.params, self._state
        x = as_float_array(data, "data", min_length=0)
        name, run = _backend.resolve("spot_resume", p["backend"], like=data)
        out = run(float(s["t"][0]), float(s["t"][1]), s["two_sided"], s["peaks_upper"],
                  s["peaks_lower"], np.ascontiguousarray(s["fit"].reshape(-1)), s["window"],
                  s["num"], x, p["q"], p["n_points"], p["with_alarm"], p["compat"])
        _checked(out, (p["name"], "data"))
        fits = [out["upper_summary"]] + ([out["lower_summary"]] if s["two_sided"] else [])
        self._state = {**s, "peaks_upper": out["peaks_upper"], "peaks_lower": out["peaks_lower"],
                       "fit": np.array([[f["quantile"], f["gamma"], f["sigma"],
                                         f["initial_quantile"]] for f in fits]),
                       "window": out["window"], "num": int(out["num"])}
        return SpotResult(upper=out["upper"], lower=out["lower"],
                          alarms=np.flatnonzero(out["alarm"]).astype(np.int64),
                          upper_tail=TailFit(**out["upper_summary"]),
                          lower_tail=TailFit(**out["lower_summary"]) if s["two_sided"] else None,
                          backend=name)

    def judge(self, scores: np.ndarray):
        """(alarms (n,) int64 0/1, upper thresholds (n,)) of the next scores: what a stream
        reads."""
        result = self.update(scores)
        alarms = np.zeros(result.upper.size, dtype=np.int64)
        alarms[result.alarms] = 1
        return alarms, result.upper

    def state(self) -> dict:
        return dict(self._state)

    def restore(self, state: dict) -> None:
        """Set the state ``state()`` gave (ValueError for one of another shape)."""
        try:
            two_sided = bool(state["two_sided"])
            restored = {"t": np.asarray(state["t"], dtype=np.float64).reshape(2),
                        "two_sided": two_sided,
                        "peaks_upper": np.ascontiguousarray(state["peaks_upper"], np.float64),
                        "peaks_lower": np.ascontiguousarray(state["peaks_lower"], np.float64),
                        "fit": np.asarray(state["fit"], np.float64).reshape(1 + two_sided, 4),
                        "window": np.ascontiguousarray(state["window"], np.float64),
                        "num": int(state["num"])}
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"state: not a SPOT stream's state ({exc})") from exc
        if restored["peaks_upper"].ndim != 1 or restored["window"].shape != \
                self._state["window"].shape or two_sided != self._state["two_sided"]:
            raise ValueError("state: not a SPOT stream's state of these parameters")
        self._state = restored
