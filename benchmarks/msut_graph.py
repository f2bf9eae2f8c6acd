"""MSUT-Net's learned graph and groups on one SMD machine against its interpretation labels:
the default network fitted on the machine's training part (seed 2024) and saved, then how
many pairs of channels blamed together at some anomalous point (``dim_label``) share a group
or an edge, beside the rate among all pairs. Draw the graph with ``tsad-fast graph``.

    python benchmarks/msut_graph.py ../shared/data/smd/machine-1-6.npz --model msut.pt \
        --out benchmarks/results/msutnet/graph-machine-1-6.json
"""
from __future__ import annotations

import argparse
import json

import tsad_fast  # noqa: F401  (before torch: the OpenMP wait policy)
import numpy as np

from tsad_fast import MSUTNet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data")
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    data = np.load(args.data)
    model = MSUTNet(verbose=0, n_threads=2, seed=2024).fit(data["train"])
    model.save(args.model)
    blamed = data["dim_label"].astype(int)
    together = (blamed.T @ blamed) > 0
    off = ~np.eye(together.shape[0], dtype=bool)
    together &= off
    same_group = (model.groups_[:, None] == model.groups_[None, :]) & off
    edge = model.graph_ > 0
    summary = {
        "groups": model.groups_.tolist(), "groups_used": len(set(model.groups_.tolist())),
        "pairs": int(off.sum() // 2), "pairs_blamed_together": int(together.sum() // 2),
        "pairs_in_one_group": int(same_group.sum() // 2),
        "pairs_blamed_together_in_one_group": int((together & same_group).sum() // 2),
        "edges": int(edge.sum()), "edges_between_channels_blamed_together":
            int((edge & together).sum()),
        "in_degree_top5": [[int(v), int(edge[:, v].sum())]
                           for v in np.argsort(-edge.sum(axis=0))[:5]],
    }
    with open(args.out, "w") as handle:
        json.dump(summary, handle, indent=1)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
