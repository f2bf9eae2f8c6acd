"""`tsad-fast graph`: heat map of a saved MSUTNet's learned variable graph."""
from __future__ import annotations

from tsad_fast.tables import existing


def add_parser(sub) -> None:
    parser = sub.add_parser("graph", help="heat map of a saved MSUTNet's learned variable graph")
    parser.add_argument("model", help="a file written by MSUTNet.save")
    parser.add_argument("--out", default="msut_graph.png", help="PNG to write")
    parser.set_defaults(run=run)


def run(args) -> int:
    from tsad_fast.detectors import MSUTNet
    from tsad_fast.plots import plot_graph

    model = MSUTNet.load(existing(args.model, "model"))
    if model.graph_ is None:
        raise ValueError(f"model file {args.model!r}: this MSUTNet has no spatial module")
    plot_graph(args.out, model.graph_, model.groups_)
    groups = "" if model.groups_ is None else f", {len(set(model.groups_.tolist()))} groups"
    print(f"graph of {model.graph_.shape[0]} variables{groups} written to {args.out}")
    return 0
