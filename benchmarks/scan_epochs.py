"""SCAN's learning curve on labelled series (issue 24): one fit per series at the given
parameters with every epoch run (``patience=None``), and after each epoch the test part scored
at each ``--gamma`` with the network as it stands, evaluated with TSB-AD's VUS-PR / VUS-ROC
(slidingWindow of the test part's first channel, as ``tsad-fast bench``), beside the epoch's
validation loss and the seconds spent training so far. It reads test labels while training,
so use it on the machines that decide settings (SMD 1-6, 2-1, 2-7, 3-3), never to report.
Rows go to ``--out`` (Parquet), rewritten after every series; ``--resume`` skips the series
already there.

    python benchmarks/scan_epochs.py ../shared/data/smd/machine-1-6.npz ... \
        [--set PARAM=VALUE ...] [--gamma 0 0.25 0.5] --out benchmarks/results/scan/epochs.parquet
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import tsad_fast  # noqa: F401  (before torch: the OpenMP wait policy)
from tsad_fast import SCAN
from tsad_fast.bench.inputs import load
from tsad_fast.metrics import find_length_rank, get_metrics

from series_runs import pending  # benchmarks/series_runs.py (run as python benchmarks/...)


class Tracked(SCAN):
    """SCAN that scores ``test`` after every epoch (the template validates once per epoch)."""

    def track(self, test, labels, gammas, row):
        self._test, self._labels, self._gammas, self._row = test, labels, gammas, row
        self._sliding = min(find_length_rank(test[:, 0], rank=1), labels.size)
        self._rows, self._epoch, self._spent, self._clock = [], 0, 0.0, time.perf_counter()
        return self

    def _evaluate(self, model, tensors, context):
        loss, parts = super()._evaluate(model, tensors, context)
        self._spent += time.perf_counter() - self._clock
        self._epoch += 1
        self.model_ = model
        for gamma in self._gammas:
            self.gamma = gamma
            metrics = get_metrics(self._score(self._test), self._labels,
                                  slidingWindow=self._sliding)
            self._rows.append({**self._row, "epoch": self._epoch, "gamma": gamma,
                               "val_loss": loss, "train_seconds": self._spent,
                               "VUS-PR": metrics["VUS-PR"], "VUS-ROC": metrics["VUS-ROC"]})
            print(f"{self._row['series']} epoch {self._epoch} gamma {gamma:<5} VUS-PR "
                  f"{metrics['VUS-PR']:.4f} VUS-ROC {metrics['VUS-ROC']:.4f} val {loss:.4f} "
                  f"({self._spent:.0f} s)", flush=True)
        model.train()
        self._clock = time.perf_counter()
        return loss, parts


def main() -> None:
    import pandas as pd

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="+")
    parser.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE")
    parser.add_argument("--gamma", type=float, nargs="+", default=[0.0, 0.25, 0.5])
    parser.add_argument("--out", required=True)
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()
    params, rows, command, refs = pending(args, {"verbose": 0})
    params["patience"] = None
    out = Path(args.out)
    for ref in refs:
        split = load(ref, "train-test")
        row = {"series": ref.name, "params": json.dumps(params, sort_keys=True),
               "command": command}
        model = Tracked(**params).track(split.test, split.labels, args.gamma, row)
        model.fit(split.fit)
        rows += model._rows
        out.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(rows).to_parquet(out, index=False)


if __name__ == "__main__":
    main()
