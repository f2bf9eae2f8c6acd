"""Detector x series grids on Dask distributed: ``run_bench`` and ``tsad-fast bench``.

Each task fits one detector on one series, scores it and evaluates it (TSB-AD's metrics, fit
and score time, peak memory); results are written as they arrive, a run can be resumed, and a
failing or timed-out task is a row of the results, not the end of the grid. Needs the ``bench``
extra (``pip install "tsad-fast[bench]"``: dask distributed, pandas, pyarrow).

Modules: :mod:`.inputs` (series and protocols), :mod:`.detectors` (names and parameters),
:mod:`.task` (one task's row), :mod:`.isolation` (time limits), :mod:`.store` (journal and
atomic output), :mod:`.runner` (Dask), :mod:`.report` (summary); the box plot is
:func:`tsad_fast.plots.plot_vus_pr_box`.
"""
from tsad_fast.bench.detectors import REGISTRY, DetectorSpec, as_spec
from tsad_fast.bench.inputs import PROTOCOLS, expand
from tsad_fast.bench.report import summarize
from tsad_fast.bench.runner import run_bench
from tsad_fast.plots import plot_vus_pr_box

_MOVED = {"box_plot": ("tsad_fast.plots", "plot_vus_pr_box")}


def __getattr__(name):
    if name in _MOVED:
        import importlib
        import warnings

        module, new = _MOVED[name]
        warnings.warn(f"tsad_fast.bench.{name} moved to {module}.{new}", DeprecationWarning,
                      stacklevel=2)
        return getattr(importlib.import_module(module), new)
    raise AttributeError(f"module 'tsad_fast.bench' has no attribute {name!r}")


__all__ = ["run_bench", "DetectorSpec", "as_spec", "REGISTRY", "PROTOCOLS", "expand",
           "summarize", "plot_vus_pr_box"]
