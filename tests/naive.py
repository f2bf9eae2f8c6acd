"""Slow, loop-level oracles that every backend is compared with.

``NaiveSPOT`` follows the reference ``spot.py`` (Siffer et al.; ``ads-evt``) step by step —
``sorted()`` initial threshold, a key function for the lower tail, peaks grown with
``np.append``, the running-sum moving average for DSPOT, ``window.mean()`` per point, the
log-likelihood through tau = gamma / sigma — with one change: each Grimshaw root is solved
exactly (sign changes of w on ``linspace(lo, hi, n_points + 2)``, grid points with
|w| <= W_NOISE skipped, then Brent) instead of the reference's joint L-BFGS-B minimisation.
"""
import numpy as np
from scipy.optimize import brentq

from tsad_fast.kernels._numpy.spot import W_NOISE


def _w(peaks, theta):
    s = 1 + theta * peaks
    return (1 + np.mean(np.log(s))) * np.mean(1 / s) - 1


def _exact_roots(peaks, lo, hi, n_points):
    grid = [lo + j * ((hi - lo) / (n_points + 1)) for j in range(n_points + 1)] + [hi]
    found, last = [], None
    for theta in grid:
        w = _w(peaks, theta)
        if not abs(w) > W_NOISE:
            continue
        if last is not None and last[1] * w < 0:
            found.append(brentq(lambda th: _w(peaks, th), last[0], theta,
                                xtol=np.finfo(float).tiny, rtol=4 * np.finfo(float).eps,
                                maxiter=500))
        last = (theta, w)
    return found


class NaiveTail:
    def __init__(self, q, n_points, key, compat):
        self.q, self.n_points, self.key, self.compat = q, n_points, key, compat

    def log_likelihood(self, gamma, sigma):
        n = self.peaks.size
        if gamma != 0:
            tau = gamma / sigma
            return -n * np.log(sigma) - (1 + 1 / gamma) * np.sum(np.log(1 + tau * self.peaks))
        value = n * (1 + np.log(self.peaks.mean()))
        return value if self.compat else -value

    def grimshaw(self):
        peaks = self.peaks
        eps = 1e-8
        a = -1 / peaks.max()
        if abs(a) < 3 * eps:
            eps = abs(a) / self.n_points
        a = a + eps
        zeros = _exact_roots(peaks, a + eps, -eps, self.n_points)
        y_mean, y_min = peaks.mean(), peaks.min()
        if y_mean > y_min > 0 and not np.isclose(y_mean, y_min):
            b = 2 * (y_mean - y_min) / (y_mean * y_min)
            c = 2 * (y_mean - y_min) / y_min ** 2
            zeros += _exact_roots(peaks, b, c, self.n_points)
        best = (0.0, y_mean, self.log_likelihood(0.0, y_mean))
        for z in zeros:
            gamma = np.mean(np.log(1 + z * peaks))
            sigma = gamma / z
            ll = self.log_likelihood(gamma, sigma)
            if ll > best[2]:
                best = (gamma, sigma, ll)
        return best[0], best[1]

    def quantile(self, num):
        gamma, sigma = self.grimshaw()
        r = num * self.q / self.peaks.size
        if gamma != 0:
            return self.t + self.key(sigma / gamma * (r ** (-gamma) - 1))
        return self.t - self.key(sigma * np.log(r))

    def initialize(self, data, t):
        self.t = t
        self.peaks = self.key(data[self.key(data) > self.key(t)] - t)
        self.zq = self.quantile(data.size)

    def run(self, x, num, with_alarm):
        if self.key(x) > self.key(self.zq):
            if with_alarm:
                return "alarm"
        elif not self.key(x) > self.key(self.t):
            return "normal"
        self.peaks = np.append(self.peaks, self.key(x - self.t))
        self.zq = self.quantile(num + 1)
        return "peak"


def naive_spot(init, data, q=1e-4, level=0.98, n_points=10, depth=0, two_sided=False,
               with_alarm=True, compat=False):
    """Returns (upper thresholds, lower thresholds or None, alarm indices)."""
    init = np.asarray(init, dtype=float)
    if depth:
        acc = init[:depth].sum()
        means = [acc / depth]
        for i in range(depth, init.size):
            acc = acc - init[i - depth] + init[i]
            means.append(acc / depth)
        base = init[depth:] - np.array(means)[:-1]
    else:
        base = init
    ordered = sorted(base)
    tails = [NaiveTail(q, n_points, lambda v: v, compat)]
    tails[0].initialize(base, ordered[int(level * base.size)])
    if two_sided:
        tails.append(NaiveTail(q, n_points, lambda v: -v, compat))
        tails[1].initialize(base, ordered[int((1 - level) * base.size)])
    num = base.size
    window = init[-depth:] if depth else None
    out = [[] for _ in tails]
    alarms = []
    for i, x in enumerate(data):
        mean = window.mean() if depth else 0.0
        status = [tail.run(x - mean, num, with_alarm) for tail in tails]
        if "alarm" in status:
            alarms.append(i)
        else:
            num += 1
            if depth:
                window = np.append(window[1:], x)
        for k, tail in enumerate(tails):
            out[k].append(tail.zq + mean)
    return np.array(out[0]), (np.array(out[1]) if two_sided else None), np.array(alarms, dtype=int)


def naive_vus(labels, score, window, n_thresholds=250):
    """VUS-ROC and VUS-PR by their definition (TSB-AD 1.5): for every buffer length and
    threshold, build the soft labels point by point. O(window * thre * n): small inputs only."""
    labels = np.asarray(labels, dtype=int)
    n = labels.size
    runs, t = [], 0
    while t < n:
        if labels[t]:
            s = t
            while t < n and labels[t]:
                t += 1
            runs.append((s, t - 1))
        else:
            t += 1
    ordered = sorted(score, reverse=True)
    thresholds = [ordered[int(i)] for i in np.linspace(0, n - 1, n_thresholds)]
    n_true = labels.sum()
    rocs, prs = [], []
    for w in range(window + 1):
        h = w // 2
        soft = [0.0] * n
        for s, e in runs:
            for d in range(1, h + 1):
                if e + d < n:
                    soft[e + d] += np.sqrt(1 - d / w)
            for d in range(1, h + 1):
                if s - d >= 0:
                    soft[s - d] += np.sqrt(1 - d / w)
        # buffered segments, merged where they touch
        groups = [[max(runs[0][0] - h, 0), runs[0][1] + h]]
        for s, e in runs[1:]:
            if groups[-1][1] < s - h:
                groups.append([s - h, e + h])
            else:
                groups[-1][1] = e + h
        groups[-1][1] = min(groups[-1][1], n - 1)
        tpr, fpr, prec = [0.0], [0.0], []
        for thr in thresholds:
            pred = [x >= thr for x in score]
            tp, weight_sum = 0.0, 0.0
            for i in range(n):
                v = 1.0 if labels[i] else min(soft[i], 1.0) * pred[i]
                weight_sum += v
                tp += v * pred[i]
            hit = sum(any(pred[a:b + 1]) for a, b in groups)
            p_new = (n_true + weight_sum) / 2
            tpr.append(min(tp / p_new, 1) * hit / len(groups))
            fpr.append((sum(pred) - tp) / (n - p_new))
            prec.append(tp / sum(pred))
        tpr.append(1.0)
        fpr.append(1.0)
        rocs.append(sum((fpr[k + 1] - fpr[k]) * (tpr[k + 1] + tpr[k]) / 2 for k in range(len(tpr) - 1)))
        prs.append(sum((tpr[k + 1] - tpr[k]) * prec[k] for k in range(len(prec))))
    return sum(rocs) / len(rocs), sum(prs) / len(prs)


def naive_mv_mtf(X, edges, alpha, weights, scale):
    """MV-MTF of X (n, c) given each variable's bin edges, following the paper's algorithm step
    by step: bins by comparison with the edges, transition counts between every ordered pair of
    variables over consecutive timestamps, row normalisation, then the weighted field."""
    n, c = len(X), len(X[0])
    bins = [[sum(1 for e in edges[u] if e < X[t][u]) for u in range(c)] for t in range(n)]
    sizes = [len(edges[u]) + 1 for u in range(c)]
    W = {}
    for u in range(c):
        for k in range(c):
            counts = [[0.0] * sizes[k] for _ in range(sizes[u])]
            for t in range(1, n):
                counts[bins[t - 1][u]][bins[t][k]] += 1
            for row in counts:
                total = sum(row)
                for b in range(len(row)):
                    row[b] = row[b] / total if total else 0.0
            W[u, k] = counts
    F = np.zeros((n, c))
    for t in range(n):
        for u in range(c):
            a = bins[t - 1][u] if t > 0 else bins[0][u]
            cross = sum(weights[u][k] * W[u, k][a][bins[t][k]] for k in range(c) if k != u)
            F[t, u] = scale * (alpha * W[u, u][a][bins[t][u]] + (1 - alpha) * cross)
    return F
