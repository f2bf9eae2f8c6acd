"""SPOT streaming thresholds: the NumPy reference (the truth the other backends must match).

Readable on purpose: one Python object per tail, the stream in a Python loop, Grimshaw's roots
found by evaluating w on ``linspace(lo, hi, n_points + 2)`` over each search interval of the
reference ``spot.py`` and solving every sign change with Brent's method to full precision.
Grid points where w is indistinguishable from 0 in float64 (|w| <= W_NOISE, as next to the
trivial root theta = 0) carry no sign and are skipped.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

_TINY = np.finfo(np.float64).tiny
_RTOL = 4 * np.finfo(np.float64).eps  # brentq's smallest allowed relative tolerance


_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitter


def one_plus_product(theta, y):
    """1 + theta*y with the product's rounding error added back (Dekker's exact product).

    Next to theta = -1/max(Y) the plain sum cancels and loses up to all digits; this keeps the
    relative error of s = 1 + theta*y at a few ulps, as the C++ kernel's fma() does.
    """
    p = theta * y
    t = _SPLIT * theta
    t_hi = t - (t - theta)
    t_lo = theta - t_hi
    u = _SPLIT * y
    y_hi = u - (u - y)
    y_lo = y - y_hi
    err = ((t_hi * y_hi - p) + t_hi * y_lo + t_lo * y_hi) + t_lo * y_lo
    return (1.0 + p) + err


def grimshaw_w(peaks: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """w(theta) = (1 + mean log(1 + theta Y)) * mean(1 / (1 + theta Y)) - 1, for each theta."""
    s = one_plus_product(np.atleast_1d(theta)[:, None], peaks)
    return (1.0 + np.log(s).mean(axis=-1)) * (1.0 / s).mean(axis=-1) - 1.0


# |w| at or below this is float64 noise (u*v - 1 with u, v close to 1, as near the trivial root
# theta = 0, i.e. the exponential candidate): such grid points carry no sign and are skipped.
W_NOISE = 1e-10


def brackets(wa: float, wb: float) -> bool:
    """A strict sign change between two grid values with a sign."""
    return (wa < 0 and wb > 0) or (wa > 0 and wb < 0)


def roots_on_grid(peaks: np.ndarray, lo: float, hi: float, n_points: int) -> list:
    """Roots of w in [lo, hi], ascending: one per sign change between consecutive grid points
    with a sign (|w| > W_NOISE)."""
    grid = np.linspace(lo, hi, n_points + 2)
    w = grimshaw_w(peaks, grid)
    signed = [j for j in range(grid.size) if abs(w[j]) > W_NOISE]
    f = lambda theta: grimshaw_w(peaks, theta)[0]  # noqa: E731
    # disp=False: where w is too ill-conditioned for Brent to reach full precision in 500 steps
    # (peaks spanning hundreds of orders of magnitude), the bracketed estimate stands
    return [brentq(f, grid[i], grid[j], xtol=_TINY, rtol=_RTOL, maxiter=500, disp=False)
            for i, j in zip(signed, signed[1:]) if brackets(w[i], w[j])]


def search_intervals(peaks: np.ndarray, n_points: int) -> list:
    """The reference's intervals: (-1/Y_max + 2e, -e) and, for spread-out peaks,
    (2(mean-min)/(mean*min), 2(mean-min)/min^2)."""
    y_min, y_max, y_mean = peaks.min(), peaks.max(), peaks.mean()
    eps = 1e-8
    a = -1.0 / y_max
    if abs(a) < 3 * eps:
        eps = abs(a) / n_points
    intervals = [((a + eps) + eps, -eps)]
    if y_mean > y_min > 0 and not abs(y_mean - y_min) <= 1e-8 + 1e-5 * abs(y_min):
        spread = 2 * (y_mean - y_min)
        intervals.append((spread / (y_mean * y_min), spread / (y_min * y_min)))
    return intervals


def fit_gpd(peaks: np.ndarray, n_points: int, compat: bool):
    """Grimshaw maximum likelihood: (gamma, sigma) of the best candidate, exponential first."""
    n = peaks.size
    y_mean = peaks.mean()
    gamma, sigma = 0.0, y_mean
    exp_ll = n * (1 + np.log(y_mean))
    best = exp_ll if compat else -exp_ll
    for lo, hi in search_intervals(peaks, n_points):
        for z in roots_on_grid(peaks, lo, hi, n_points):
            g = np.log(one_plus_product(z, peaks)).mean()
            s = g / z
            ll = -n * np.log(s) - n * (g + 1.0)  # sum log(1 + z Y) = n g at a root
            if ll > best:
                best, gamma, sigma = ll, g, s
    return gamma, sigma


class Tail:
    """One tail of the stream: sign +1 (upper) or -1 (lower, mirrored around t)."""

    def __init__(self, sign: float, t: float, q: float, n_points: int, compat: bool):
        self.sign, self.t, self.q, self.n_points, self.compat = sign, t, q, n_points, compat
        self.peaks = np.empty(0)
        self.zq = self.gamma = self.sigma = np.nan

    def fit(self, num: int) -> None:
        self.gamma, self.sigma = fit_gpd(self.peaks, self.n_points, self.compat)
        ratio = num * self.q / self.peaks.size
        if self.gamma != 0:
            excess = self.sigma / self.gamma * (ratio ** (-self.gamma) - 1)
        else:
            excess = -self.sigma * np.log(ratio)
        self.zq = self.t + self.sign * excess

    def initialize(self, base: np.ndarray, num: int) -> None:
        self.peaks = self.sign * (base[self.sign * base > self.sign * self.t] - self.t)
        if self.peaks.size == 0:
            raise ValueError("init_data: no calibration value lies beyond the initial threshold")
        self.fit(num)
        self.initial_quantile = self.zq

    def observe(self, x: float, num: int, with_alarm: bool) -> str:
        """'alarm', 'peak' (added and refitted) or 'normal'."""
        if self.sign * x > self.sign * self.zq:
            if with_alarm:
                return "alarm"
        elif not self.sign * x > self.sign * self.t:
            return "normal"
        self.peaks = np.append(self.peaks, self.sign * (x - self.t))
        self.fit(num + 1)
        return "peak"

    def summary(self) -> dict:
        return dict(init_threshold=float(self.t), initial_quantile=float(self.initial_quantile),
                    quantile=float(self.zq), gamma=float(self.gamma), sigma=float(self.sigma),
                    n_peaks=int(self.peaks.size))


def _continue(tails, window, num, x, with_alarm):
    """The stream x after the tails and the drift window (oldest first): thresholds
    (tails, n), alarm (n,), the window after x, num after x."""
    window = list(window)
    thresholds = np.empty((len(tails), x.size))
    alarm = np.zeros(x.size, dtype=np.uint8)
    for i, value in enumerate(x):
        mean = sum(window) / len(window) if window else 0.0
        statuses = [tail.observe(value - mean, num, with_alarm) for tail in tails]
        if "alarm" in statuses:
            alarm[i] = 1
        else:
            num += 1
            if window:
                window = window[1:] + [value]
        thresholds[:, i] = [tail.zq + mean for tail in tails]
    return thresholds, alarm, np.array(window, dtype=np.float64), num


def spot_stream(base, t_upper, t_lower, two_sided, window, x, q, n_points, with_alarm, compat):
    """Same contract as ``tsad_fast._core.spot_stream`` (see ``kernels/spot.py``)."""
    num = base.size
    tails = [Tail(1.0, t_upper, q, n_points, compat)]
    if two_sided:
        tails.append(Tail(-1.0, t_lower, q, n_points, compat))
    for tail in tails:
        tail.initialize(base, num)
    thresholds, alarm, _, _ = _continue(tails, window, num, x, with_alarm)
    return {
        "upper": thresholds[0],
        "lower": thresholds[1] if two_sided else None,
        "alarm": alarm,
        "upper_summary": tails[0].summary(),
        "lower_summary": tails[1].summary() if two_sided else None,
    }


def spot_resume(t_upper, t_lower, two_sided, peaks_upper, peaks_lower, fit, window, num, x, q,
                n_points, with_alarm, compat):
    """Same contract as ``tsad_fast._core.spot_resume`` (see ``kernels/spot.py``)."""
    tails = [Tail(1.0, t_upper, q, n_points, compat)]
    if two_sided:
        tails.append(Tail(-1.0, t_lower, q, n_points, compat))
    for tail, peaks, row in zip(tails, (peaks_upper, peaks_lower), np.reshape(fit, (-1, 4))):
        if peaks.size == 0:
            raise ValueError("state: a tail without peaks cannot be resumed")
        tail.peaks = peaks.copy()
        tail.zq, tail.gamma, tail.sigma, tail.initial_quantile = (float(v) for v in row)
    thresholds, alarm, window, num = _continue(tails, window, num, x, with_alarm)
    return {
        "upper": thresholds[0],
        "lower": thresholds[1] if two_sided else None,
        "alarm": alarm,
        "peaks_upper": tails[0].peaks,
        "peaks_lower": tails[1].peaks if two_sided else np.empty(0),
        "window": window,
        "num": num,
        "upper_summary": tails[0].summary(),
        "lower_summary": tails[1].summary() if two_sided else None,
    }
