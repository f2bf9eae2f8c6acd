"""`tsad-fast score`: a saved detector's scores and alarms over a user's table."""
from __future__ import annotations

import numpy as np

from tsad_fast.tables import read_rows, read_series


def add_parser(sub) -> None:
    parser = sub.add_parser("score", help="score a table with a saved detector: scores, "
                            "alarms and thresholds as CSV, the metrics when labels are given")
    parser.add_argument("model", help="a file written by tsad-fast fit or detector.save")
    parser.add_argument("test", help="the rows to score (same columns as the training table)")
    parser.add_argument("--out", required=True, help="CSV to write: timestamp, score, alarm, "
                        "threshold")
    parser.add_argument("--labels", help="0/1 per row: print VUS-PR, VUS-ROC and F1")
    parser.add_argument("--plot", metavar="PNG", help="plot the scores and the thresholds")
    parser.set_defaults(run=run)


def run(args) -> int:
    from tsad_fast.detectors import load_detector
    from tsad_fast.streams import alarms_of

    detector = load_detector(args.model)
    X, _ = read_rows(args.test, "test")
    labels = None
    if args.labels:
        labels = read_series(args.labels, "labels")
        if labels.size != len(X):
            raise ValueError(f"labels file {args.labels!r} holds {labels.size} values, the "
                             f"test file {args.test!r} {len(X)} rows")
    scores = detector.decision_function(X)
    alarms, thresholds = alarms_of(detector).judge(scores)
    table = np.column_stack([np.arange(len(scores)), scores, alarms, thresholds])
    np.savetxt(args.out, table, delimiter=",", header="timestamp,score,alarm,threshold",
               comments="", fmt=["%d", "%.17g", "%d", "%.17g"])
    print(f"{len(scores)} rows scored, {int(alarms.sum())} alarms; written to {args.out}")
    if labels is not None:
        from tsad_fast.metrics import find_length_rank, get_metrics

        window = min(find_length_rank(X[:, 0]), len(X))
        result = get_metrics(scores, labels, slidingWindow=window, pred=alarms)
        for key in ("VUS-PR", "VUS-ROC", "Standard-F1", "PA-F1"):
            print(f"  {key:<12} {result[key]:.4f}")
    if args.plot:
        from tsad_fast.plots import plot_detection

        plot_detection(args.plot, scores, thresholds, labels,
                       f"{type(detector).__name__}: {args.test}")
        print(f"plot: {args.plot}")
    return 0
