"""What a trained GBOC's score could be (issue 23): one fit per series at the given parameters,
then the test part scored several ways from the same network, each evaluated with TSB-AD's
VUS-PR / VUS-ROC (slidingWindow of the test part's first channel, as ``tsad-fast bench``):

* ``balls``: the detector's own score (distance to the nearest center of the balls built on
  at most ``max_ball_points`` training codes);
* ``balls-all``: the same with the balls built on every training code;
* ``balls-dm``: balls of every training code by SPEC 1.2's rule;
* ``reconstruction``: the squared error of the decoder's reconstruction (its last step);
* ``balls+reconstruction``: ``balls`` and ``reconstruction``, each divided by its mean over
  the training windows, added.

Rows go to ``--out`` (Parquet), one per series and variant, with the command line.

    python benchmarks/gboc_scoring.py ../shared/data/smd/machine-1-6.npz ... \
        [--set PARAM=VALUE ...] --out benchmarks/results/gboc-scoring/dev-epochs3.parquet
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np

import tsad_fast  # noqa: F401  (before torch: the OpenMP wait policy)
from tsad_fast import GBOC
from tsad_fast.cli import setting_value
from tsad_fast.bench.inputs import expand, load
from tsad_fast.kernels.granular import granular_balls_unchecked
from tsad_fast.kernels.nearest import nearest_center_unchecked
from tsad_fast.metrics import find_length_rank, get_metrics
from tsad_fast.windows import sliding_windows, window_scores_to_points


def variants(model: GBOC, fit: np.ndarray, test: np.ndarray) -> dict:
    """{variant: point scores of the test part}."""
    import torch

    def codes_and_errors(X):
        windows = sliding_windows(model._standardized(X), model.window)

        def run(batch):
            z, reconstruction = model.model_(batch)
            error = (reconstruction - model.model_.target(batch)).pow(2)
            return torch.cat([z, error.reshape(len(batch), -1).mean(1, keepdim=True)], 1)

        out = model._infer(run, windows).double().numpy()
        return np.ascontiguousarray(out[:, :-1]), out[:, -1]

    train_codes, train_errors = codes_and_errors(fit)
    codes, errors = codes_and_errors(test)

    def distance(centers, q):
        return nearest_center_unchecked(q, centers, model.backend)[0]

    def balls(rule, points):
        return granular_balls_unchecked(points, model.min_support, float(model.prune_kappa),
                                        model.seed, 1e-4, model.backend, rule, model.split_size,
                                        float(model.radius_factor)).centers

    every = balls(model.rule, train_codes)
    own = distance(model.centers_, codes)
    out = {"balls": own, "balls-all": distance(every, codes),
           "balls-dm": distance(balls("dm", train_codes), codes), "reconstruction": errors,
           "balls+reconstruction": own / distance(model.centers_, train_codes).mean()
           + errors / train_errors.mean()}
    return {name: window_scores_to_points(s, model.window) for name, s in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="+")
    parser.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    params = {"verbose": 0}
    for setting in args.set:
        key, _, value = setting.partition("=")
        params[key] = setting_value(value)
    rows = []
    for ref in expand(args.data):
        split = load(ref, "train-test")
        start = time.perf_counter()
        model = GBOC(**params).fit(split.fit)
        fit_seconds = time.perf_counter() - start
        sliding = min(find_length_rank(split.test[:, 0], rank=1), split.labels.size)
        for name, scores in variants(model, split.fit, split.test).items():
            metrics = get_metrics(scores, split.labels, slidingWindow=sliding)
            rows.append({"series": ref.name, "variant": name,
                         "params": json.dumps(params, sort_keys=True),
                         "VUS-PR": metrics["VUS-PR"], "VUS-ROC": metrics["VUS-ROC"],
                         "AUC-PR": metrics["AUC-PR"], "fit_seconds": fit_seconds,
                         "command": shlex.join([sys.executable, *sys.argv])})
            print(f"{rows[-1]['series']} {name:<22} VUS-PR {metrics['VUS-PR']:.4f} "
                  f"VUS-ROC {metrics['VUS-ROC']:.4f}", flush=True)
    import pandas as pd

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_parquet(args.out, index=False)


if __name__ == "__main__":
    main()
