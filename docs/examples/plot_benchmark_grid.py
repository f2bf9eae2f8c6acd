"""
A small benchmark grid and its box plot
=======================================

:func:`tsad_fast.bench.run_bench` evaluates every detector on every series on Dask (a local
cluster here; a scheduler address runs it on a real one) and keeps one row per task in a
Parquet file; :func:`~tsad_fast.bench.summarize` ranks the detectors and
:func:`~tsad_fast.plots.plot_vus_pr_box` draws the VUS-PR of each over the series.

To keep it short, the grid runs three classical baselines on windows of 20 steps over four
5,000-row stretches of the bundled SMD machine and the bundled UCR series. The same call takes
the paper detectors (``"gboc"``, ``"scan"``, ``"msutnet"``, ``"moon"``) and folders of
TSB-AD, SMD or UCR files.
"""
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from tsad_fast.bench import run_bench, summarize
from tsad_fast.datasets import DATA_DIR, bundled_smd
from tsad_fast.plots import plot_vus_pr_box

if __name__ == "__main__":  # Dask's worker processes import this file: guard the run
    folder = Path(tempfile.mkdtemp())
    machine = bundled_smd()
    for start in (0, 3000, 16000, 18000):   # stretches that hold labelled anomalies
        part = slice(start, start + 5000)
        np.savez(folder / f"machine-1-6-from-{start}.npz", train=machine.train[:5000],
                 test=machine.test[part], label=machine.labels[part])
    series = sorted(folder.glob("*.npz")) + sorted(Path(DATA_DIR).glob("*_UCR_Anomaly_*.txt"))
    detectors = [{"label": name, "detector": name, "params": {"window": 20}}
                 for name in ("pca", "knn", "iforest")]
    rows = run_bench(series, detectors, folder / "grid.parquet", workers=1, threads=1,
                     progress=False, plot=False, report=False)
    print(summarize(rows)[["tasks", "ok", "VUS-PR mean", "rank"]].to_string())

    plot_vus_pr_box(rows)
    plt.show()
