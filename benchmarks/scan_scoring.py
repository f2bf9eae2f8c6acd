"""SCAN's score at several gammas from one trained network (issue 24): one fit per series at
the given parameters, the test part scored at each ``--gamma`` (eq. 22's weight of the cluster
confidence; gamma is read at scoring time, so no retraining), each evaluated with TSB-AD's
VUS-PR / VUS-ROC (slidingWindow of the test part's first channel, as ``tsad-fast bench``).
Rows (one per series and gamma, with the fit seconds, epochs, optimizer steps and the command
line) go to ``--out`` (Parquet), rewritten after every series; ``--resume`` skips the series
already there.

    python benchmarks/scan_scoring.py ../shared/data/smd/machine-1-6.npz ... \
        [--set PARAM=VALUE ...] [--gamma 0 0.25 0.5] --out benchmarks/results/scan/k10.parquet
"""
from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
import time
from pathlib import Path

import tsad_fast  # noqa: F401  (before torch: the OpenMP wait policy)
from tsad_fast import SCAN
from tsad_fast.bench.inputs import expand, load
from tsad_fast.cli import setting_value
from tsad_fast.metrics import find_length_rank, get_metrics
from tsad_fast.windows import count_windows


def optimizer_steps(model: SCAN, n_rows: int) -> int:
    """Optimizer steps of a fit on n_rows: epochs run x batches of the training windows (the
    rows before the validation part, see SCAN._split)."""
    n_val = (max(math.ceil(n_rows * model.validation_size), model.window)
             if model.validation_size else 0)
    windows = count_windows(n_rows - n_val, model.window, model.stride)
    return len(model.history_) * math.ceil(windows / model.batch_size)


def main() -> None:
    import pandas as pd

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="+")
    parser.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE")
    parser.add_argument("--gamma", type=float, nargs="+", default=[0.0, 0.25, 0.5])
    parser.add_argument("--out", required=True)
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()
    params = {"verbose": 0}
    for setting in args.set:
        key, _, value = setting.partition("=")
        params[key] = setting_value(value)
    out = Path(args.out)
    rows = pd.read_parquet(out).to_dict("records") if args.resume and out.exists() else []
    done = {row["series"] for row in rows}
    for ref in expand(args.data):
        if ref.name in done:
            continue
        split = load(ref, "train-test")
        start = time.perf_counter()
        model = SCAN(**params).fit(split.fit)
        fit_seconds = time.perf_counter() - start
        sliding = min(find_length_rank(split.test[:, 0], rank=1), split.labels.size)
        for gamma in args.gamma:
            model.gamma = gamma
            start = time.perf_counter()
            scores = model.decision_function(split.test)
            score_seconds = time.perf_counter() - start
            metrics = get_metrics(scores, split.labels, slidingWindow=sliding)
            rows.append({"series": ref.name, "gamma": gamma,
                         "params": json.dumps(params, sort_keys=True),
                         "VUS-PR": metrics["VUS-PR"], "VUS-ROC": metrics["VUS-ROC"],
                         "AUC-PR": metrics["AUC-PR"], "Standard-F1": metrics["Standard-F1"],
                         "fit_seconds": fit_seconds, "score_seconds": score_seconds,
                         "epochs": len(model.history_),
                         "steps": optimizer_steps(model, len(split.fit)),
                         "command": shlex.join([sys.executable, *sys.argv])})
            print(f"{ref.name} gamma {gamma:<5} VUS-PR {metrics['VUS-PR']:.4f} "
                  f"VUS-ROC {metrics['VUS-ROC']:.4f}  fit {fit_seconds:.0f} s, "
                  f"{rows[-1]['steps']} steps", flush=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(rows).to_parquet(out, index=False)


if __name__ == "__main__":
    main()
