"""Moon on the SMD machines in ../shared/data: detection, the modality ablation, interpretation
and inference speed (issue 5), as a configuration of :func:`tsad_fast.bench.run_bench`.

Protocols (SPEC 2.2; :mod:`tsad_fast.bench.inputs`), both on a machine's labelled ``test`` part:
``paper`` trains on the first 10,000 timestamps and evaluates the next 5,000 (the runner's
"moon-paper"); ``split60`` trains on the first 60 % and evaluates the rest. A machine whose
training or evaluation part holds no anomaly is a skipped task, reported "n/a" (Moon is
supervised; one class cannot train it, and no anomaly means no anomaly-class metric).

Detection, for the anomaly class: precision, recall and F1 of ``decision_function >
threshold_`` (0.5), point-adjusted F1, VUS-PR and VUS-ROC (slidingWindow = ``find_length_rank``
of the evaluated part's first channel). Ablation (paper Table IV): the same for ``modality``
raw / mtf / both. Interpretation (modality both): HitRate@100 %, @150 % and NDCG@100 %, @150 %
against ``dim_label`` over a seeded sample of ``--n-explain`` true positives. Speed: wall time
of ``decision_function`` over the evaluated part (MV-MTF conversion included) per timestamp.

    python benchmarks/evaluate_moon_smd.py [--protocol paper] [--modalities both raw mtf]
        [--machines machine-1-6 ...] [--out tsad-fast-out/moon_smd.md]

Rows accumulate in OUT's ``.parquet`` (one per machine, modality and protocol; delete it to
start over); the Markdown tables are written from all of them.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import tsad_fast  # noqa: F401  (first: the OpenMP wait policy before torch loads)
from tsad_fast.bench import run_bench

MACHINES = ("machine-1-6", "machine-1-7", "machine-2-1", "machine-2-2", "machine-2-7",
            "machine-2-8", "machine-3-3", "machine-3-4")
MODALITIES = ("both", "raw", "mtf")
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "smd"
PROTOCOLS = {"paper": "moon-paper", "split60": "split60"}
DETECTION = ("Precision", "Recall", "Standard-F1", "PA-F1", "VUS-PR", "VUS-ROC")
INTERPRETATION = ("Hit@100%", "Hit@150%", "NDCG@100%", "NDCG@150%")


def _cell(value, fmt=".4f"):
    return "—" if value is None or value != value else format(value, fmt)


def _row(frame, machine, modality):
    mine = frame[(frame["series"] == machine) & (frame["detector"] == modality)]
    return None if mine.empty else mine.iloc[0]


def markdown(frame, protocol: str) -> str:
    names = [m for m in MACHINES if (frame["series"] == m).any()]
    out = [f"## Protocol `{protocol}`", "",
           "| machine | P | R | F1 | PA-F1 | VUS-PR | VUS-ROC | fit (s) | ms / timestamp |",
           "| --- |" + " --- |" * 8]
    rows = []
    for m in names:
        r = _row(frame, m, "both")
        if r is None:
            continue
        if r["status"] != "ok":
            out.append(f"| {m} | n/a ({r['error']}) |" + " |" * 7)
            continue
        rows.append(r)
        out.append(f"| {m} | " + " | ".join(_cell(r[k]) for k in DETECTION)
                   + f" | {r['fit_seconds']:.0f} | {1e3 * r['score_seconds'] / r['n_test']:.2f} |")
    if rows:
        out.append("| **mean** | " + " | ".join(
            f"**{np.mean([r[k] for r in rows]):.4f}**" for k in DETECTION) + " | | |")
    out += ["", "Ablation (paper Table IV): F1 / VUS-PR / VUS-ROC per modality", "",
            "| machine | " + " | ".join(f"{m} F1 | {m} VUS-PR | {m} VUS-ROC"
                                       for m in MODALITIES) + " |", "| --- |" + " --- |" * 9]
    for m in names:
        cells = []
        for modality in MODALITIES:
            r = _row(frame, m, modality)
            ok = r is not None and r["status"] == "ok"
            cells += [_cell(r[k] if ok else None) for k in ("Standard-F1", "VUS-PR", "VUS-ROC")]
        out.append(f"| {m} | " + " | ".join(cells) + " |")
    out += ["", "Interpretation (modality both; paper Table V: Hit@100% 0.5209, Hit@150% 0.7034, "
            "NDCG@100% 0.5294, NDCG@150% 0.6283)", "",
            "| machine | true positives | explained | Hit@100% | Hit@150% | NDCG@100% | "
            "NDCG@150% | s / explanation |", "| --- |" + " --- |" * 7]
    scored = []
    for m in names:
        r = _row(frame, m, "both")
        if r is None or r["status"] != "ok" or not r.get("n_explained", 0) > 0:
            continue
        scored.append(r)
        out.append(f"| {m} | {int(r['n_true_positives'])} | {int(r['n_explained'])} | "
                   + " | ".join(_cell(r[k]) for k in INTERPRETATION)
                   + f" | {r['seconds_per_explanation']:.1f} |")
    if scored:
        out.append("| **mean** | | | " + " | ".join(
            f"**{np.mean([r[k] for r in scored]):.4f}**" for k in INTERPRETATION) + " | |")
    return "\n".join(out + [""])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--machines", nargs="*", default=list(MACHINES))
    parser.add_argument("--protocol", choices=tuple(PROTOCOLS), default="paper")
    parser.add_argument("--modalities", nargs="*", choices=MODALITIES, default=["both"])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--n-explain", type=int, default=12,
                        help="true-positive timestamps explained per machine (0: none)")
    parser.add_argument("--coalitions", type=int, default=256, help="Kernel SHAP coalitions")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workers", type=int, default=1,
                        help="local Dask workers (default 1: every core to one task)")
    parser.add_argument("--out", type=Path, default=Path("tsad-fast-out/moon_smd.md"))
    args = parser.parse_args(argv)
    data = [args.data_dir / f"{machine}.npz" for machine in args.machines]
    store = args.out.with_name(f"{args.out.stem}-{args.protocol}.parquet")
    frame = None
    for modality in args.modalities:  # explanations for the two-modality model only
        detector = {"label": modality, "detector": "moon",
                    "params": {"modality": modality, "epochs": args.epochs}}
        frame = run_bench(data, [detector], store, workers=args.workers, resume=True,
                          protocol=PROTOCOLS[args.protocol], seed=args.seed,
                          explain=args.n_explain if modality == "both" else 0,
                          coalitions=args.coalitions, plot=False)
    text = markdown(frame, args.protocol)
    print(text)
    args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
