"""`tsad-fast spot`: streaming SPOT / DSPOT thresholds over a series."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

from tsad_fast import _backend, datasets
from tsad_fast.kernels import spot
from tsad_fast.tables import existing, read_series


def add_parser(sub) -> None:
    parser = sub.add_parser("spot", help="streaming SPOT/DSPOT thresholds over a series")
    parser.add_argument("path", nargs="?", help="UCR archive .txt, .npy, or .csv/.txt table with "
                        "an optional header row (default: the bundled UCR series)")
    parser.add_argument("--column", metavar="COLUMN", help="the column of a table with several: "
                        "0-based index or header name")
    parser.add_argument("--init", type=int, help="calibration length (default: the UCR training "
                        "part, else 20%%)")
    parser.add_argument("--q", type=float, default=1e-3, help="risk (default 1e-3)")
    parser.add_argument("--level", type=float, default=0.98, help="initial quantile (default 0.98)")
    parser.add_argument("--depth", type=int, default=0, help="DSPOT drift window (rows of the "
                        "moving mean removed); 0 = SPOT (default, as spot_thresholds)")
    sides = parser.add_mutually_exclusive_group()
    sides.add_argument("--two-sided", dest="two_sided", action="store_true",
                       help="both tails: biSPOT / biDSPOT (default: the upper tail only, as "
                       "spot_thresholds and the detectors' SPOTThreshold)")
    sides.add_argument("--one-sided", dest="two_sided", action="store_false",
                       help="the upper tail only (the default)")
    parser.add_argument("--compat", action="store_true", help="reproduce the reference's "
                        "likelihood sign error")
    parser.add_argument("--backend", default="auto", choices=("auto",) + _backend.AUTO_ORDER)
    parser.add_argument("--plot", metavar="PNG", help="write a plot (needs matplotlib)")
    parser.set_defaults(run=run)


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


def run(args) -> int:
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
