"""One task of a grid: a detector fitted and scored on one series, evaluated, as one result row.

A task's row holds its identity (``key``, ``series``, ``detector``, ``params``, ``protocol``,
``seed``), ``status`` ("ok", "skipped" when the series cannot be evaluated, "error",
"timeout") with ``error``, TSB-AD's nine metrics (``get_metrics``: AUC-PR, AUC-ROC, VUS-PR,
VUS-ROC, Standard-F1, PA-F1, Event-based-F1, R-based-F1, Affiliation-F) with ``Precision`` and
``Recall``, all for the anomaly class, and the costs: ``fit_seconds``, ``score_seconds``,
``task_seconds`` (reading, fitting, scoring and evaluating), ``peak_rss_mb`` (the peak resident
memory of the process while the task ran), ``threads``.

Predictions for the threshold-dependent metrics: an unsupervised detector's come from SPOT
(``SPOTThreshold(mode="stream")`` initialised on its training scores, run over the evaluated
scores: the SCAN/CrossAD harness); a supervised detector's from its own threshold
(``decision_function > threshold_``), with ``Standard-F1@0.5``, the F1 of P(anomaly) > 0.5,
beside it whatever its threshold. Without predictions (no SPOT tail in constant training
scores) those metrics are NaN. VUS uses ``slidingWindow = find_length_rank`` of the evaluated
part's first channel (TSB-AD's runner), at most its length.
"""
from __future__ import annotations

import json
import os
import socket
import time
import traceback
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Optional

import numpy as np

from tsad_fast.bench import isolation
from tsad_fast.bench.detectors import DetectorSpec, build, preload
from tsad_fast.bench.inputs import SeriesRef, Split, load

METRICS = ("AUC-PR", "AUC-ROC", "VUS-PR", "VUS-ROC", "Standard-F1", "PA-F1", "Event-based-F1",
           "R-based-F1", "Affiliation-F")
THRESHOLD_METRICS = ("Standard-F1", "PA-F1", "Event-based-F1", "R-based-F1", "Affiliation-F",
                     "Precision", "Recall")
INTERPRETATION = ("Hit@100%", "Hit@150%", "NDCG@100%", "NDCG@150%")


class SkipTask(Exception):
    """The series cannot be evaluated this way (e.g. no anomaly in the evaluated part)."""


@dataclass(frozen=True)
class Task:
    """A detector on a series under a protocol; ``threads`` is the task's share of its worker's
    cores; ``explain`` > 0 explains that many true positives (detectors with ``explain``, on
    series with interpretation labels) with ``coalitions`` Kernel SHAP coalitions each."""

    series: SeriesRef
    detector: DetectorSpec
    protocol: str = "train-test"
    seed: int = 2024
    threads: int = 1
    explain: int = 0
    coalitions: int = 256

    @property
    def key(self) -> str:
        """What identifies the task's result (resume skips the keys already written)."""
        return json.dumps([self.series.name, self.detector.label, self.detector.params_json(),
                           self.protocol, self.seed, self.explain])


def identity(task: Task) -> Dict[str, Any]:
    """The columns every row has, whatever happened."""
    return {"key": task.key, "series": task.series.name, "detector": task.detector.label,
            "params": task.detector.params_json(), "protocol": task.protocol, "seed": task.seed,
            "path": task.series.path, "threads": task.threads}


def _peak_reset() -> bool:
    """Reset this process's peak resident memory (Linux); False where it cannot."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _interpretation(model, split: Split, pred: np.ndarray, task: Task) -> Dict[str, Any]:
    """HitRate@P / NDCG@P of ``model.explain`` over a seeded sample of at most ``task.explain``
    true positives that name a cause."""
    from tsad_fast.metrics import hit_rate_at_p, ndcg_at_p

    dims = split.dim_labels
    hits = np.flatnonzero((pred == 1) & (split.labels == 1) & (dims.sum(axis=1) > 0))
    out: Dict[str, Any] = {"n_true_positives": int(hits.size), "n_explained": 0}
    if hits.size == 0:
        return out
    sample = np.sort(np.random.default_rng(task.seed).choice(
        hits, min(task.explain, hits.size), replace=False))
    start = time.perf_counter()
    explanations = model.explain(split.test, [int(t) for t in sample],
                                 n_coalitions=task.coalitions)
    out["seconds_per_explanation"] = (time.perf_counter() - start) / len(sample)
    out["n_explained"] = int(len(sample))
    attributions = np.stack([e.contributions for e in explanations])
    for p, suffix in ((1.0, "100%"), (1.5, "150%")):
        out[f"Hit@{suffix}"] = hit_rate_at_p(dims[sample], attributions, p)
        out[f"NDCG@{suffix}"] = ndcg_at_p(dims[sample], attributions, p)
    return out


def _predictions(model, task: Task, scores: np.ndarray) -> Optional[np.ndarray]:
    from tsad_fast.thresholds import SPOTThreshold

    if task.detector.supervised:
        return (scores > model.threshold_).astype(np.int64)
    try:
        return SPOTThreshold(mode="stream").fit(model.decision_scores_).predict(scores)
    except ValueError:  # e.g. constant training scores: no SPOT tail
        return None


def evaluate(task: Task) -> Dict[str, Any]:
    """Fit, score and evaluate ``task`` (the metric and cost columns); raises SkipTask or the
    error that stopped it."""
    from joblib import parallel_config
    from threadpoolctl import threadpool_limits

    from tsad_fast.metrics import find_length_rank, get_metrics, point_f1

    began = time.perf_counter()
    split = load(task.series, task.protocol)
    if task.detector.supervised and (split.fit_labels is None
                                     or split.fit_labels.min() == split.fit_labels.max()):
        found = "no labels" if split.fit_labels is None else \
            f"{int(split.fit_labels.sum())} anomalies"
        raise SkipTask(f"a supervised detector needs both classes in the fit part ({found} "
                       f"in {split.fit.shape[0]} rows)")
    if split.labels.max() == 0:
        raise SkipTask(f"no anomaly in the {split.labels.size} evaluated rows")
    measured = _peak_reset()
    # scikit-learn's n_jobs on joblib's threads: Dask workers are daemon processes, which
    # joblib's default (process) backend refuses, silently falling back to one thread
    with threadpool_limits(task.threads), parallel_config(backend="threading"):
        model = build(task.detector, task.seed, task.threads)
        start = time.perf_counter()
        if task.detector.supervised:
            model.fit(split.fit, split.fit_labels)
        else:
            model.fit(split.fit)
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        scores = np.asarray(model.decision_function(split.test), dtype=np.float64)
        score_seconds = time.perf_counter() - start
        peak = _peak_mb() if measured else float("nan")
        pred = _predictions(model, task, scores)
        sliding = min(find_length_rank(split.test[:, 0], rank=1), split.labels.size)
        row: Dict[str, Any] = dict(get_metrics(scores, split.labels, slidingWindow=sliding,
                                               pred=pred))
        if pred is None:
            row.update({key: float("nan") for key in THRESHOLD_METRICS})
        else:
            tp = int(np.sum((pred == 1) & (split.labels == 1)))
            row["Precision"] = tp / max(1, int(pred.sum()))
            row["Recall"] = tp / int(split.labels.sum())
        if task.detector.supervised:
            row["Standard-F1@0.5"] = point_f1(split.labels, pred=(scores > 0.5).astype(np.int64))
        if task.explain and split.dim_labels is not None and hasattr(model, "explain") \
                and pred is not None:
            row.update(_interpretation(model, split, pred, task))
    row.update(sliding_window=int(sliding), n_fit=int(split.fit.shape[0]),
               n_test=int(split.labels.size), n_channels=int(split.test.shape[1]),
               fit_seconds=fit_seconds, score_seconds=score_seconds, peak_rss_mb=peak,
               task_seconds=time.perf_counter() - began)
    if hasattr(model, "history_"):
        row["epochs"] = len({entry["epoch"] for entry in model.history_})
        row["passes"] = len(model.history_)
    return row


def _error(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" (at {Path(last[0].filename).name}:{last[0].lineno})" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _finished(row: Dict[str, Any], worker: str = "") -> Dict[str, Any]:
    row["worker"] = worker or f"{socket.gethostname()}:{os.getpid()}"
    row["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return row


def failed_row(task: Task, status: str, error: str, worker: str = "") -> Dict[str, Any]:
    """The row of a task that produced none itself (timed out, crashed, its worker lost)."""
    return _finished({**identity(task), "status": status, "error": error}, worker)


def run_row(task: Task) -> Dict[str, Any]:
    """The task's complete row: never raises for what the task does (its error is the row's)."""
    row = identity(task)
    try:
        row.update(evaluate(task))
        row["status"], row["error"] = "ok", ""
    except SkipTask as exc:
        row["status"], row["error"] = "skipped", str(exc)
    except Exception as exc:  # noqa: BLE001  (any failure is a result of the grid)
        row["status"], row["error"] = "error", _error(exc)
    return _finished(row)


def run_task(task: Task, timeout: Optional[float] = None) -> Dict[str, Any]:
    """What a Dask worker runs: :func:`run_row`, in a forked child killed after ``timeout``
    seconds when a limit is given (a "timeout" row; a crash of the child is an "error" row)."""
    if timeout is None:
        return run_row(task)
    try:
        preload(task.detector)
    except Exception:  # noqa: BLE001  (the child reports it as the task's error)
        pass
    try:
        return isolation.call_with_timeout(run_row, task, timeout)
    except isolation.TaskTimeout as exc:
        return failed_row(task, "timeout", str(exc))
    except ChildProcessError as exc:
        return failed_row(task, "error", str(exc))
