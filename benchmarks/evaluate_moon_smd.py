"""Moon on the SMD machines in ../shared/data: detection, the modality ablation, interpretation
and inference speed (issue 5).

Protocols (SPEC 2.2), both on a machine's labelled ``test`` part:

* ``paper``: train on the first 10,000 timestamps, evaluate on the next 5,000;
* ``split60``: train on the first 60 %, evaluate on the rest.

A machine whose training or evaluation part holds no anomaly is reported "n/a" (Moon is
supervised; one class cannot train it, and no anomaly means no anomaly-class metric).

Detection, for the anomaly class (label 1): precision, recall and F1 of ``predict`` (probability >
0.5), point-adjusted F1, VUS-PR and VUS-ROC of the probabilities (slidingWindow =
``find_length_rank`` of the evaluated part's first channel). Ablation (paper Table IV): the same
for ``modality`` raw / mtf / both. Interpretation (modality both): HitRate@100 %, @150 % and
NDCG@100 %, @150 % against ``dim_label`` over a seeded sample of ``--n-explain`` true-positive
timestamps (every explanation costs ``--coalitions`` x 10 forward passes on these CPUs).
Speed: wall time of ``decision_function`` over the evaluated part (MV-MTF conversion included)
per timestamp.

    python benchmarks/evaluate_moon_smd.py [--protocol paper] [--modalities both raw mtf]
        [--machines machine-1-6 ...] [--out tsad-fast-out/moon_smd.md]

Results merge into ``--out``'s JSON (re-run one machine or modality without losing the rest);
the Markdown tables are rewritten from all of it.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from tsad_fast import Moon
from tsad_fast.datasets import load_smd_npz
from tsad_fast.metrics import find_length_rank, hit_rate_at_p, ndcg_at_p, pa_f1, vus

MACHINES = ("machine-1-6", "machine-1-7", "machine-2-1", "machine-2-2", "machine-2-7",
            "machine-2-8", "machine-3-3", "machine-3-4")
MODALITIES = ("both", "raw", "mtf")
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "smd"
PAPER_TABLE_V = {"Hit@100%": 0.5209, "Hit@150%": 0.7034, "NDCG@100%": 0.5294, "NDCG@150%": 0.6283}


def split(n: int, protocol: str):
    """(train slice, evaluation slice) of a labelled part of length n."""
    if protocol == "paper":
        return slice(0, 10_000), slice(10_000, 15_000)
    cut = int(0.6 * n)
    return slice(0, cut), slice(cut, n)


def detection(labels: np.ndarray, scores: np.ndarray, pred: np.ndarray, sliding: int) -> dict:
    tp = int(np.sum((pred == 1) & (labels == 1)))
    fp = int(np.sum((pred == 1) & (labels == 0)))
    fn = int(np.sum((pred == 0) & (labels == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    vus_roc, vus_pr = vus(labels, scores, sliding)
    return {"precision": precision, "recall": recall, "F1": f1,
            "PA-F1": pa_f1(labels, pred=pred), "VUS-PR": vus_pr, "VUS-ROC": vus_roc}


def interpretation(model: Moon, X: np.ndarray, labels, dim_labels, pred, n_explain: int,
                   coalitions: int, seed: int) -> dict:
    """Hit@P / NDCG@P over a seeded sample of true positives that name a cause."""
    hits = np.flatnonzero((pred == 1) & (labels == 1) & (dim_labels.sum(axis=1) > 0))
    if hits.size == 0:
        return {"n_explained": 0}
    sample = np.sort(np.random.default_rng(seed).choice(hits, min(n_explain, hits.size),
                                                        replace=False))
    start = time.perf_counter()
    explanations = model.explain(X, [int(t) for t in sample], n_coalitions=coalitions)
    seconds = (time.perf_counter() - start) / len(sample)
    attributions = np.stack([e.contributions for e in explanations])
    truth = dim_labels[sample]
    out = {"n_true_positives": int(hits.size), "n_explained": int(len(sample)),
           "seconds_per_explanation": seconds,
           "types": np.bincount([e.anomaly_type for e in explanations
                                 if e.anomaly_type >= 0]).tolist()}
    for p in (1.0, 1.5):
        out[f"Hit@{p:.0%}"] = hit_rate_at_p(truth, attributions, p)
        out[f"NDCG@{p:.0%}"] = ndcg_at_p(truth, attributions, p)
    return out


def evaluate(path: Path, protocol: str, modality: str, args) -> dict:
    data = load_smd_npz(path)
    train, held = split(len(data.labels), protocol)
    X, y = data.test[train], data.labels[train].astype(np.int64)
    Xe, ye = data.test[held], data.labels[held].astype(np.int64)
    if y.min() == y.max() or ye.max() == 0:
        return {"n/a": f"{int(y.sum())} anomalies in training, {int(ye.sum())} in evaluation"}
    start = time.perf_counter()
    model = Moon(modality=modality, epochs=args.epochs, seed=args.seed, verbose=0).fit(X, y)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    scores = model.decision_function(Xe)
    per_point = (time.perf_counter() - start) / len(Xe)
    pred = (scores > model.threshold_).astype(np.int64)
    result = detection(ye, scores, pred, find_length_rank(Xe[:, 0], rank=1))
    result.update(fit_seconds=fit_seconds, ms_per_timestamp=1e3 * per_point)
    if modality == "both" and args.n_explain > 0 and data.dim_labels is not None:
        result["interpretation"] = interpretation(model, Xe, ye, data.dim_labels[held], pred,
                                                  args.n_explain, args.coalitions, args.seed)
    return result


def _cell(value, fmt=".4f"):
    return "—" if value is None else format(value, fmt)


def markdown(results: dict) -> str:
    out = []
    for protocol, machines in results.items():
        names = [m for m in MACHINES if m in machines]
        out += [f"## Protocol `{protocol}`", "",
                "| machine | P | R | F1 | PA-F1 | VUS-PR | VUS-ROC | fit (s) | ms / timestamp |",
                "| --- |" + " --- |" * 8]
        rows = []
        for m in names:
            r = machines[m].get("both")
            if r is None:
                continue
            if "n/a" in r:
                out.append(f"| {m} | n/a ({r['n/a']}) |" + " |" * 7)
                continue
            rows.append(r)
            out.append(f"| {m} | " + " | ".join(_cell(r[k]) for k in (
                "precision", "recall", "F1", "PA-F1", "VUS-PR", "VUS-ROC")) +
                f" | {r['fit_seconds']:.0f} | {r['ms_per_timestamp']:.2f} |")
        if rows:
            out.append("| **mean** | " + " | ".join(
                f"**{np.mean([r[k] for r in rows]):.4f}**" for k in (
                    "precision", "recall", "F1", "PA-F1", "VUS-PR", "VUS-ROC")) + " | | |")
        out += ["", "Ablation (paper Table IV): F1 / VUS-PR / VUS-ROC per modality", "",
                "| machine | " + " | ".join(f"{m} F1 | {m} VUS-PR | {m} VUS-ROC"
                                           for m in MODALITIES) + " |",
                "| --- |" + " --- |" * 9]
        for m in names:
            cells = []
            for mod in MODALITIES:
                r = machines[m].get(mod, {})
                cells += [_cell(r.get(k)) for k in ("F1", "VUS-PR", "VUS-ROC")]
            out.append(f"| {m} | " + " | ".join(cells) + " |")
        out += ["", "Interpretation (modality both; paper Table V: Hit@100% 0.5209, Hit@150% "
                "0.7034, NDCG@100% 0.5294, NDCG@150% 0.6283)", "",
                "| machine | true positives | explained | Hit@100% | Hit@150% | NDCG@100% | "
                "NDCG@150% | s / explanation |", "| --- |" + " --- |" * 7]
        scored = []
        for m in names:
            r = machines[m].get("both", {}).get("interpretation")
            if not r or not r.get("n_explained"):
                continue
            scored.append(r)
            out.append(f"| {m} | {r['n_true_positives']} | {r['n_explained']} | " + " | ".join(
                _cell(r[k]) for k in PAPER_TABLE_V) + f" | {r['seconds_per_explanation']:.1f} |")
        if scored:
            out.append("| **mean** | | | " + " | ".join(
                f"**{np.mean([r[k] for r in scored]):.4f}**" for k in PAPER_TABLE_V) + " | |")
        out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--machines", nargs="*", default=list(MACHINES))
    parser.add_argument("--protocol", choices=("paper", "split60"), default="paper")
    parser.add_argument("--modalities", nargs="*", choices=MODALITIES, default=["both"])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--n-explain", type=int, default=12,
                        help="true-positive timestamps explained per machine (0: none)")
    parser.add_argument("--coalitions", type=int, default=256, help="Kernel SHAP coalitions")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=Path("tsad-fast-out/moon_smd.md"))
    args = parser.parse_args(argv)
    store = args.out.with_suffix(".json")
    results = json.loads(store.read_text()) if store.exists() else {}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for machine in args.machines:
        for modality in args.modalities:
            result = evaluate(args.data_dir / f"{machine}.npz", args.protocol, modality, args)
            print(machine, modality, json.dumps(result), flush=True)
            results.setdefault(args.protocol, {}).setdefault(machine, {})[modality] = result
            store.write_text(json.dumps(results, indent=1))
            args.out.write_text(markdown(results))
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
