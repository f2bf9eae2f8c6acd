"""SCAN, MSUT-Net, GBOC and three scikit-learn baselines on the real series in ../shared/data.

Every method trains on a series' training part and scores its test part:

* SMD machines (OmniAnomaly's Server Machine Dataset): ``train`` / ``test`` as published;
* UCR archive series (``--ucr``): the first TRAINEND points train, the rest are scored.

Metrics on the test part: VUS-PR and VUS-ROC (slidingWindow = ``find_length_rank`` of the
first test channel, as TSB-AD's runner), AUC-PR, and the threshold-dependent Standard-F1,
PA-F1 and Affiliation-F of each method's predictions by the SCAN/CrossAD harness (SPOT
initialised on the method's training scores, run over its test scores, threshold = mean of
the streaming thresholds; ``SPOTThreshold(mode="stream", q=1e-3, level=0.98)``), anomaly class
positive. Fit and scoring seconds and the peak resident memory of each fit and score are kept.

Methods:

* ``SCAN`` (the package's defaults) and its ablations (paper Table 2): ``SCAN-1scale``
  (kernels (1,)), ``SCAN-noclu`` (no clustering: reconstruction alone, gamma = 0),
  ``SCAN-notrust`` (no trusted supervision), ``SCAN-nofuse`` (clusters kept for the losses and
  the score, not fused into the reconstruction);
* ``MSUTNet`` (the package's defaults) and its ablations: ``MSUT-nolevel2`` (no variable
  groups), ``MSUT-nolevel3`` (no global level), ``MSUT-temporal`` (the temporal module alone);
* ``GBOC`` (SPEC 2.1 defaults: window 100, stride 1);
* baselines on the same windows (w = 100, z-normalised with the training statistics, scores
  spread to points the TSB-AD way): IsolationForest (200 trees, the negated
  ``score_samples``), PCA reconstruction error (95 % of the variance), KNN mean distance to
  the 5 nearest training windows.

    python benchmarks/evaluate_smd.py [--machines ...] [--methods ...] [--ucr] [--out FILE.md]

Results merge into FILE.json (re-run some methods or series and keep the others) and the
tables go to FILE.md.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import tsad_fast  # noqa: F401  (first: the OpenMP wait policy before torch loads)
from tsad_fast import GBOC, SCAN, MSUTNet
from tsad_fast.datasets import load_smd_npz, load_ucr
from tsad_fast.metrics import find_length_rank, get_metrics
from tsad_fast.scaling import Standardizer
from tsad_fast.thresholds import SPOTThreshold
from tsad_fast.windows import sliding_windows, window_scores_to_points

MACHINES = ("machine-1-6", "machine-1-7", "machine-2-1", "machine-2-2", "machine-2-7",
            "machine-2-8", "machine-3-3", "machine-3-4")
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ABLATIONS = {"SCAN-1scale": dict(kernels=(1,)), "SCAN-noclu": dict(clustering=False),
             "SCAN-notrust": dict(trusted=False), "SCAN-nofuse": dict(fusion=False)}
MSUT_ABLATIONS = {"MSUT-nolevel2": dict(levels=(1, 3)), "MSUT-nolevel3": dict(levels=(1, 2)),
                  "MSUT-temporal": dict(spatial=False)}
BASELINES = ("IsolationForest", "PCA", "KNN")
METHODS = ("SCAN", *ABLATIONS, "MSUTNet", *MSUT_ABLATIONS, "GBOC", *BASELINES)
KEYS = ("VUS-PR", "VUS-ROC", "AUC-PR", "Standard-F1", "PA-F1", "Affiliation-F")


def peak_rss_reset() -> None:
    """Reset the process's peak resident set size (Linux: VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def flat_windows(X: np.ndarray, window: int) -> np.ndarray:
    """(n - window + 1, window * c) float32 rows, window i covering X[i:i + window]."""
    view = sliding_windows(X, window)
    return np.ascontiguousarray(view.reshape(view.shape[0], -1), dtype=np.float32)


def baseline(name: str, train: np.ndarray, test: np.ndarray, window: int, seed: int):
    """(training point scores, test point scores) of one scikit-learn baseline."""
    scaler = Standardizer.fit(train)
    train_w = flat_windows(scaler.transform(train), window)
    test_w = flat_windows(scaler.transform(test), window)
    if name == "IsolationForest":
        from sklearn.ensemble import IsolationForest

        model = IsolationForest(n_estimators=200, random_state=seed, n_jobs=-1).fit(train_w)
        scores = [-model.score_samples(w) for w in (train_w, test_w)]
    elif name == "PCA":
        from sklearn.decomposition import PCA

        model = PCA(n_components=0.95, random_state=seed).fit(train_w)
        scores = [np.mean((w - model.inverse_transform(model.transform(w))) ** 2, axis=1)
                  for w in (train_w, test_w)]
    else:  # KNN; a training window's own distance (0) is left out of its score
        from sklearn.neighbors import NearestNeighbors

        model = NearestNeighbors(n_neighbors=6, algorithm="brute", n_jobs=-1).fit(train_w)
        scores = [model.kneighbors(train_w)[0][:, 1:].mean(axis=1),
                  model.kneighbors(test_w, n_neighbors=5)[0].mean(axis=1)]
    return tuple(window_scores_to_points(s, window) for s in scores)


def detector(name: str, seed: int, ucr: bool, threads):
    common = dict(seed=seed, verbose=0, n_threads=threads)
    if name == "GBOC":
        return GBOC(**common)
    if name == "MSUTNet" or name in MSUT_ABLATIONS:
        return MSUTNet(**common, **MSUT_ABLATIONS.get(name, {}))
    scan = dict(window=500, stride=50) if ucr else {}  # UCR training parts: 1,200-3,000 points
    return SCAN(**common, **scan, **ABLATIONS.get(name, {}))


def evaluate(name: str, train: np.ndarray, test: np.ndarray, labels: np.ndarray, sliding: int,
             seed: int, ucr: bool, threads) -> dict:
    peak_rss_reset()
    start = time.perf_counter()
    extra = {}
    if name in BASELINES:
        train_scores, scores = baseline(name, train, test, 100, seed)
        fit_seconds, score_seconds = time.perf_counter() - start, float("nan")
    else:
        model = detector(name, seed, ucr, threads).fit(train)
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        scores = model.decision_function(test)
        score_seconds = time.perf_counter() - start
        train_scores = model.decision_scores_
        extra["epochs"] = len(model.history_)
    peak = peak_rss_mb()
    try:
        pred = SPOTThreshold(mode="stream").fit(train_scores).predict(scores)
    except ValueError as exc:  # e.g. constant training scores: no SPOT tail
        print(f"    no SPOT threshold: {exc}", flush=True)
        pred = None
    metrics = get_metrics(scores, labels, slidingWindow=sliding, pred=pred)
    row = {key: metrics[key] for key in KEYS}
    if pred is None:
        row.update({key: float("nan") for key in ("Standard-F1", "PA-F1", "Affiliation-F")})
    row.update(fit_seconds=fit_seconds, score_seconds=score_seconds, peak_rss_mb=peak,
               n_test=int(len(scores)), **extra)
    print(f"  {name:<16} " + " ".join(f"{k} {row[k]:.4f}" for k in KEYS)
          + f"  fit {fit_seconds:.1f} s  peak {peak:.0f} MB", flush=True)
    return row


def series(args):
    """(name, train, test, labels) of each requested series."""
    if args.ucr:
        for path in sorted((args.data_dir / "ucr").glob("*.txt")):
            s = load_ucr(path)
            values = s.values[:, None]
            yield s.name, values[:s.train_end], values[s.train_end:], s.labels[s.train_end:]
        return
    for machine in args.machines:
        data = load_smd_npz(args.data_dir / "smd" / f"{machine}.npz")
        yield machine, data.train, data.test, data.labels


def table(results: dict, methods, keys) -> str:
    head = "| series | " + " | ".join(f"{m} {k}" for m in methods for k in keys) + " |"
    lines = [head, "|" + " --- |" * (1 + len(methods) * len(keys))]
    for name, row in results.items():
        cells = [f"{row[m][k]:.4f}" if m in row else "—" for m in methods for k in keys]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    means = [f"**{np.nanmean([r[m][k] for r in results.values() if m in r]):.4f}**"
             for m in methods for k in keys]
    lines.append("| **mean** | " + " | ".join(means) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA)
    parser.add_argument("--machines", nargs="*", default=list(MACHINES))
    parser.add_argument("--methods", nargs="*", default=["SCAN", "GBOC", *BASELINES],
                        choices=METHODS)
    parser.add_argument("--ucr", action="store_true", help="the UCR series instead of SMD")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=Path("tsad-fast-out/smd.md"))
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads per detector (default: the detector's choice)")
    args = parser.parse_args(argv)
    store = args.out.with_suffix(".json")
    results = json.loads(store.read_text()) if store.exists() else {}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for name, train, test, labels in series(args):
        sliding = min(find_length_rank(test[:, 0], rank=1), len(test))
        print(f"{name}: train {train.shape}, test {test.shape}, {int(labels.sum())} anomalous, "
              f"slidingWindow {sliding}", flush=True)
        row = results.setdefault(name, {})
        for method in args.methods:
            row[method] = evaluate(method, train, test, labels, sliding, args.seed, args.ucr,
                                   "auto" if args.threads is None else args.threads)
            store.write_text(json.dumps(results, indent=1))  # nothing lost if stopped
    methods = [m for m in METHODS if any(m in r for r in results.values())]
    text = (table(results, methods, ("VUS-PR", "VUS-ROC")) + "\n"
            + table(results, methods, ("AUC-PR", "Standard-F1", "PA-F1", "Affiliation-F")))
    print(text)
    args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
