"""SPOT streaming thresholds: the NumPy reference (the truth the other backends must match).

Readable on purpose: one Python object per tail, the stream in a Python loop, Grimshaw's roots
found by evaluating w on ``linspace(lo, hi, n_points + 2)`` over each search interval of the
reference ``spot.py`` and solving every sign change with Brent's method to full precision.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

_TINY = np.finfo(np.float64).tiny
_RTOL = 4 * np.finfo(np.float64).eps  # brentq's smallest allowed relative tolerance


def grimshaw_w(peaks: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """w(theta) = (1 + mean log(1 + theta Y)) * mean(1 / (1 + theta Y)) - 1, for each theta."""
    s = 1.0 + np.multiply.outer(np.atleast_1d(theta), peaks)
    return (1.0 + np.log(s).mean(axis=-1)) * (1.0 / s).mean(axis=-1) - 1.0


def brackets(wa: float, wb: float) -> bool:
    """A strict sign change between two grid values (zeros and NaNs excluded)."""
    return (wa < 0 and wb > 0) or (wa > 0 and wb < 0)


def roots_on_grid(peaks: np.ndarray, lo: float, hi: float, n_points: int) -> list:
    """Roots of w in [lo, hi]: grid zeros and one root per sign change, ascending."""
    grid = np.linspace(lo, hi, n_points + 2)
    w = grimshaw_w(peaks, grid)
    roots = []
    for j in range(grid.size):
        if w[j] == 0:
            roots.append(grid[j])
        elif j > 0 and brackets(w[j - 1], w[j]):
            f = lambda theta: grimshaw_w(peaks, theta)[0]  # noqa: E731
            roots.append(brentq(f, grid[j - 1], grid[j], xtol=_TINY, rtol=_RTOL, maxiter=500))
    return roots


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
            g = np.log(1.0 + z * peaks).mean()
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


def spot_stream(base, t_upper, t_lower, two_sided, window, x, q, n_points, with_alarm, compat):
    """Same contract as ``tsad_fast._core.spot_stream`` (see ``kernels/spot.py``)."""
    num = base.size
    tails = [Tail(1.0, t_upper, q, n_points, compat)]
    if two_sided:
        tails.append(Tail(-1.0, t_lower, q, n_points, compat))
    for tail in tails:
        tail.initialize(base, num)
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
    return {
        "upper": thresholds[0],
        "lower": thresholds[1] if two_sided else None,
        "alarm": alarm,
        "upper_summary": tails[0].summary(),
        "lower_summary": tails[1].summary() if two_sided else None,
    }
