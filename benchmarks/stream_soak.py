"""Soak (issue 29): 1M rows of 38 channels through a stream, in this process and through
``tsad-fast watch`` reading standard input; the resident memory (VmRSS) every 100k rows.

The detector: PCA on windows of 100 rows with SPOT continuing over its scores
(``threshold="spot-stream"``), fitted on the bundled SMD machine's first 5,000 training rows.
The rows: those 5,000 training rows, repeated, with noise of 1 % of each channel's spread
(so no two are the same).
Rows go in chunks of 1,000 (in process) and as CSV text in blocks of 1,000 lines (watch). One
row per measurement in benchmarks/results/streams/soak.parquet.

    python benchmarks/stream_soak.py [--rows 1000000]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import tsad_fast  # noqa: F401  (first: the OpenMP wait policy before torch loads)
from tsad_fast import PCA, datasets

OUT = Path(__file__).resolve().parent / "results" / "streams" / "soak.parquet"
CHUNK = 1000
EVERY = 100_000


def rss_mb(pid="self") -> float:
    """Resident memory of a process now (VmRSS), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def chunks(rows: np.ndarray, n: int):
    rng = np.random.default_rng(0)
    spread = 0.01 * rows.std(axis=0)
    for start in range(0, n, CHUNK):
        at = np.arange(start, start + CHUNK) % len(rows)
        yield start + CHUNK, rows[at] + spread * rng.normal(size=(CHUNK, rows.shape[1]))


def in_process(detector, test, n):
    stream, rows, start, alarms = detector.stream(), [], time.perf_counter(), 0
    for done, block in chunks(test, n):
        alarms += int(stream.update(block).alarms.sum())
        if done % EVERY == 0:
            rows.append({"mode": "stream", "rows": done, "rss_mb": rss_mb(),
                         "seconds": time.perf_counter() - start, "alarms": alarms})
            print(rows[-1], flush=True)
    return rows


def through_watch(model: Path, test, n):
    watcher = subprocess.Popen([sys.executable, "-m", "tsad_fast.cli", "watch", str(model), "-"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    import threading

    alarms = []
    reader = threading.Thread(target=lambda: alarms.extend(watcher.stdout), daemon=True)
    reader.start()
    rows, start = [], time.perf_counter()
    for done, block in chunks(test, n):
        text = "\n".join(",".join(f"{v:.6g}" for v in row) for row in block) + "\n"
        watcher.stdin.write(text.encode())
        if done % EVERY == 0:
            watcher.stdin.flush()
            rows.append({"mode": "watch", "rows": done, "rss_mb": rss_mb(watcher.pid),
                         "seconds": time.perf_counter() - start, "alarms": len(alarms)})
            print(rows[-1], flush=True)
    watcher.stdin.close()
    err = watcher.stderr.read().decode()
    watcher.wait()
    reader.join()
    if watcher.returncode != 0 or f"{n} rows scored" not in err:
        raise RuntimeError(f"watch failed: {err}")
    return rows


def main() -> None:
    import pandas as pd

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    series = datasets.bundled_smd()
    detector = PCA(threshold="spot-stream").fit(series.train[:5000])
    with tempfile.TemporaryDirectory() as folder:
        model = Path(folder) / "pca.tsad"
        detector.save(model)
        rows = in_process(detector, series.train[:5000], args.rows)
        rows += through_watch(model, series.train[:5000], args.rows)
    table = pd.DataFrame(rows)
    table["command"] = f"python benchmarks/stream_soak.py --rows {args.rows}"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(args.out, index=False)
    for mode, part in table.groupby("mode"):
        first, last = part.iloc[0], part.iloc[-1]
        print(f"{mode}: RSS {first.rss_mb:.0f} MB at {first.rows:,} rows, {last.rss_mb:.0f} MB "
              f"at {last.rows:,} ({last.rss_mb / first.rss_mb - 1:+.1%}); "
              f"{last.rows / last.seconds:,.0f} rows/s, {last.alarms} alarms")


if __name__ == "__main__":
    main()
