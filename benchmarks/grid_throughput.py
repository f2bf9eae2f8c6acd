"""Throughput and per-task overhead of ``tsad_fast.bench`` on many short series.

Writes ``--series`` synthetic TSB-AD CSV files (``--length`` points, 3 channels: sines with
noise and one shifted stretch each, seeded), runs one cheap detector over them on a local Dask
cluster of ``--workers`` processes, and reports:

* throughput: tasks per minute of wall time (submission to last result);
* per-task overhead: ``wall * workers / tasks - mean(task_seconds)``, the time a worker spends
  per task on anything but the task itself (scheduling, transfers, the journal, the workers'
  first imports), with ``task_seconds`` the runner's own measure of reading, fitting, scoring
  and evaluating.

    python benchmarks/grid_throughput.py [--series 200] [--length 2000] [--workers 2]
        [--detector pca] [--out tsad-fast-out/throughput]
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np

import tsad_fast  # noqa: F401  (first: the OpenMP wait policy before torch loads)
from tsad_fast.bench import run_bench


def write_series(folder: Path, count: int, length: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    train = length // 3
    for index in range(count):
        X = np.stack([np.sin(2 * np.pi * t / p + rng.uniform(0, 6)) for p in (40, 65, 90)], 1)
        X += 0.1 * rng.normal(size=X.shape)
        start = int(rng.integers(train + 50, length - 80))
        X[start:start + 30, int(rng.integers(0, 3))] += 2.5
        labels = np.zeros(length, dtype=int)
        labels[start:start + 30] = 1
        name = f"{index:04d}_sim_id_{index}_Synthetic_tr_{train}_1st_{start}.csv"
        np.savetxt(folder / name, np.c_[X, labels], delimiter=",", header="A,B,C,Label",
                   comments="", fmt=["%.5f"] * 3 + ["%d"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--length", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--detector", default="pca")
    parser.add_argument("--out", type=Path, default=Path("tsad-fast-out/throughput"))
    args = parser.parse_args(argv)
    data = args.out / "data"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    write_series(data, args.series, args.length)
    results = args.out / f"{args.detector}-{args.workers}w.parquet"
    results.unlink(missing_ok=True)
    frame = run_bench(data, [args.detector], results, workers=args.workers, plot=False)
    wall, tasks = frame.attrs["wall_seconds"], len(frame)
    busy = frame["task_seconds"].mean()
    print(f"{tasks} tasks ({args.series} series of {args.length} points, {args.detector}) on "
          f"{args.workers} worker(s): {wall:.1f} s wall, {60 * tasks / wall:.0f} tasks/min; "
          f"task itself {busy * 1e3:.0f} ms (median {frame['task_seconds'].median() * 1e3:.0f}"
          f" ms), overhead {1e3 * (wall * args.workers / tasks - busy):.0f} ms per task")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
