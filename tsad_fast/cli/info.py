"""`tsad-fast info`: the build (show_config)."""
from __future__ import annotations

from tsad_fast.config import show_config


def add_parser(sub) -> None:
    parser = sub.add_parser("info", help="show the build: backends, OpenMP, CUDA")
    parser.set_defaults(run=run)


def run(args) -> int:
    show_config()
    return 0
