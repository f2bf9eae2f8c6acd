"""MSUT-Net's score, read other ways from one fitted network (issue 25): each series fitted once
at the given parameters (seed 2024; ``--set objective=branches`` trains each branch to
reconstruct alone too), the training and test parts run through the network in its scoring
windows, each reconstruction's squared errors normalised per channel by the median and
interquartile range of its errors on the training part, combined by each rule below, and
evaluated with TSB-AD's VUS-PR / VUS-ROC (slidingWindow of the test part's first channel, as
``tsad-fast bench``). It reads test labels, so use it on the machines that decide settings
(SMD 1-6, 2-1, 2-7, 3-3) and confirm a chosen rule with ``tsad-fast bench``.

Rules: ``fused`` the fused reconstruction (the detector's score with ``objective="fused"``);
``spatial`` and ``temporal`` each branch through the head alone; ``branches`` the mean of
those two (``objective="branches"``); ``all`` the mean of the three; ``max`` the larger of
the two branches per point.

    python benchmarks/msut_scores.py ../shared/data/smd/machine-1-6.npz ... \\
        [--set PARAM=VALUE ...] --out benchmarks/results/msutnet/scores.parquet [--resume]
"""
from __future__ import annotations

import tsad_fast  # noqa: F401  (before torch: the OpenMP wait policy)
import numpy as np
import torch

from tsad_fast import MSUTNet
from tsad_fast.windows import overlapping_windows, unoverlap

from series_runs import score_rules_main  # benchmarks/series_runs.py

PARTS = ("fused", "spatial", "temporal")


def errors(model: MSUTNet, X) -> dict:
    """{part: (n, C) squared errors averaged over the scoring windows}."""
    stride = model.score_stride or max(model.window // 2, 1)
    windows, starts, n = overlapping_windows(model._standardized(X).numpy(), model.window,
                                             stride)
    out: dict = {part: [] for part in PARTS}
    model.model_.eval()
    with torch.no_grad():
        for start in range(0, len(windows), 64):
            batch = torch.from_numpy(windows[start:start + 64]).contiguous()
            for part, rec in zip(PARTS, [model.model_(batch, branches=True)[i]
                                         for i in (0, 2, 3)]):
                out[part].append((rec - batch).pow(2))
    return {part: unoverlap(torch.cat(v).double().numpy(), starts, n) for part, v in out.items()}


def rules(train: dict, test: dict) -> dict:
    """{rule: (n,) scores} from the per-part errors of the training and test parts."""
    z = {}
    for part in PARTS:
        q75, median, q25 = np.percentile(train[part], [75, 50, 25], axis=0)
        z[part] = (test[part] - median) / np.maximum(q75 - q25, 1e-6)
    return {"fused": z["fused"].mean(1), "spatial": z["spatial"].mean(1),
            "temporal": z["temporal"].mean(1),
            "branches": (z["spatial"] + z["temporal"]).mean(1) / 2,
            "all": (z["fused"] + z["spatial"] + z["temporal"]).mean(1) / 3,
            "max": np.maximum(z["spatial"].mean(1), z["temporal"].mean(1))}


def main() -> None:
    def scores_of(params, split):
        model = MSUTNet(**params).fit(split.fit)
        return rules(errors(model, split.fit), errors(model, split.test))

    score_rules_main(__doc__.split("\n\n")[0], scores_of)

if __name__ == "__main__":
    main()
