"""SCAN's score, read other ways from one fitted network (issue 24): each series fitted once at
the given parameters (seed 2024), its test part run through the network in the windows SCAN
scores, and the per-scale squared errors (B, T, C) and cluster confidences combined by each
rule below, then evaluated with TSB-AD's VUS-PR / VUS-ROC (slidingWindow of the test part's
first channel, as ``tsad-fast bench``). It reads test labels, so use it on the machines that
decide settings (SMD 1-6, 2-1, 2-7, 3-3) and confirm a chosen rule with ``tsad-fast bench``.

Rules (eqs. 20-22 are ``paper``): ``paper`` the errors multiplied across scales, averaged over
channels, times the confidence to gamma; ``geomean`` the geometric mean across scales
(product to the 1/3); ``sum`` summed across scales; ``finest`` the finest scale alone;
``maxchannel`` the paper's product, the largest channel instead of the mean; ``rec`` the
paper's reconstruction term alone (gamma 0).

    python benchmarks/scan_scores.py ../shared/data/smd/machine-1-6.npz ... \
        [--set PARAM=VALUE ...] --out benchmarks/results/scan/scores.parquet [--resume]
"""
from __future__ import annotations

import tsad_fast  # noqa: F401  (before torch: the OpenMP wait policy)
import torch

from tsad_fast import SCAN
from tsad_fast.nn.scan_objective import _to_length
from tsad_fast.windows import tumbling_windows, untumble

from series_runs import score_rules_main  # benchmarks/series_runs.py

EPS = 1e-12


def rules(outputs, length: int, gamma: float) -> dict:
    """{rule: (B, length) scores} of one batch of network outputs."""
    finest = outputs[-1].target.shape[1]
    errors = [_to_length((o.target - o.reconstruction).pow(2), finest)[:, :length]
              for o in outputs]
    confidence = torch.ones_like(errors[0][..., 0])
    for o in outputs:
        if o.u:
            c = _to_length(1.0 - o.u["ori"].amax(dim=-1, keepdim=True), finest)
            confidence = confidence * c[:, :length, 0]
    product = torch.stack(errors).prod(dim=0)

    def with_clu(rec):
        return (rec + EPS).pow(1.0 - gamma) * (confidence + EPS).pow(gamma)

    return {"paper": with_clu(product.mean(-1)),
            "geomean": with_clu(product.pow(1.0 / len(errors)).mean(-1)),
            "sum": with_clu(torch.stack(errors).sum(0).mean(-1)),
            "finest": with_clu(errors[-1].mean(-1)),
            "maxchannel": with_clu(product.amax(-1)),
            "rec": product.mean(-1)}


def scored(model: SCAN, X) -> dict:
    """{rule: (n,) scores} of ``X`` in SCAN's scoring windows."""
    windows, n = tumbling_windows(model._standardized(X).numpy(), model.window, tail="last")
    parts: dict = {}
    model.model_.eval()
    with torch.no_grad():
        for start in range(0, len(windows), 4):
            batch = torch.from_numpy(windows[start:start + 4]).contiguous()
            for rule, value in rules(model.model_(batch), model.window, model.gamma).items():
                parts.setdefault(rule, []).append(value)
    return {rule: untumble(torch.cat(v).double().numpy(), n, tail="last")
            for rule, v in parts.items()}


def main() -> None:
    def scores_of(params, split):
        return scored(SCAN(**params).fit(split.fit), split.test)

    score_rules_main(__doc__.split("\n\n")[0], scores_of)

if __name__ == "__main__":
    main()
