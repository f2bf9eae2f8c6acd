"""GBOC against three scikit-learn baselines on the SMD machines in ../shared/data.

Every method trains on a machine's ``train`` part and scores its ``test`` part through the same
windows (length ``--window``, stride 1, z-normalised with the training statistics) and the same
window-to-point mapping; VUS-PR / VUS-ROC use TSB-AD's slidingWindow (``find_length_rank`` of the
first test channel). Baselines on the flattened windows:

* IsolationForest (200 trees, seed 2024): the negated ``score_samples``;
* PCA reconstruction error (components explaining 95 % of the variance);
* KNN: mean distance to the 5 nearest training windows (brute force).

    python benchmarks/evaluate_gboc_smd.py [--data-dir ../shared/data/smd] [--out FILE.md]

Writes a Markdown table (per machine and the mean) and a JSON file beside it.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from tsad_fast import GBOC
from tsad_fast.datasets import load_smd_npz
from tsad_fast.metrics import find_length_rank, vus
from tsad_fast.scaling import Standardizer
from tsad_fast.windows import sliding_windows, window_scores_to_points

MACHINES = ("machine-1-6", "machine-1-7", "machine-2-1", "machine-2-2", "machine-2-7",
            "machine-2-8", "machine-3-3", "machine-3-4")
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "smd"


def flat_windows(X: np.ndarray, window: int) -> np.ndarray:
    """(n - window + 1, window * c) float32 rows, window i covering X[i:i + window]."""
    view = sliding_windows(X, window)
    return np.ascontiguousarray(view.reshape(view.shape[0], -1), dtype=np.float32)


def baseline_scores(name: str, train: np.ndarray, test: np.ndarray, seed: int) -> np.ndarray:
    """Window scores (higher = more anomalous) of one scikit-learn baseline."""
    if name == "IsolationForest":
        from sklearn.ensemble import IsolationForest

        model = IsolationForest(n_estimators=200, random_state=seed, n_jobs=-1).fit(train)
        return -model.score_samples(test)
    if name == "PCA":
        from sklearn.decomposition import PCA

        model = PCA(n_components=0.95, random_state=seed).fit(train)
        rebuilt = model.inverse_transform(model.transform(test))
        return np.mean((test - rebuilt) ** 2, axis=1)
    if name == "KNN":
        from sklearn.neighbors import NearestNeighbors

        model = NearestNeighbors(n_neighbors=5, algorithm="brute", n_jobs=-1).fit(train)
        return model.kneighbors(test)[0].mean(axis=1)
    raise ValueError(name)


METHODS = ("GBOC", "IsolationForest", "PCA", "KNN")


def evaluate_machine(path: Path, window: int, epochs: int, seed: int, methods=METHODS):
    data = load_smd_npz(path)
    sliding = find_length_rank(data.test[:, 0], rank=1)
    rows = {}

    def record(method, scores, seconds):
        vus_roc, vus_pr = vus(data.labels, scores, sliding)
        rows[method] = {"VUS-PR": vus_pr, "VUS-ROC": vus_roc, "seconds": seconds}
        print(f"  {method:<16} VUS-PR {vus_pr:.4f}  VUS-ROC {vus_roc:.4f}  ({seconds:.1f} s)",
              flush=True)

    if "GBOC" in methods:
        start = time.perf_counter()
        model = GBOC(window=window, epochs=epochs, seed=seed, verbose=0).fit(data.train)
        record("GBOC", model.decision_function(data.test), time.perf_counter() - start)
        rows["GBOC"].update(epochs=len(model.history_), n_balls=model.n_balls_)
    baselines = [m for m in methods if m != "GBOC"]
    if not baselines:
        return {"slidingWindow": int(sliding), "methods": rows}
    scaler = Standardizer.fit(data.train)
    train_w = flat_windows(scaler.transform(data.train), window)
    test_w = flat_windows(scaler.transform(data.test), window)
    for name in baselines:
        start = time.perf_counter()
        scores = window_scores_to_points(baseline_scores(name, train_w, test_w, seed), window)
        record(name, scores, time.perf_counter() - start)
    return {"slidingWindow": int(sliding), "methods": rows}


def markdown(results, methods) -> str:
    head = "| machine | " + " | ".join(f"{m} VUS-PR | {m} VUS-ROC" for m in methods) + " |"
    lines = [head, "|" + " --- |" * (1 + 2 * len(methods))]
    for machine, result in results.items():
        cells = [f"{result['methods'][m]['VUS-PR']:.4f} | {result['methods'][m]['VUS-ROC']:.4f}"
                 for m in methods]
        lines.append(f"| {machine} | " + " | ".join(cells) + " |")
    means = [f"**{np.mean([r['methods'][m]['VUS-PR'] for r in results.values()]):.4f}** | "
             f"**{np.mean([r['methods'][m]['VUS-ROC'] for r in results.values()]):.4f}**"
             for m in methods]
    lines.append("| **mean** | " + " | ".join(means) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--machines", nargs="*", default=list(MACHINES))
    parser.add_argument("--window", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=50, help="GBOC's epoch cap")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--methods", nargs="*", default=list(METHODS), choices=METHODS,
                        help="methods to run; the others are taken from the JSON of --out "
                             "when it exists (e.g. re-run GBOC only)")
    parser.add_argument("--out", type=Path, default=Path("tsad-fast-out/gboc_smd.md"))
    args = parser.parse_args(argv)
    previous_file = args.out.with_suffix(".json")
    previous = json.loads(previous_file.read_text()) if previous_file.exists() else {}
    results = {}
    for machine in args.machines:
        print(machine, flush=True)
        results[machine] = evaluate_machine(args.data_dir / f"{machine}.npz", args.window,
                                            args.epochs, args.seed, args.methods)
        kept = previous.get(machine, {}).get("methods", {})
        for method in METHODS:
            if method not in args.methods and method in kept:
                results[machine]["methods"][method] = kept[method]
    methods = [m for m in METHODS if all(m in r["methods"] for r in results.values())]
    table = markdown(results, methods)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table)
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
