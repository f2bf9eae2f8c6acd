"""`tsad-fast accelerate`: an unmodified script run with TSB-AD's ``get_metrics`` and the
reference SPOT classes swapped for tsad_fast's."""
from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    parser = sub.add_parser("accelerate", help="run an unmodified Python script with TSB-AD's "
                            "get_metrics and the reference SPOT classes swapped for tsad_fast's")
    parser.add_argument("script", help="the script to run")
    parser.add_argument("script_args", nargs=argparse.REMAINDER, help="its arguments")
    parser.set_defaults(run=run)


def run(args) -> int:
    from tsad_fast.compat.accelerate import run_script

    run_script(args.script, args.script_args)
    return 0
