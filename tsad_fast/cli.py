"""The ``tsad-fast`` command line.

    tsad-fast info                 show_config(): version, backends, OpenMP, CUDA
    tsad-fast demo [--data NPZ]    GBOC on the bundled SMD machine: metrics, wall time, PNG plot
    tsad-fast spot [PATH] [...]    streaming SPOT thresholds over a series (default: the bundled
                                   UCR InternalBleeding16 series; --column picks a table's
                                   column), optional PNG plot
    tsad-fast evaluate SCORES LABELS [--window W] [--pred PRED]
                                   TSB-AD's nine metrics for a score file against a label file
    tsad-fast graph MODEL [--out PNG]
                                   heat map of a saved MSUTNet's learned variable graph
    tsad-fast bench DATA... --detectors gboc,pca --out results.parquet [--workers N |
                    --scheduler ADDRESS] [--resume] [--timeout S] [--set DETECTOR.PARAM=VALUE]
                                   a detector x series grid on Dask (tsad_fast.bench)
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import List, Optional

import numpy as np

from tsad_fast import __version__, _backend, datasets
from tsad_fast._config import show_config
from tsad_fast.bench.detectors import REGISTRY
from tsad_fast.bench.inputs import PROTOCOLS
from tsad_fast.kernels import spot
from tsad_fast.tables import existing, read_series


def _load_series(path: Optional[str], column: Optional[str], n_init: Optional[int]):
    """(name, values, labels or None, calibration length) of the series ``spot`` runs on."""
    if path is not None and not datasets.is_ucr_file(Path(path).name):
        values = read_series(path, "series", column, option="--column")
        name = Path(path).stem + (f"[{column}]" if column is not None else "")
        return name, values, None, n_init or max(1, len(values) // 5)
    if column is not None:
        raise ValueError("--column applies to .csv, .txt and .npy tables, not to a UCR archive "
                         "series")
    if path is None:
        series = datasets.bundled_ucr()
    else:
        series = datasets.load_ucr(existing(path, "series"))
    return series.name, series.values, series.labels, n_init or series.train_end


_LONG_EVALUATION = 100_000_000  # points x buffer lengths beyond which evaluate shows its stages


class _StageTimer:
    """get_metrics' progress callback for long evaluations: each stage on stderr as it starts,
    with the seconds the previous one took."""

    def __init__(self):
        self.started = None

    def __call__(self, stage: str) -> None:
        self._close()
        print(f"  {stage} ...", end="", file=sys.stderr, flush=True)
        self.started = time.perf_counter()

    def _close(self) -> None:
        if self.started is not None:
            print(f" {time.perf_counter() - self.started:.1f} s", file=sys.stderr, flush=True)

    def done(self) -> None:
        self._close()
        self.started = None


def _cmd_evaluate(args) -> int:
    from tsad_fast.metrics import find_length_rank, get_metrics

    score = read_series(args.scores, "scores")
    labels = read_series(args.labels, "labels")
    pred = read_series(args.pred, "pred") if args.pred else None
    for role, path, values in (("labels", args.labels, labels), ("pred", args.pred, pred)):
        if values is not None and values.size != score.size:
            raise ValueError(f"{role} file {path!r} holds {values.size} values, the scores "
                             f"file {args.scores!r} {score.size}: one per timestamp in both")
    window = args.window if args.window is not None else min(find_length_rank(score), score.size)
    if not 1 <= window <= score.size:
        raise ValueError(f"--window must lie in [1, {score.size}] (the series has {score.size} "
                         f"points), got {window}")
    start = time.perf_counter()
    progress = _StageTimer() if score.size * (window + 1) > _LONG_EVALUATION else None
    result = get_metrics(score, labels, slidingWindow=window, pred=pred, backend=args.backend,
                         progress=progress)
    if progress is not None:
        progress.done()
    seconds = time.perf_counter() - start
    print(f"{len(score)} points, {int(np.sum(labels))} anomalous; slidingWindow = {window}"
          f"{'' if args.window is not None else ' (find_length_rank of the scores)'}; "
          f"thresholds: {'given pred' if pred is not None else 'oracle (TSB-AD)'}")
    width = max(map(len, result))
    for key, value in result.items():
        print(f"  {key:<{width}}  {value:.6f}")
    print(f"  ({seconds * 1e3:.1f} ms)")
    return 0


def _cmd_graph(args) -> int:
    from tsad_fast.detectors import MSUTNet
    from tsad_fast.plots import plot_graph

    model = MSUTNet.load(existing(args.model, "model"))
    if model.graph_ is None:
        raise ValueError(f"model file {args.model!r}: this MSUTNet has no spatial module")
    plot_graph(args.out, model.graph_, model.groups_)
    groups = "" if model.groups_ is None else f", {len(set(model.groups_.tolist()))} groups"
    print(f"graph of {model.graph_.shape[0]} variables{groups} written to {args.out}")
    return 0


def _cmd_spot(args) -> int:
    name, values, labels, n_init = _load_series(args.path, args.column, args.init)
    if not 0 < n_init < values.size:
        raise ValueError(f"--init must lie in (0, {values.size}), got {n_init}")
    start = time.perf_counter()
    result = spot(values[:n_init], values[n_init:], q=args.q, level=args.level, depth=args.depth,
                  two_sided=args.two_sided, compat=args.compat, backend=args.backend)
    seconds = time.perf_counter() - start
    variant = ("bi" if args.two_sided else "") + ("DSPOT" if args.depth else "SPOT")
    print(f"{variant} on {name}: calibration {n_init} points, stream {values.size - n_init} points")
    print(f"  backend {result.backend}, {seconds * 1e3:.1f} ms "
          f"({seconds / max(1, values.size - n_init) * 1e6:.2f} us per point)")
    tail = result.upper_tail
    print(f"  upper tail: t = {tail.init_threshold:.6g}, z_q = {tail.initial_quantile:.6g} -> "
          f"{tail.quantile:.6g}, gamma = {tail.gamma:.4g}, {tail.n_peaks} peaks")
    if result.lower_tail is not None:
        tail = result.lower_tail
        print(f"  lower tail: t = {tail.init_threshold:.6g}, z_q = {tail.initial_quantile:.6g} -> "
              f"{tail.quantile:.6g}, gamma = {tail.gamma:.4g}, {tail.n_peaks} peaks")
    print(f"  mean threshold (harness): {result.threshold:.6g}; alarms: {result.alarms.size}")
    if labels is not None:
        stream_labels = labels[n_init:].astype(bool)
        hits = int(stream_labels[result.alarms].sum())
        print(f"  alarms inside the labelled anomaly: {hits} of {result.alarms.size}; "
              f"anomaly {'detected' if hits else 'missed'} "
              f"({int(stream_labels.sum())} labelled points)")
    if args.plot:
        from tsad_fast.plots import plot_spot

        plot_spot(args.plot, values, n_init, result, labels, title=f"{variant} on {name}")
        print(f"  plot written to {args.plot}")
    return 0


def setting_value(text: str):
    """A ``--set`` value: JSON where it parses (numbers, booleans, lists, null), else the text."""
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _bench_detectors(names: str, settings: List[str]) -> List[dict]:
    """The detector dicts of ``--detectors a,b`` with the ``--set a.param=value`` parameters
    (values read as JSON where they parse, else as strings)."""
    detectors = {name: {"detector": name, "params": {}}
                 for name in (n.strip().lower() for n in names.split(",")) if name}
    for setting in settings:
        target, _, value = setting.partition("=")
        name, _, param = target.partition(".")
        if not _ or not param or name.lower() not in detectors:
            raise ValueError(f"--set {setting!r}: expected DETECTOR.PARAM=VALUE with DETECTOR "
                             f"one of --detectors ({', '.join(detectors)})")
        detectors[name.lower()]["params"][param] = setting_value(value)
    return list(detectors.values())


def _cmd_bench(args) -> int:
    from tsad_fast._optional import require

    require("distributed", "bench", "tsad-fast bench")
    from tsad_fast.bench import run_bench
    from tsad_fast.bench.store import ResultsExist

    try:
        run_bench(args.data, _bench_detectors(args.detectors, args.set), args.out,
                  scheduler=args.scheduler, workers=args.workers, threads=args.threads,
                  resume=args.resume, timeout=args.timeout, protocol=args.protocol,
                  seed=args.seed, explain=args.explain, coalitions=args.coalitions,
                  progress=not args.quiet, plot=args.plot)
    except ResultsExist:
        raise ValueError(f"--out {args.out} already holds results (or an interrupted run's "
                         "journal): add --resume to complete it, or give another --out") from None
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``tsad-fast``; its help is plain text (no reStructuredText markup)."""
    parser = argparse.ArgumentParser(prog="tsad-fast", description="Time-series anomaly "
                                     "detection with a compiled core: SPOT thresholds, TSB-AD "
                                     "metrics, the GBOC demo.")
    parser.add_argument("--version", action="version", version=f"tsad-fast {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="show the build: backends, OpenMP, CUDA")
    d = sub.add_parser("demo", help="GBOC on the bundled SMD machine: metrics and a plot")
    d.add_argument("--data", help="an SMD machine as .npz (keys train, test, label; default: "
                   "the bundled one)")
    d.add_argument("--epochs", type=int, help="outer epochs (default: GBOC's)")
    d.add_argument("--window", type=int, help="window length (default: GBOC's, 10)")
    d.add_argument("--stride", type=int, default=1, help="rows between training windows "
                   "(default 1: every window; 10 trains about ten times faster)")
    d.add_argument("--seed", type=int, default=2024)
    d.add_argument("--out", default="tsad-fast-out", help="folder for the PNG")
    d.add_argument("--no-plot", dest="plot", action="store_false")
    d.add_argument("--quiet", dest="verbose", action="store_const", const=0, default=1,
                   help="no progress bar")
    d.add_argument("--backend", default="auto", choices=("auto",) + _backend.AUTO_ORDER)
    p = sub.add_parser("spot", help="streaming SPOT/DSPOT thresholds over a series")
    p.add_argument("path", nargs="?", help="UCR archive .txt, .npy, or .csv/.txt table with "
                   "an optional header row (default: the bundled UCR series)")
    p.add_argument("--column", metavar="COLUMN", help="the column of a table with several: "
                   "0-based index or header name")
    p.add_argument("--init", type=int, help="calibration length (default: the UCR training "
                   "part, else 20%%)")
    p.add_argument("--q", type=float, default=1e-3, help="risk (default 1e-3)")
    p.add_argument("--level", type=float, default=0.98, help="initial quantile (default 0.98)")
    p.add_argument("--depth", type=int, default=0, help="DSPOT drift window (rows of the "
                   "moving mean removed); 0 = SPOT (default, as spot_thresholds)")
    sides = p.add_mutually_exclusive_group()
    sides.add_argument("--two-sided", dest="two_sided", action="store_true",
                       help="both tails: biSPOT / biDSPOT (default: the upper tail only, as "
                       "spot_thresholds and the detectors' SPOTThreshold)")
    sides.add_argument("--one-sided", dest="two_sided", action="store_false",
                       help="the upper tail only (the default)")
    p.add_argument("--compat", action="store_true", help="reproduce the reference's "
                   "likelihood sign error")
    p.add_argument("--backend", default="auto", choices=("auto",) + _backend.AUTO_ORDER)
    p.add_argument("--plot", metavar="PNG", help="write a plot (needs matplotlib)")
    g = sub.add_parser("graph", help="heat map of a saved MSUTNet's learned variable graph")
    g.add_argument("model", help="a file written by MSUTNet.save")
    g.add_argument("--out", default="msut_graph.png", help="PNG to write")
    a = sub.add_parser("accelerate", help="run an unmodified Python script with TSB-AD's "
                       "get_metrics and the reference SPOT classes swapped for tsad_fast's")
    a.add_argument("script", help="the script to run")
    a.add_argument("script_args", nargs=argparse.REMAINDER, help="its arguments")
    b = sub.add_parser("bench", help="a detector x series grid on Dask: metrics, time and "
                       "memory per task, resumable (needs the bench extra)")
    b.add_argument("data", nargs="+", help="TSB-AD .csv, SMD .npz or UCR .txt files, or "
                   "directories of them")
    b.add_argument("--detectors", required=True, help="comma-separated: " + ", ".join(REGISTRY))
    b.add_argument("--out", required=True, help="results file, .parquet or .csv")
    where = b.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. "
                       "tcp://host:8786 (default: a local cluster)")
    where.add_argument("--workers", type=int, help="worker processes of the local cluster "
                       "(default: the usable cores)")
    b.add_argument("--threads", type=int, help="threads per task (default: the cores shared "
                   "among the local workers; 1 on a remote cluster)")
    b.add_argument("--resume", action="store_true", help="complete an existing --out: the "
                   "tasks already in it are skipped, those that failed run again")
    b.add_argument("--timeout", type=float, metavar="S", help="kill a task after S seconds "
                   "and record it as a timeout")
    b.add_argument("--protocol", default="train-test", choices=PROTOCOLS)
    b.add_argument("--set", action="append", default=[], metavar="DETECTOR.PARAM=VALUE",
                   help="a detector parameter (repeatable; VALUE read as JSON, else text)")
    b.add_argument("--seed", type=int, default=2024)
    b.add_argument("--explain", type=int, default=0, help="true positives explained per task "
                   "(Moon's interpretation metrics; default 0)")
    b.add_argument("--coalitions", type=int, default=256)
    b.add_argument("--no-plot", dest="plot", action="store_false")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    e = sub.add_parser("evaluate", help="TSB-AD's nine metrics (VUS-PR, VUS-ROC, F1s, ...)")
    e.add_argument("scores", help="anomaly scores, one per timestamp: .npy, or one-column .csv "
                   "or .txt with an optional header row")
    e.add_argument("labels", help="0/1 labels, same formats and length")
    e.add_argument("--window", type=int, help="VUS slidingWindow, 1 to the series length "
                   "(default: find_length_rank of the scores, at most the series length)")
    e.add_argument("--pred", help="0/1 predictions for the threshold-dependent metrics")
    e.add_argument("--backend", default="auto", choices=("auto",) + _backend.AUTO_ORDER)
    return parser


def _cmd_info(args) -> int:
    show_config()
    return 0


def _cmd_accelerate(args) -> int:
    from tsad_fast.compat.accelerate import run_script

    run_script(args.script, args.script_args)
    return 0


def _cmd_demo(args) -> int:
    from tsad_fast.demo import run_demo

    run_demo(args.data, args.out, epochs=args.epochs, window=args.window, stride=args.stride,
             seed=args.seed, verbose=args.verbose, backend=args.backend, plot=args.plot)
    return 0


_COMMANDS = {"info": _cmd_info, "demo": _cmd_demo, "spot": _cmd_spot, "graph": _cmd_graph,
             "accelerate": _cmd_accelerate, "bench": _cmd_bench, "evaluate": _cmd_evaluate}


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except (ValueError, TypeError, OSError, ImportError, _backend.BackendUnavailableError) as exc:
        print(f"tsad-fast: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
