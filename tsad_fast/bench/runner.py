"""Run a detector x series grid on Dask distributed, writing each row as it arrives.

Without a scheduler address the grid runs on a ``LocalCluster`` of worker processes started on
this machine (one task at a time per worker, ``threads`` cores each); with an address it is
submitted to a running cluster (``dask scheduler`` / ``dask worker``, dask-jobqueue, Dask
Kubernetes, SSH: see the README). Dask places the tasks, retries a task whose worker is lost
(``distributed.scheduler.allowed-failures``) and reports one result per task; the store
(:mod:`.store`) keeps each row once.
"""
from __future__ import annotations

import hashlib
import logging
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence, Tuple, Union

from tsad_fast._optional import require
from tsad_fast._threads import usable_cores
from tsad_fast._validation import check_int, check_real
from tsad_fast.bench.detectors import DetectorSpec, as_spec, check
from tsad_fast.bench.inputs import PROTOCOLS, expand
from tsad_fast.bench.isolation import forking_supported
from tsad_fast.bench.report import format_summary, summarize
from tsad_fast.plots import plot_vus_pr_box
from tsad_fast.bench.store import FAILED, ResultStore
from tsad_fast.bench.task import Task, failed_row, run_task

DetectorLike = Union[str, Mapping[str, Any], DetectorSpec]


@contextmanager
def _client(scheduler: Optional[str], workers: int,
            threads: int) -> Iterator[Tuple[Any, int]]:
    """(a Dask client, the number of workers) for ``scheduler``, or for a new LocalCluster of
    ``workers`` single-task worker processes with ``threads`` threads for each task.

    The local workers start without Dask's default ``MALLOC_TRIM_THRESHOLD_=65536``: a fixed
    trim threshold turns off glibc's adaptive mmap threshold, so every large temporary of a
    torch or NumPy computation is mapped and unmapped again (a torch training step runs
    markedly slower in a worker with it, the more so on larger windows). Workers of a grid hold
    no data between tasks, which is what that setting trims."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:
            yield client, len(client.scheduler_info()["workers"])
        return
    environ = {name: str(threads)
               for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                         dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client, workers


def _dask_key(task: Task) -> str:
    return "tsad-bench-" + hashlib.sha1(task.key.encode()).hexdigest()[:20]


def run_bench(data: Union[str, Path, Iterable[Union[str, Path]]],
              detectors: Union[DetectorLike, Sequence[DetectorLike]],
              out: Union[str, Path], *,
              scheduler: Optional[str] = None, workers: Optional[int] = None,
              threads: Optional[int] = None, resume: bool = False,
              timeout: Optional[float] = None, protocol: str = "train-test", seed: int = 2024,
              explain: int = 0, coalitions: int = 256, progress: bool = True,
              plot: bool = True, report: bool = True):
    """Evaluate every detector on every series on Dask; returns every row of ``out`` (pandas).

    Parameters
    ----------
    data : files or directories of TSB-AD CSV, SMD ``.npz`` and UCR ``.txt`` series
        (:func:`tsad_fast.bench.inputs.expand`)
    detectors : registered names (``REGISTRY`` of :mod:`tsad_fast.bench.detectors`: ``gboc``,
        ``moon``, ``pca``, ...), dicts ``{"label", "detector", "params", "supervised"}`` or
        :class:`DetectorSpec`
    out : ``.parquet`` or ``.csv`` file of the rows (:mod:`tsad_fast.bench.task` lists the
        columns); rows are journaled as they arrive and the file is replaced atomically at the
        end, or when the run is interrupted
    scheduler : address of a running Dask scheduler (``tcp://host:8786``); default: a
        LocalCluster on this machine
    workers : worker processes of that LocalCluster (default: the usable cores)
    threads : torch / BLAS / OpenMP threads per task (default: the usable cores shared among
        the local workers, 1 on a remote cluster)
    resume : complete an ``out`` that holds results: the tasks already there are skipped,
        except those that failed ("error", "timeout"), which run again
    timeout : seconds a task may run before it is killed and recorded as "timeout" (tasks then
        run in a forked child of their worker; POSIX only)
    protocol : "train-test", "moon-paper" or "split60" (:mod:`tsad_fast.bench.inputs`)
    seed : every detector's seed (unless its params set one)
    explain, coalitions : explain up to ``explain`` true positives per task with ``coalitions``
        Kernel SHAP coalitions (Moon's interpretation metrics; 0 = none)
    progress : show a progress bar with counts and ETA on stderr
    plot, report : write the VUS-PR box plot beside ``out`` (``<stem>_vus_pr.png``); print the
        summary per detector (:func:`tsad_fast.bench.report.summarize`)

    The returned frame's ``attrs`` hold ``wall_seconds`` (submission to last result) and
    ``n_run`` (tasks run by this call).
    """
    require("distributed", "bench", "tsad_fast.bench")
    require("pandas", "bench", "tsad_fast.bench")
    if scheduler is not None and workers is not None:
        raise ValueError("give scheduler (a running cluster) or workers (a local one), not both")
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {', '.join(PROTOCOLS)}, got {protocol!r}")
    if workers is not None:
        check_int(workers, "workers", 1)
    if threads is not None:
        check_int(threads, "threads", 1)
    if timeout is not None:
        check_real(timeout, "timeout", 0.0, float("inf"), low_open=True, high_open=True)
        if not forking_supported():
            raise ValueError("timeout needs os.fork (Linux, macOS): this platform has none")
    check_int(explain, "explain", 0)
    check_int(coalitions, "coalitions", 1)
    check_int(seed, "seed", 0)
    series = expand(data)
    if isinstance(detectors, (str, Mapping, DetectorSpec)):
        detectors = [detectors]
    specs = [as_spec(d) for d in detectors]
    if not specs:
        raise ValueError("detectors: none given")
    labels = [spec.label for spec in specs]
    if len(set(labels)) != len(labels):
        raise ValueError(f"detectors: labels must differ, got {labels}")
    for spec in specs:  # a wrong parameter stops the grid here, not in every task
        check(spec, seed)
    store = ResultStore(out, resume=resume)
    local = scheduler is None
    n_workers = workers if workers is not None else usable_cores()
    per_task = threads or (max(1, usable_cores() // n_workers) if local else 1)
    tasks = [Task(ref, spec, protocol, seed, per_task, explain, coalitions)
             for ref in series for spec in specs]
    todo = [task for task in tasks if not store.done(task.key)]
    wall = 0.0
    try:
        if todo:
            wall = _run(todo, store, scheduler, n_workers, timeout, progress,
                        f"{len(tasks)} tasks ({len(series)} series x {len(specs)} detectors), "
                        f"{len(tasks) - len(todo)} already in {Path(out).name}")
    finally:
        frame = store.write([task.key for task in tasks])
    frame.attrs.update(wall_seconds=wall, n_run=len(todo))
    if report and len(frame):
        print(format_summary(summarize(frame)), flush=True)
        _print_failures(frame, {task.key for task in todo})
        rate = f" ({60 * len(todo) / wall:.1f} tasks/min)" if wall > 0 else ""
        print(f"{len(todo)} task(s) run in {wall:.1f} s{rate}; {len(frame)} row(s) in {out}",
              flush=True)
    if plot and "status" in frame and (frame["status"] == "ok").any():
        path = plot_vus_pr_box(frame, store.out.with_name(store.out.stem + "_vus_pr.png"))
        if report:
            print(f"box plot of VUS-PR written to {path}", flush=True)
    return frame


def _print_failures(frame, keys) -> None:
    """One line per task of ``keys`` that failed: its series, detector and error."""
    if "status" not in frame:
        return
    failed = frame[frame["key"].isin(keys) & frame["status"].isin(FAILED)]
    for row in failed.itertuples():
        reason = (str(row.error).strip().splitlines() or [""])[0][:300]
        print(f"{row.status}: {row.series} / {row.detector}: {reason}", flush=True)


def _run(todo, store: ResultStore, scheduler, n_workers: int, timeout, progress: bool,
         headline: str) -> float:
    """Submit ``todo``, store each row as it completes; the wall seconds."""
    from distributed import as_completed
    from tqdm.auto import tqdm

    with _client(scheduler, n_workers, todo[0].threads) as (client, size):
        print(f"{headline}; {len(todo)} to run on {size} worker(s), {todo[0].threads} "
              f"thread(s) per task", flush=True)
        start = time.perf_counter()
        futures = {client.submit(run_task, task, timeout, key=_dask_key(task)): task
                   for task in todo}
        counts = {"ok": 0, "skipped": 0, "error": 0, "timeout": 0}
        with tqdm(total=len(todo), unit="task", disable=not progress, dynamic_ncols=True) as bar:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    row = future.result()
                except Exception as exc:  # noqa: BLE001  (e.g. KilledWorker: a row, not a stop)
                    row = failed_row(task, "error", f"{type(exc).__name__}: {exc}", "lost")
                future.release()
                if store.append(row):
                    counts[row["status"]] += 1
                    bar.set_postfix(counts, refresh=False)
                    bar.update(1)
        return time.perf_counter() - start
