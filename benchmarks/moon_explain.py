"""Moon's explanations over the true positives of split60 (issue 26): HitRate@P% / NDCG@P% by
Kernel SHAP coalitions, one Parquet row per explained timestamp.

For each SMD machine: Moon as in ``benchmarks/moon_grid.sh best-f1`` (seed 2024, the cut with
the best F1 on the last 20 % of the fit part) is fitted on the first 60 % of the labelled rows
and saved under MODELS (a later run loads it instead of fitting again); the rest is scored, and
its true positives that name a cause (interpretation labels) are explained at each coalition
count: all of them, or a seeded sample of ``--sample`` (``--subset`` of that sample, spread
evenly over it, for the counts in ``--subset-coalitions``). Rows already in the output are skipped, so an
interrupted run resumes.

    python benchmarks/moon_explain.py --machines 2-7 3-3 --coalitions 256 \
        --subset-coalitions 64 2048 --sample 40 --subset 8
    python benchmarks/moon_explain.py --machines 1-7 2-1 3-4 1-6 --coalitions 256 --sample 40
    python benchmarks/moon_explain.py --report      # the table of benchmarks/results

Each row: machine, t, coalitions, seconds, the fused contributions (38 floats), the two
modalities' attributions they fuse (so another fusion weight can be scored from the file) and
the interpretation label's causes, so any metric can be recomputed.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TSAD_FAST_DATA", ROOT.parent / "shared" / "data"))
OUT = ROOT / "benchmarks" / "results" / "supervised" / "moon-explain-split60.parquet"
MODELS = Path(os.environ.get("MODELS", ROOT / "build" / "moon-explain"))
DEV = ("1-6", "2-1", "2-7", "3-3")
CONFIRM = ("1-7", "2-2", "2-8", "3-4")


def _fitted(machine: str, split):
    from tsad_fast import Moon

    path = MODELS / f"machine-{machine}.tsad"
    if path.exists():
        return Moon.load(path), 0.0
    model = Moon(threshold="best-f1", validation_size=0.2, seed=2024, verbose=0, n_threads=2)
    start = time.perf_counter()
    model.fit(split.fit, split.fit_labels)
    seconds = time.perf_counter() - start
    MODELS.mkdir(parents=True, exist_ok=True)
    model.save(path)
    return model, seconds


def _done(out: Path):
    import pandas as pd

    if not out.exists():
        return pd.DataFrame(), set()
    table = pd.read_parquet(out)
    return table, set(zip(table["machine"], table["t"], table["coalitions"]))


def run(args) -> None:
    import pandas as pd

    from tsad_fast.bench.inputs import expand, load

    table, done = _done(args.out)
    rows = []

    def flush():
        nonlocal table
        if rows:
            table = pd.concat([table, pd.DataFrame(rows)], ignore_index=True)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            table.to_parquet(args.out)
            rows.clear()

    for machine in args.machines:
        split = load(expand(DATA / "smd" / f"machine-{machine}.npz")[0], "split60")
        try:
            model, fit_seconds = _fitted(machine, split)
        except ValueError as exc:  # e.g. one class among the training rows
            print(f"machine-{machine}: skipped ({exc})")
            continue
        scores = model.decision_function(split.test)
        dims = split.dim_labels
        hits = np.flatnonzero((scores > model.threshold_) & (split.labels == 1)
                              & (dims.sum(axis=1) > 0))
        sample = hits if hits.size <= args.sample else np.sort(
            np.random.default_rng(2024).choice(hits, args.sample, replace=False))
        print(f"machine-{machine}: fit {fit_seconds:.0f} s, {hits.size} true positives, "
              f"explaining {sample.size}", flush=True)
        spread = sample[np.unique(np.linspace(0, sample.size - 1, min(args.subset, sample.size))
                                  .astype(int))] if sample.size else sample
        plan = [(k, sample) for k in args.coalitions] + \
               [(k, spread) for k in args.subset_coalitions]
        for k, timestamps in plan:
            for t in timestamps:
                if (f"machine-{machine}", int(t), k) in done:
                    continue
                start = time.perf_counter()
                explanation = model.explain(split.test, int(t), n_coalitions=k)
                rows.append({"machine": f"machine-{machine}", "t": int(t), "coalitions": k,
                             "n_true_positives": int(hits.size),
                             "seconds": time.perf_counter() - start,
                             "contributions": explanation.contributions.tolist(),
                             "raw_shap": explanation.raw_shap.tolist(),
                             "mtf_shap": explanation.mtf_shap.tolist(),
                             "causes": np.flatnonzero(dims[t]).tolist()})
                if len(rows) >= 10:
                    flush()
            flush()
            print(f"machine-{machine}: {k} coalitions done", flush=True)


def report(path: Path) -> None:
    import pandas as pd

    from tsad_fast.metrics import hit_rate_at_p, ndcg_at_p

    table = pd.read_parquet(path)
    c = len(table["contributions"].iloc[0])
    summary = []
    for (machine, k), part in table.groupby(["machine", "coalitions"]):
        attributions = np.stack(part["contributions"].to_numpy())
        causes = np.zeros((len(part), c))
        for i, cause in enumerate(part["causes"]):
            causes[i, cause] = 1
        summary.append({"machine": machine, "coalitions": k, "n": len(part),
                        "n_true_positives": int(part["n_true_positives"].iloc[0]),
                        "Hit@100%": hit_rate_at_p(causes, attributions, 1.0),
                        "Hit@150%": hit_rate_at_p(causes, attributions, 1.5),
                        "NDCG@100%": ndcg_at_p(causes, attributions, 1.0),
                        "NDCG@150%": ndcg_at_p(causes, attributions, 1.5),
                        "seconds": part["seconds"].mean()})
    summary = pd.DataFrame(summary)
    summary["half"] = np.where(summary["machine"].str[8:].isin(DEV), "dev", "confirm")
    print(summary.round(3).to_string(index=False))
    metrics = ["Hit@100%", "Hit@150%", "NDCG@100%", "NDCG@150%", "seconds"]
    print("\nmean over machines (each machine weighs the same):")
    print(summary.groupby(["half", "coalitions"])[metrics + ["n"]].agg(
        {**{m: "mean" for m in metrics}, "n": "sum"}).round(3).to_string())
    counts = sorted(table["coalitions"].unique())
    if len(counts) > 1:  # the same timestamps at every count: a paired comparison
        every = table.groupby(["machine", "t"])["coalitions"].transform("nunique") == len(counts)
        paired = table[every]
        print(f"\npaired: the {paired.groupby(['machine', 't']).ngroups} timestamps explained "
              f"at every count {[int(k) for k in counts]}; agreement of the top-5 with {counts[-1]} coalitions:")
        reference = {(m, t): np.argsort(-np.asarray(c))[:5] for m, t, k, c in zip(
            paired["machine"], paired["t"], paired["coalitions"], paired["contributions"])
            if k == counts[-1]}
        rows = []
        for k, part in paired.groupby("coalitions"):
            attributions = np.stack(part["contributions"].to_numpy())
            causes = np.zeros((len(part), c))
            for i, cause in enumerate(part["causes"]):
                causes[i, cause] = 1
            top = [len(set(np.argsort(-np.asarray(a))[:5]) & set(reference[(m, t)])) / 5
                   for m, t, a in zip(part["machine"], part["t"], part["contributions"])]
            rows.append({"coalitions": k, "n": len(part),
                         "Hit@100%": hit_rate_at_p(causes, attributions, 1.0),
                         "Hit@150%": hit_rate_at_p(causes, attributions, 1.5),
                         "NDCG@100%": ndcg_at_p(causes, attributions, 1.0),
                         "top-5 shared": float(np.mean(top)),
                         "seconds": part["seconds"].mean()})
        print(pd.DataFrame(rows).round(3).to_string(index=False))
    omega_sweep(table[table["coalitions"] == 256], c)


def omega_sweep(table, c: int) -> None:
    """HitRate/NDCG of the fusion weight omega, rescored from the stored modality attributions
    (eq. 17 applied again; rows written before those were stored are left out), per half with
    each machine weighing the same."""
    import pandas as pd

    table = table[table["raw_shap"].notna()]

    from tsad_fast.explain.multimodal import fuse
    from tsad_fast.metrics import hit_rate_at_p, ndcg_at_p

    rows = []
    for omega in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        for machine, part in table.groupby("machine"):
            attributions = np.stack([fuse(np.asarray(r), np.asarray(g), omega) for r, g in
                                     zip(part["raw_shap"], part["mtf_shap"])])
            causes = np.zeros((len(part), c))
            for i, cause in enumerate(part["causes"]):
                causes[i, cause] = 1
            rows.append({"omega": omega, "machine": machine,
                         "half": "dev" if machine[8:] in DEV else "confirm",
                         "Hit@100%": hit_rate_at_p(causes, attributions, 1.0),
                         "Hit@150%": hit_rate_at_p(causes, attributions, 1.5),
                         "NDCG@100%": ndcg_at_p(causes, attributions, 1.0),
                         "NDCG@150%": ndcg_at_p(causes, attributions, 1.5)})
    machines = sorted(table["machine"].unique())
    print(f"\nfusion weight omega (256 coalitions; machines {machines}; mean over machines):")
    print(pd.DataFrame(rows).groupby(["half", "omega"])[
        ["Hit@100%", "Hit@150%", "NDCG@100%", "NDCG@150%"]].mean().round(3).to_string())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--machines", nargs="+", default=list(DEV + CONFIRM))
    parser.add_argument("--coalitions", nargs="+", type=int, default=[256])
    parser.add_argument("--subset-coalitions", nargs="*", type=int, default=[])
    parser.add_argument("--sample", type=int, default=10**9,
                        help="at most this many true positives per machine (seeded)")
    parser.add_argument("--subset", type=int, default=16)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--report", action="store_true")
    args = parser.parse_args()
    if args.report:
        report(args.out)
    else:
        run(args)


if __name__ == "__main__":
    main()
