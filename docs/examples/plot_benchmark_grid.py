"""
A small benchmark grid and its box plot
=======================================

:func:`tsad_fast.bench.run_bench` evaluates every detector on every series on Dask (a local
cluster here; a scheduler address runs it on a real one) and keeps one row per task in a
Parquet file; :func:`~tsad_fast.bench.summarize` ranks the detectors and
:func:`~tsad_fast.plots.plot_vus_pr_box` draws the VUS-PR of each over the series.

Three classical baselines on the two series bundled with the package keep this short; the
same call takes the paper detectors (``"gboc"``, ``"scan"``, ``"msutnet"``, ``"moon"``) and a
folder of TSB-AD, SMD or UCR files.
"""
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from tsad_fast.bench import run_bench, summarize
from tsad_fast.datasets import DATA_DIR
from tsad_fast.plots import plot_vus_pr_box

series = sorted(Path(DATA_DIR).glob("*.npz")) + sorted(Path(DATA_DIR).glob("*_UCR_Anomaly_*.txt"))
out = Path(tempfile.mkdtemp()) / "grid.parquet"
rows = run_bench(series, ["pca", "knn", "iforest"], out, workers=1, threads=1,
                 progress=False, plot=False, report=False)
print(summarize(rows)[["tasks", "ok", "VUS-PR mean", "rank"]].to_string())

plot_vus_pr_box(rows)
plt.show()
