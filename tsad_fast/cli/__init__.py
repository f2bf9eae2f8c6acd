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
    tsad-fast fit DETECTOR TRAIN --out MODEL [--labels L] [--set PARAM=VALUE ...]
                                   a detector fitted on a table (CSV, Parquet, .npy) and saved
    tsad-fast score MODEL TEST --out SCORES.csv [--labels L] [--plot PNG]
                                   scores, alarms and thresholds of a table; metrics with labels
    tsad-fast watch MODEL [FILE|-] [--state FILE] [--no-follow]
                                   rows scored as they arrive, one JSON line per alarm
    tsad-fast bench DATA... --detectors gboc,pca --out results.parquet [--workers N |
                    --scheduler ADDRESS] [--resume] [--timeout S] [--set DETECTOR.PARAM=VALUE]
                                   a detector x series grid on Dask (tsad_fast.bench)
"""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from tsad_fast import __version__, _backend
from tsad_fast.cli import (accelerate, bench, demo, evaluate, fit, graph, info, score, spot,
                           watch)
from tsad_fast.cli.bench import setting_value

__all__ = ["main", "build_parser", "setting_value"]

_COMMANDS = (info, demo, fit, score, watch, spot, graph, accelerate, bench, evaluate)


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``tsad-fast``; its help is plain text (no reStructuredText markup)."""
    parser = argparse.ArgumentParser(prog="tsad-fast", description="Time-series anomaly "
                                     "detection with a compiled core: SPOT thresholds, TSB-AD "
                                     "metrics, the GBOC demo.")
    parser.add_argument("--version", action="version", version=f"tsad-fast {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in _COMMANDS:  # each module adds its subcommand and sets ``run``
        command.add_parser(sub)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, TypeError, OSError, ImportError, _backend.BackendUnavailableError) as exc:
        print(f"tsad-fast: error: {exc}", file=sys.stderr)
        return 2
