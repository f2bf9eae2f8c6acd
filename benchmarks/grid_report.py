"""The tables of a detector's grid from its Parquets (``benchmarks/gboc_grid.sh`` ->
benchmarks/results/gboc, ``benchmarks/detector_grid.sh scan|msutnet`` ->
benchmarks/results/scan|msutnet): for every
configuration, the mean VUS-PR / VUS-ROC over the SMD decision half (machines 1-6, 2-1, 2-7,
3-3), the confirmation half (1-7, 2-2, 2-8, 3-4) and all 8, the UCR mean and the mean fit
seconds; then the per-machine VUS-PR of chosen configurations beside the classical baselines
(``baselines.parquet`` of the GBOC grid: the same series, protocol and seed).

    python benchmarks/grid_report.py [--grid gboc] [--configs authors combined ...] \
        [--machines authors ...]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"
DEV = ("machine-1-6", "machine-2-1", "machine-2-7", "machine-3-3")
CONFIRM = ("machine-1-7", "machine-2-2", "machine-2-8", "machine-3-4")


def rows(grid: str, name: str) -> pd.DataFrame:
    """The 'ok' rows of a configuration of ``grid`` (SMD and UCR), labelled by configuration,
    or by detector for the baselines (always the GBOC grid's)."""
    folder = RESULTS / ("gboc" if name == "baselines" else grid)
    parts = []
    for path in (folder / f"{name}.parquet", folder / f"{name}-ucr.parquet"):
        if not path.exists():
            continue
        part = pd.read_parquet(path)
        part = part[part["status"] == "ok"]
        if name != "baselines":  # rows of an interrupted earlier run (other params) left out
            counts = part.groupby("params")["series"].count()
            part = part[part["params"] == counts.idxmax()]
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    frame["config"] = frame["detector"] if name == "baselines" else name
    return frame


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for config, group in frame.groupby("config", sort=False):
        smd = group[group["series"].str.startswith("machine-")].set_index("series")
        ucr = group[~group["series"].str.startswith("machine-")]
        entry = {}
        for label, names in (("dev", DEV), ("confirm", CONFIRM), ("all 8", DEV + CONFIRM)):
            present = smd.reindex([n for n in names if n in smd.index])
            entry[f"{label} VUS-PR"] = present["VUS-PR"].mean() if len(present) == len(names) \
                else float("nan")
            entry[f"{label} VUS-ROC"] = present["VUS-ROC"].mean() if len(present) == len(names) \
                else float("nan")
        entry["UCR VUS-PR"] = ucr["VUS-PR"].mean() if len(ucr) == 4 else float("nan")
        entry["SMD fit s"] = smd["fit_seconds"].mean()
        out[config] = entry
    return pd.DataFrame(out).T


def markdown(frame: pd.DataFrame) -> str:
    """A Markdown table of ``frame`` (index first), numbers to 4 decimals."""
    def cell(value):
        return f"{value:.4f}" if isinstance(value, float) else str(value)

    head = [frame.index.name or ""] + [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for index, row in frame.iterrows():
        lines.append("| " + " | ".join([str(index)] + [cell(v) for v in row]) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grid", default="gboc", help="gboc, scan or msutnet")
    parser.add_argument("--configs", nargs="*")
    parser.add_argument("--machines", nargs="*", default=["authors", "combined"])
    args = parser.parse_args()
    names = args.configs or sorted({p.name.split(".")[0].removesuffix("-ucr")
                                    for p in (RESULTS / args.grid).glob("*.parquet")
                                    if not p.name.startswith(("epochs", "scores"))})
    frame = pd.concat([rows(args.grid, n) for n in names], ignore_index=True)
    print(markdown(summary(frame)))
    per = pd.concat([rows(args.grid, n) for n in ["baselines", *args.machines]],
                    ignore_index=True)
    print()
    print(markdown(per.pivot_table(index="series", columns="config", values="VUS-PR")))


if __name__ == "__main__":
    main()
