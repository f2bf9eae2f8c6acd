"""SPOT streaming thresholds in Numba: the reference algorithm (``_numpy/spot.py``) compiled.

Same grid of ``n_points + 2`` points per search interval and the same sign-change rule; each
root is solved by bracketed Newton (the C++ kernel's solver) instead of Brent, to the same
full precision. Tail state lives in small arrays indexed by tail (0 upper, 1 lower).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from tsad_fast.kernels._numpy.spot import W_NOISE, one_plus_product

_EPS = np.finfo(np.float64).eps
_one_plus = njit(cache=True, nogil=True)(one_plus_product)
# summary columns, in TailFit order
_T, _ZQ0, _ZQ, _GAMMA, _SIGMA, _NPEAKS = range(6)


@njit(cache=True, nogil=True)
def _sums(peaks, n, theta):
    a = 0.0
    b = 0.0
    c = 0.0
    for i in range(n):
        s = _one_plus(theta, peaks[i])
        r = 1.0 / s
        a += np.log(s)
        b += r
        c += r * r
    return a, b, c


@njit(cache=True, nogil=True)
def _w(a, b, n):
    return (1.0 + a / n) * (b / n) - 1.0


@njit(cache=True, nogil=True)
def _brackets(wa, wb):
    return (wa < 0.0 and wb > 0.0) or (wa > 0.0 and wb < 0.0)


@njit(cache=True, nogil=True)
def _solve(peaks, n, a, b, wa):
    """Root of w in (a, b) by bracketed Newton; returns (root, sum log(1 + root*Y))."""
    x = 0.5 * (a + b)
    for _ in range(200):
        la, lb, lc = _sums(peaks, n, x)
        f = _w(la, lb, n)
        if f == 0.0 or not np.isfinite(f):
            return x, la
        if _brackets(wa, f):
            b = x
        else:
            a = x
            wa = f
        u = 1.0 + la / n
        v = lb / n
        slope = u * (lc / n - v) / x + v * (1.0 - v) / x
        nxt = x - f / slope
        if not (nxt > a and nxt < b):
            nxt = 0.5 * (a + b)
        tol = 2.0 * _EPS * abs(nxt)
        if abs(nxt - x) <= tol or b - a <= 2.0 * tol:
            return x, la
        x = nxt
    return x, _sums(peaks, n, x)[0]


@njit(cache=True, nogil=True)
def _roots(peaks, n, lo, hi, n_points, roots, logs, k):
    """Appends the roots of w on linspace(lo, hi, n_points + 2) to roots/logs from index k."""
    g = n_points + 2
    step = (hi - lo) / (g - 1)
    have_last = False
    w_last = 0.0
    theta_last = lo
    for j in range(g):
        theta = hi if j == g - 1 else j * step + lo
        la, lb, _ = _sums(peaks, n, theta)
        w = _w(la, lb, n)
        if not abs(w) > W_NOISE:
            continue
        if have_last and _brackets(w_last, w):
            roots[k], logs[k] = _solve(peaks, n, theta_last, theta, w_last)
            k += 1
        have_last = True
        w_last = w
        theta_last = theta
    return k


@njit(cache=True, nogil=True)
def _fit(peaks, n, y_min, y_max, y_sum, n_points, compat):
    """Grimshaw maximum likelihood over peaks[:n]: (gamma, sigma)."""
    roots = np.empty(2 * (n_points + 2))
    logs = np.empty(2 * (n_points + 2))
    y_mean = y_sum / n
    eps = 1e-8
    a = -1.0 / y_max
    if abs(a) < 3.0 * eps:
        eps = abs(a) / n_points
    k = _roots(peaks, n, (a + eps) + eps, -eps, n_points, roots, logs, 0)
    if y_mean > y_min and y_min > 0.0 and not abs(y_mean - y_min) <= 1e-8 + 1e-5 * abs(y_min):
        spread = 2.0 * (y_mean - y_min)
        k = _roots(peaks, n, spread / (y_mean * y_min), spread / (y_min * y_min), n_points,
                   roots, logs, k)
    gamma = 0.0
    sigma = y_mean
    best = n * (1.0 + np.log(y_mean))
    if not compat:
        best = -best
    for i in range(k):
        if roots[i] == 0.0:  # the trivial root (a reversed interval): a NaN candidate elsewhere
            continue
        g = logs[i] / n
        s = g / roots[i]
        ll = -n * np.log(s) - n * (g + 1.0)
        if ll > best:
            best = ll
            gamma = g
            sigma = s
    return gamma, sigma


@njit(cache=True, nogil=True)
def _add_peak(state, peaks, counts, tail, y):
    k = counts[tail]
    if k == 0:
        state[tail, 0] = y
        state[tail, 1] = y
    else:
        state[tail, 0] = min(state[tail, 0], y)
        state[tail, 1] = max(state[tail, 1], y)
    state[tail, 2] += y
    peaks[tail, k] = y
    counts[tail] = k + 1


@njit(cache=True, nogil=True)
def _refit(state, peaks, counts, summary, tail, sign, num, q, n_points, compat):
    n = counts[tail]
    gamma, sigma = _fit(peaks[tail], n, state[tail, 0], state[tail, 1], state[tail, 2],
                        n_points, compat)
    ratio = num * q / n
    if gamma != 0.0:
        excess = sigma / gamma * (ratio ** (-gamma) - 1.0)
    else:
        excess = -sigma * np.log(ratio)
    summary[tail, _ZQ] = summary[tail, _T] + sign * excess
    summary[tail, _GAMMA] = gamma
    summary[tail, _SIGMA] = sigma
    summary[tail, _NPEAKS] = n


@njit(cache=True, nogil=True)
def _run(base, t_upper, t_lower, two_sided, window, x, q, n_points, with_alarm, compat,
         thresholds, alarm, summary):
    n_tails = 2 if two_sided else 1
    signs = np.array([1.0, -1.0])
    peaks = np.empty((n_tails, base.size + x.size))
    counts = np.zeros(n_tails, dtype=np.int64)
    state = np.zeros((n_tails, 3))  # y_min, y_max, y_sum
    summary[0, _T] = t_upper
    if two_sided:
        summary[1, _T] = t_lower
    num = base.size
    for tail in range(n_tails):
        sign = signs[tail]
        t = summary[tail, _T]
        for i in range(base.size):
            if sign * base[i] > sign * t:
                _add_peak(state, peaks, counts, tail, sign * (base[i] - t))
        if counts[tail] == 0:
            return False
        _refit(state, peaks, counts, summary, tail, sign, num, q, n_points, compat)
        summary[tail, _ZQ0] = summary[tail, _ZQ]
    ring = window.copy()
    _continue(state, peaks, counts, summary, n_tails, ring, num, x, q, n_points, with_alarm,
              compat, thresholds, alarm)
    return True


@njit(cache=True, nogil=True)
def _continue(state, peaks, counts, summary, n_tails, ring, num, x, q, n_points, with_alarm,
              compat, thresholds, alarm):
    """The stream x after the tails; ring (the drift window, oldest first) is left in the same
    order after x. Returns num after x."""
    signs = np.array([1.0, -1.0])
    depth = ring.size
    head = 0
    for i in range(x.size):
        mean = 0.0
        if depth > 0:
            s = 0.0
            for j in range(depth):
                s += ring[(head + j) % depth]
            mean = s / depth
        v = x[i] - mean
        is_alarm = False
        for tail in range(n_tails):
            sign = signs[tail]
            if sign * v > sign * summary[tail, _ZQ]:
                if with_alarm:
                    is_alarm = True
                    continue
            elif not sign * v > sign * summary[tail, _T]:
                continue
            _add_peak(state, peaks, counts, tail, sign * (v - summary[tail, _T]))
            _refit(state, peaks, counts, summary, tail, sign, num + 1, q, n_points, compat)
        alarm[i] = 1 if is_alarm else 0
        if not is_alarm:
            num += 1
            if depth > 0:
                ring[head] = x[i]
                head = (head + 1) % depth
        for tail in range(n_tails):
            thresholds[tail, i] = summary[tail, _ZQ] + mean
    if depth > 0:
        ring[:] = np.concatenate((ring[head:], ring[:head]))
    return num


@njit(cache=True, nogil=True)
def _resume(t, peaks_in, fit, ring, num, x, q, n_points, with_alarm, compat, thresholds, alarm,
            summary, peaks, counts):
    n_tails = t.size
    state = np.zeros((n_tails, 3))
    for tail in range(n_tails):
        summary[tail, _T] = t[tail]
        for y in peaks_in[tail]:
            _add_peak(state, peaks, counts, tail, y)
        summary[tail, _ZQ] = fit[tail, 0]
        summary[tail, _GAMMA] = fit[tail, 1]
        summary[tail, _SIGMA] = fit[tail, 2]
        summary[tail, _ZQ0] = fit[tail, 3]
        summary[tail, _NPEAKS] = counts[tail]
    return _continue(state, peaks, counts, summary, n_tails, ring, num, x, q, n_points,
                     with_alarm, compat, thresholds, alarm)


def _summary_dict(row) -> dict:
    return dict(init_threshold=float(row[_T]), initial_quantile=float(row[_ZQ0]),
                quantile=float(row[_ZQ]), gamma=float(row[_GAMMA]), sigma=float(row[_SIGMA]),
                n_peaks=int(row[_NPEAKS]))


def spot_stream(base, t_upper, t_lower, two_sided, window, x, q, n_points, with_alarm, compat):
    """Same contract as ``tsad_fast._core.spot_stream`` (see ``kernels/spot.py``)."""
    n_tails = 2 if two_sided else 1
    thresholds = np.empty((n_tails, x.size))
    alarm = np.zeros(x.size, dtype=np.uint8)
    summary = np.zeros((n_tails, 6))
    if not _run(base, t_upper, t_lower, two_sided, window, x, q, n_points, with_alarm, compat,
                thresholds, alarm, summary):
        raise ValueError("init_data: no calibration value lies beyond the initial threshold")
    return {
        "upper": thresholds[0],
        "lower": thresholds[1] if two_sided else None,
        "alarm": alarm,
        "upper_summary": _summary_dict(summary[0]),
        "lower_summary": _summary_dict(summary[1]) if two_sided else None,
    }


def spot_resume(t_upper, t_lower, two_sided, peaks_upper, peaks_lower, fit, window, num, x, q,
                n_points, with_alarm, compat):
    """Same contract as ``tsad_fast._core.spot_resume`` (see ``kernels/spot.py``)."""
    from numba.typed import List

    n_tails = 2 if two_sided else 1
    given = [peaks_upper, peaks_lower][:n_tails]
    if any(p.size == 0 for p in given):
        raise ValueError("state: a tail without peaks cannot be resumed")
    thresholds = np.empty((n_tails, x.size))
    alarm = np.zeros(x.size, dtype=np.uint8)
    summary = np.zeros((n_tails, 6))
    peaks = np.empty((n_tails, max(p.size for p in given) + x.size))
    counts = np.zeros(n_tails, dtype=np.int64)
    ring = window.copy()
    num = _resume(np.array([t_upper, t_lower][:n_tails]), List(given),
                  np.reshape(fit, (n_tails, 4)), ring, num, x, q, n_points, with_alarm, compat,
                  thresholds, alarm, summary, peaks, counts)
    return {
        "upper": thresholds[0],
        "lower": thresholds[1] if two_sided else None,
        "alarm": alarm,
        "peaks_upper": peaks[0, :counts[0]].copy(),
        "peaks_lower": peaks[1, :counts[1]].copy() if two_sided else np.empty(0),
        "window": ring,
        "num": int(num),
        "upper_summary": _summary_dict(summary[0]),
        "lower_summary": _summary_dict(summary[1]) if two_sided else None,
    }
