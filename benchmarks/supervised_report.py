"""Moon beside the supervised baselines (issue 26): per configuration Parquet of
``benchmarks/results/supervised/`` (``supervised_grid.sh``, ``moon_grid.sh``), the mean VUS-PR,
VUS-ROC, F1 at the detector's threshold and F1 at P > 0.5 over the SMD decision half (machines
1-6, 2-1, 2-7, 3-3) and the confirmation half (1-7, 2-2, 2-8, 3-4), over the machines that
have a row ("ok"; a machine whose fit part holds one class is skipped), with their count; then
the per-machine VUS-PR. A row of a configuration with ``validation_size`` whose training rows
(the fit part before its last ``validation_size``) hold one class is left out and named: the
detectors now refuse such a fit, but Moon's rows of machine-2-2 were made before they did.

    python benchmarks/supervised_report.py [--protocol split60] [NAME ...]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results" / "supervised"
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "smd"


def one_class_training(series: str, params: str) -> bool:
    """Whether split60's fit part of ``series``, before its last ``validation_size``, holds
    one class."""
    size = json.loads(params).get("validation_size", 0.0)
    labels = np.load(DATA / f"{series}.npz")["label"]
    n_fit = int(labels.size * 0.6)
    trained = labels[:n_fit - int(n_fit * size)]
    return trained.min() == trained.max()
HALVES = {"dev": ("machine-1-6", "machine-2-1", "machine-2-7", "machine-3-3"),
          "confirm": ("machine-1-7", "machine-2-2", "machine-2-8", "machine-3-4")}
COLUMNS = ("VUS-PR", "VUS-ROC", "Standard-F1", "Standard-F1@0.5", "fit_seconds")


def table(names, protocol: str) -> pd.DataFrame:
    out, machines = {}, {}
    for name in names:
        frame = pd.read_parquet(RESULTS / f"{name}-{protocol}.parquet")
        frame = frame[frame["status"] == "ok"]
        invalid = [one_class_training(r.series, r.params) for r in frame.itertuples()]
        for row in frame[invalid].itertuples():
            print(f"{name}: {row.series} left out (its training rows hold one class)")
        frame = frame[~np.array(invalid, dtype=bool)].set_index("series")
        machines[name] = frame["VUS-PR"]
        entry = {}
        for half, series in HALVES.items():
            present = frame.reindex([s for s in series if s in frame.index])
            entry[f"{half} n"] = len(present)
            for column in COLUMNS:
                if column in present:
                    entry[f"{half} {column}"] = present[column].mean()
        out[name] = entry
    return pd.DataFrame(out).T, pd.DataFrame(machines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="configurations (default: every file)")
    parser.add_argument("--protocol", default="split60")
    args = parser.parse_args()
    names = args.names or sorted(p.name[:-len(f"-{args.protocol}.parquet")]
                                 for p in RESULTS.glob(f"*-{args.protocol}.parquet"))
    summary, machines = table(names, args.protocol)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(summary.round(4).to_string())
        print()
        print(machines.round(4).to_string())


if __name__ == "__main__":
    main()
