"""`tsad-fast evaluate`: TSB-AD's nine metrics of a score file against a label file."""
from __future__ import annotations

import sys
import time

import numpy as np

from tsad_fast import _backend
from tsad_fast.tables import read_series


def add_parser(sub) -> None:
    parser = sub.add_parser("evaluate", help="TSB-AD's nine metrics (VUS-PR, VUS-ROC, F1s, ...)")
    parser.add_argument("scores", help="anomaly scores, one per timestamp: .npy, or "
                        "one-column .csv or .txt with an optional header row")
    parser.add_argument("labels", help="0/1 labels, same formats and length")
    parser.add_argument("--window", type=int, help="VUS slidingWindow, 1 to the series length "
                        "(default: find_length_rank of the scores, at most the series length)")
    parser.add_argument("--pred", help="0/1 predictions for the threshold-dependent metrics")
    parser.add_argument("--backend", default="auto", choices=("auto",) + _backend.AUTO_ORDER)
    parser.set_defaults(run=run)


_LONG_EVALUATION = 100_000_000  # points x buffer lengths beyond which evaluate shows its stages


class _StageTimer:
    """get_metrics' progress callback for long evaluations: each stage on stderr as it starts,
    with the seconds the previous one took."""

    def __init__(self):
        self.started = None

    def __call__(self, stage: str) -> None:
        self._close()
        print(f"  {stage} ...", end="", file=sys.stderr, flush=True)
        self.started = time.perf_counter()

    def _close(self) -> None:
        if self.started is not None:
            print(f" {time.perf_counter() - self.started:.1f} s", file=sys.stderr, flush=True)

    def done(self) -> None:
        self._close()
        self.started = None


def run(args) -> int:
    from tsad_fast.metrics import find_length_rank, get_metrics

    score = read_series(args.scores, "scores")
    labels = read_series(args.labels, "labels")
    pred = read_series(args.pred, "pred") if args.pred else None
    for role, path, values in (("labels", args.labels, labels), ("pred", args.pred, pred)):
        if values is not None and values.size != score.size:
            raise ValueError(f"{role} file {path!r} holds {values.size} values, the scores "
                             f"file {args.scores!r} {score.size}: one per timestamp in both")
    window = args.window if args.window is not None else min(find_length_rank(score), score.size)
    if not 1 <= window <= score.size:
        raise ValueError(f"--window must lie in [1, {score.size}] (the series has {score.size} "
                         f"points), got {window}")
    start = time.perf_counter()
    progress = _StageTimer() if score.size * (window + 1) > _LONG_EVALUATION else None
    result = get_metrics(score, labels, slidingWindow=window, pred=pred, backend=args.backend,
                         progress=progress)
    if progress is not None:
        progress.done()
    seconds = time.perf_counter() - start
    print(f"{len(score)} points, {int(np.sum(labels))} anomalous; slidingWindow = {window}"
          f"{'' if args.window is not None else ' (find_length_rank of the scores)'}; "
          f"thresholds: {'given pred' if pred is not None else 'oracle (TSB-AD)'}")
    width = max(map(len, result))
    for key, value in result.items():
        print(f"  {key:<{width}}  {value:.6f}")
    print(f"  ({seconds * 1e3:.1f} ms)")
    return 0
