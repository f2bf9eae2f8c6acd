"""Detector x series grids on Dask distributed: ``run_bench`` and ``tsad-fast bench``.

Each task fits one detector on one series, scores it and evaluates it (TSB-AD's metrics, fit
and score time, peak memory); results are written as they arrive, a run can be resumed, and a
failing or timed-out task is a row of the results, not the end of the grid. Needs the ``bench``
extra (``pip install "tsad-fast[bench]"``: dask distributed, pandas, pyarrow).

Modules: :mod:`.inputs` (series and protocols), :mod:`.detectors` (names and parameters),
:mod:`.task` (one task's row), :mod:`.isolation` (time limits), :mod:`.store` (journal and
atomic output), :mod:`.runner` (Dask), :mod:`.report` (summary and box plot).
"""
from tsad_fast.bench.detectors import REGISTRY, DetectorSpec, as_spec
from tsad_fast.bench.inputs import PROTOCOLS, expand
from tsad_fast.bench.report import summarize
from tsad_fast.bench.runner import run_bench
from tsad_fast.plots import plot_vus_pr_box

__all__ = ["run_bench", "DetectorSpec", "as_spec", "REGISTRY", "PROTOCOLS", "expand",
           "summarize", "plot_vus_pr_box"]
