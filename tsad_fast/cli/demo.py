"""`tsad-fast demo`: GBOC on the bundled SMD machine (:mod:`tsad_fast.demo`)."""
from __future__ import annotations

from tsad_fast import _backend


def add_parser(sub) -> None:
    parser = sub.add_parser("demo", help="GBOC on the bundled SMD machine: metrics and a plot")
    parser.add_argument("--data", help="an SMD machine as .npz (keys train, test, label; default: "
                        "the bundled one)")
    parser.add_argument("--epochs", type=int, help="outer epochs (default: GBOC's)")
    parser.add_argument("--window", type=int, help="window length (default: GBOC's, 10)")
    parser.add_argument("--stride", type=int, default=1, help="rows between training windows "
                        "(default 1: every window; 10 trains about ten times faster)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", default="tsad-fast-out", help="folder for the PNG")
    parser.add_argument("--no-plot", dest="plot", action="store_false")
    parser.add_argument("--quiet", dest="verbose", action="store_const", const=0, default=1,
                        help="no progress bar")
    parser.add_argument("--backend", default="auto", choices=("auto",) + _backend.AUTO_ORDER)
    parser.set_defaults(run=run)


def run(args) -> int:
    from tsad_fast.demo import run_demo

    run_demo(args.data, args.out, epochs=args.epochs, window=args.window, stride=args.stride,
             seed=args.seed, verbose=args.verbose, backend=args.backend, plot=args.plot)
    return 0
