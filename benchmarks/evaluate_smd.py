"""SCAN, MSUT-Net, GBOC and the window baselines on the real series in ../shared/data: a
configuration of :func:`tsad_fast.bench.run_bench`.

Every method trains on a series' training part and scores its test part (protocol
"train-test"): SMD machines (OmniAnomaly's Server Machine Dataset) as published, or UCR
archive series (``--ucr``: the first TRAINEND points train, the rest are scored). The runner
computes the metrics (VUS with TSB-AD's slidingWindow, threshold metrics of the SPOT-stream
predictions, anomaly class positive), the fit and score seconds and the peak memory.

Methods (label -> detector and parameters):

* ``SCAN`` (the package's defaults) and its ablations (paper Table 2): ``SCAN-1scale``
  (kernels (1,)), ``SCAN-noclu`` (no clustering), ``SCAN-notrust`` (no trusted supervision),
  ``SCAN-nofuse`` (clusters not fused into the reconstruction); on UCR series SCAN uses
  window 500 and stride 50 (their training parts hold 1,200-3,000 points);
* ``MSUTNet`` and its ablations ``MSUT-nolevel2`` (no variable groups), ``MSUT-nolevel3`` (no
  global level), ``MSUT-temporal`` (the temporal module alone);
* ``GBOC`` (SPEC 2.1 defaults: window 100, stride 1);
* ``IsolationForest`` (200 trees), ``PCA`` (95 % of the variance), ``KNN`` (5 neighbours):
  :mod:`tsad_fast.detectors.baselines` on windows of 100.

    python benchmarks/evaluate_smd.py [--machines ...] [--methods ...] [--ucr] [--workers N]
        [--out tsad-fast-out/smd.md]

Rows accumulate in OUT's ``.parquet`` (a second run adds the missing series and methods; delete
the file to start over); the Markdown tables are written from all of them.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import tsad_fast  # noqa: F401  (first: the OpenMP wait policy before torch loads)
from tsad_fast.bench import run_bench

MACHINES = ("machine-1-6", "machine-1-7", "machine-2-1", "machine-2-2", "machine-2-7",
            "machine-2-8", "machine-3-3", "machine-3-4")
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
METHODS = {
    "SCAN": ("scan", {}), "SCAN-1scale": ("scan", {"kernels": [1]}),
    "SCAN-noclu": ("scan", {"clustering": False}), "SCAN-notrust": ("scan", {"trusted": False}),
    "SCAN-nofuse": ("scan", {"fusion": False}),
    "MSUTNet": ("msutnet", {}), "MSUT-nolevel2": ("msutnet", {"levels": [1, 3]}),
    "MSUT-nolevel3": ("msutnet", {"levels": [1, 2]}),
    "MSUT-temporal": ("msutnet", {"spatial": False}),
    "GBOC": ("gboc", {}),
    "IsolationForest": ("iforest", {}), "PCA": ("pca", {}), "KNN": ("knn", {}),
}
DEFAULT_METHODS = ("SCAN", "GBOC", "IsolationForest", "PCA", "KNN")


def detectors(methods, ucr: bool):
    """The runner's detector dicts of ``methods``."""
    out = []
    for label in methods:
        name, params = METHODS[label]
        if ucr and name == "scan":
            params = {**params, "window": 500, "stride": 50}
        out.append({"label": label, "detector": name, "params": params})
    return out


def table(frame, methods, keys) -> str:
    """Markdown: one row per series, ``method key`` columns, the mean over the series."""
    ok = frame[frame["status"] == "ok"]
    series = list(dict.fromkeys(frame["series"]))
    head = "| series | " + " | ".join(f"{m} {k}" for m in methods for k in keys) + " |"
    lines = [head, "|" + " --- |" * (1 + len(methods) * len(keys))]
    for name in series:
        cells = []
        for m in methods:
            row = ok[(ok["series"] == name) & (ok["detector"] == m)]
            cells += [f"{row[k].iloc[0]:.4f}" if len(row) else "—" for k in keys]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    means = [f"**{np.nanmean(ok.loc[ok['detector'] == m, k]):.4f}**" for m in methods
             for k in keys]
    lines.append("| **mean** | " + " | ".join(means) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA)
    parser.add_argument("--machines", nargs="*", default=list(MACHINES))
    parser.add_argument("--methods", nargs="*", default=list(DEFAULT_METHODS), choices=METHODS)
    parser.add_argument("--ucr", action="store_true", help="the UCR series instead of SMD")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workers", type=int, default=1,
                        help="local Dask workers (default 1: every core to one task)")
    parser.add_argument("--out", type=Path, default=Path("tsad-fast-out/smd.md"))
    args = parser.parse_args(argv)
    if args.ucr:
        data = sorted((args.data_dir / "ucr").glob("*_UCR_Anomaly_*.txt"))
    else:
        data = [args.data_dir / "smd" / f"{machine}.npz" for machine in args.machines]
    frame = run_bench(data, detectors(args.methods, args.ucr), args.out.with_suffix(".parquet"),
                      workers=args.workers, seed=args.seed, resume=True)
    methods = [m for m in METHODS if m in set(frame.loc[frame["status"] == "ok", "detector"])]
    text = (table(frame, methods, ("VUS-PR", "VUS-ROC")) + "\n"
            + table(frame, methods, ("AUC-PR", "Standard-F1", "PA-F1", "Affiliation-F")))
    print(text)
    args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
