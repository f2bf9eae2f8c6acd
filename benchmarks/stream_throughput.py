"""Streams against batch scoring (issue 29): per detector, rows per second of ``update`` at
chunks of 1 row, 100 rows and one window, against ``decision_function`` on the same rows in
the same run, and the p50 / p99 latency of a one-row update.

Each detector has its package architecture (window, network sizes) and is fitted for one epoch
on the first ``--fit`` rows of the bundled SMD machine (38 channels): the architecture, not the
training, sets the scoring cost. The stream scores the next ``--rows`` rows; its scores are
checked against the batch's (1e-6). One row per (detector, chunk) in
benchmarks/results/streams/throughput.parquet.

    python benchmarks/stream_throughput.py [--detectors pca knn ...] [--rows 3000]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import tsad_fast  # noqa: F401  (first: the OpenMP wait policy before torch loads)
from tsad_fast import datasets

OUT = Path(__file__).resolve().parent / "results" / "streams" / "throughput.parquet"
ONE_EPOCH = {"gboc": dict(epochs=1, inner_epochs=1, verbose=0), "scan": dict(epochs=1, verbose=0),
             "msutnet": dict(epochs=1, verbose=0), "moon": dict(epochs=1, verbose=0),
             "pca": {}, "knn": {}, "iforest": {}}


def build(name: str):
    from tsad_fast.bench.detectors import REGISTRY
    from tsad_fast.detectors import detector_class

    return detector_class(REGISTRY[name])(**ONE_EPOCH[name])


def window_of(detector) -> int:
    return int(getattr(detector, "window", 1))


def timed_stream(detector, rows: np.ndarray, chunk: int):
    """(seconds, scores, per-update seconds) of a stream over rows in chunks of ``chunk``."""
    stream, parts, latencies = detector.stream(), [], []
    start = time.perf_counter()
    for i in range(0, len(rows), chunk):
        tick = time.perf_counter()
        parts.append(stream.update(rows[i:i + chunk]).scores)
        latencies.append(time.perf_counter() - tick)
    parts.append(stream.flush().scores)
    return time.perf_counter() - start, np.concatenate(parts), np.array(latencies)


def main() -> None:
    import pandas as pd

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--detectors", nargs="+", default=list(ONE_EPOCH))
    parser.add_argument("--fit", type=int, default=3000)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--one-row", type=int, default=1000, help="rows streamed one at a time")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    series = datasets.bundled_smd()
    train, test = series.test[:args.fit], series.test[args.fit:args.fit + args.rows]
    labels = series.labels[:args.fit]
    results = []
    for name in args.detectors:
        detector = build(name)
        detector.fit(train, labels) if detector.supervised else detector.fit(train)
        start = time.perf_counter()
        batch = detector.decision_function(test)
        batch_seconds = time.perf_counter() - start
        window = window_of(detector)
        for label, chunk in (("1 row", 1), ("100 rows", 100), ("one window", max(window, 1))):
            rows = test[:args.one_row] if chunk == 1 else test
            reference = batch if chunk != 1 else detector.decision_function(rows)
            if chunk == 1:  # the batch time of the same rows
                start = time.perf_counter()
                detector.decision_function(rows)
                reference_seconds = time.perf_counter() - start
            else:
                reference_seconds = batch_seconds
            seconds, scores, latencies = timed_stream(detector, rows, chunk)
            error = float(np.max(np.abs(scores - reference) / np.maximum(np.abs(reference),
                                                                          1e-12)))
            row = {"detector": type(detector).__name__, "window": window, "chunk": label,
                   "chunk_rows": chunk, "rows": len(rows),
                   "stream_rows_per_s": len(rows) / seconds,
                   "batch_rows_per_s": len(rows) / reference_seconds,
                   "ratio": (len(rows) / reference_seconds) / (len(rows) / seconds),
                   "p50_ms": float(np.percentile(latencies, 50) * 1e3),
                   "p99_ms": float(np.percentile(latencies, 99) * 1e3),
                   "max_rel_error": error, "lateness": detector.stream().lateness}
            results.append(row)
            print(f"{row['detector']:>8} {label:>10}: stream {row['stream_rows_per_s']:9.0f} "
                  f"rows/s, batch {row['batch_rows_per_s']:9.0f} rows/s (x{row['ratio']:.2f}), "
                  f"update p50 {row['p50_ms']:.2f} ms p99 {row['p99_ms']:.2f} ms, "
                  f"error {error:.1e}", flush=True)
    table = pd.DataFrame(results)
    table["command"] = "python benchmarks/stream_throughput.py " + " ".join(
        f"--{k.replace('_', '-')} {' '.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in vars(args).items() if k != "out")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.exists():  # other detectors' rows stay
        old = pd.read_parquet(args.out)
        table = pd.concat([old[~old["detector"].isin(table["detector"])], table])
    table.to_parquet(args.out, index=False)


if __name__ == "__main__":
    main()
