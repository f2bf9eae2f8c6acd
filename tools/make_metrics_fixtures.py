"""Generate tests/data/tsbad_metrics.npz: TSB-AD 1.5 ``get_metrics`` on edge cases and real
score/label pairs, for the parity tests of tsad_fast.metrics.

Run once in a throwaway environment (TSB-AD pins numpy<2 but its metrics run on numpy 2):
    python -m venv /tmp/tsbvenv --system-site-packages
    /tmp/tsbvenv/bin/pip install --no-deps tsb-ad==1.5 && /tmp/tsbvenv/bin/pip install scikit-learn statsmodels
    /tmp/tsbvenv/bin/python tools/make_metrics_fixtures.py [path/to/shared/data]
The real pairs use two SMD machines (OmniAnomaly, MIT): score = mean |z| of the test metrics
against the training part's mean and std; labels as published.
"""
import sys
from pathlib import Path

import numpy as np
from TSB_AD.evaluation.metrics import get_metrics
from TSB_AD.utils.slidingWindows import find_length_rank  # needs statsmodels

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
KEYS = ["AUC-PR", "AUC-ROC", "VUS-PR", "VUS-ROC", "Standard-F1", "PA-F1", "Event-based-F1",
        "R-based-F1", "Affiliation-F"]


def labels_from(n, runs):
    y = np.zeros(n, dtype=np.int64)
    for a, b in runs:
        y[a:b] = 1
    return y


def cases():
    rng = np.random.default_rng(2024)
    n = 3000
    y = labels_from(n, [(300, 340), (1200, 1215), (2500, 2600)])
    yield "random", y, rng.random(n) + 0.6 * y * rng.random(n), 100
    yield "heavy_ties", y, np.round(rng.random(n) + 0.4 * y, 1), 100
    yield "constant_score", y, np.full(n, 0.5), 100
    y1 = labels_from(n, [(1777, 1778)])
    yield "single_point", y1, rng.random(n) + 0.5 * y1, 100
    y2 = labels_from(n, [(0, 30), (2950, 3000)])
    yield "start_and_end", y2, rng.random(n) + 0.4 * y2, 100
    y3 = labels_from(n, [(1000, 1050), (1051, 1100), (1102, 1103), (1180, 1200)])
    yield "adjacent_segments", y3, rng.random(n) + 0.3 * y3, 100
    y4 = labels_from(60, [(20, 25)])
    yield "n_below_window", y4, rng.random(60) + 0.5 * y4, 100
    y5 = labels_from(n, [(400, 420), (1500, 1530)])
    yield "odd_window", y5, rng.random(n) + 0.2 * y5, 37
    for machine, lo, hi in [("machine-1-6", 0, 6000), ("machine-3-4", 2000, 7000)]:
        with np.load(DATA / "smd" / f"{machine}.npz", allow_pickle=False) as d:
            train, test = d["train"].astype(np.float64), d["test"].astype(np.float64)
            label = d["label"].astype(np.int64)
        z = np.abs(test - train.mean(0)) / (train.std(0) + 1e-6)
        yield f"smd_{machine}", label[lo:hi], z.mean(1)[lo:hi], 100


def period_series():
    """Series for find_length_rank: real ones (UCR, one SMD metric), a sine, noise."""
    rng = np.random.default_rng(7)
    t = np.arange(5000)
    yield "sine_period_50", np.sin(2 * np.pi * t / 50) + 0.1 * rng.normal(size=t.size)
    yield "white_noise", rng.normal(size=3000)
    ucr = sorted((DATA / "ucr").glob("*.txt"))
    for path in ucr[:2]:
        yield path.stem[:30], np.loadtxt(path)
    with np.load(DATA / "smd" / "machine-1-6.npz", allow_pickle=False) as d:
        yield "smd_machine-1-6_metric0", d["test"][:, 0].astype(np.float64)


def main():
    out = {}
    for i, (name, y, score, window) in enumerate(cases()):
        metrics = get_metrics(score, y, slidingWindow=window)
        out[f"case{i}_name"] = np.array(name)
        out[f"case{i}_labels"] = y.astype(np.int8)
        out[f"case{i}_score"] = score
        out[f"case{i}_window"] = np.array(window)
        out[f"case{i}_values"] = np.array([float(metrics[k]) for k in KEYS])
        # TSB-AD's main.py passes the boolean array; 0/1 integers give another R-based-F1
        pred = score > score.mean() + 3 * score.std()
        for suffix, given in (("pred_values", pred.astype(int)), ("pred_bool_values", pred)):
            with_pred = get_metrics(score, y, slidingWindow=window, pred=given)
            out[f"case{i}_{suffix}"] = np.array([float(with_pred[k]) for k in KEYS])
        print(name, {k: round(float(metrics[k]), 6) for k in KEYS})
    for i, (name, series) in enumerate(period_series()):
        out[f"period{i}_name"] = np.array(name)
        out[f"period{i}_series"] = series
        out[f"period{i}_lengths"] = np.array([find_length_rank(series, rank=r) for r in (1, 2, 3)])
        print(name, out[f"period{i}_lengths"])
    path = ROOT / "tests" / "data" / "tsbad_metrics.npz"
    np.savez_compressed(path, keys=np.array(KEYS), **out)
    print("wrote", path)


if __name__ == "__main__":
    main()
