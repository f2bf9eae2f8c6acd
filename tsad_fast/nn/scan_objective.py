"""SCAN's training objective (eq. 19) and anomaly score (eqs. 20-22), from the per-scale
outputs of :class:`tsad_fast.nn.scan_network.SCANNetwork`.

Loss ``sum_i MSE(X_i, X^_i) + l1 L_clu + l2 L_ent + l3 L_con`` with L_clu summed over scales
and the three branches, L_ent and L_con over scales and the two neighborhood branches.

Score per window: per scale the squared reconstruction error (T_i, C) and the anomaly
confidence ``1 - max_k U_i`` (N_i,), each linearly interpolated to the window's T steps and
multiplied across scales; the error averaged over channels; then
``S = (S_rec + eps)^(1 - gamma) * (S_clu + eps)^gamma``.
"""
from __future__ import annotations

from typing import Dict, Sequence, Tuple

import torch
from torch import nn

from tsad_fast.nn.clustering import clustering_loss, consistency_loss, trusted_supervision_loss
from tsad_fast.nn.scan_network import BRANCHES, ScaleOutput

NEIGHBORHOOD = BRANCHES[1:]


def loss(outputs: Sequence[ScaleOutput], lambdas: Tuple[float, float, float],
         trusted: bool = True) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
    """(total loss, parts {"reconstruction", "clustering", "trusted", "consistency"})."""
    zero = outputs[0].target.new_zeros(())
    parts = {"reconstruction": zero, "clustering": zero, "trusted": zero, "consistency": zero}
    for out in outputs:
        parts["reconstruction"] = parts["reconstruction"] + nn.functional.mse_loss(
            out.reconstruction, out.target)
        if not out.u:
            continue
        for name in BRANCHES:
            if name in out.y:
                parts["clustering"] = parts["clustering"] + clustering_loss(out.y[name],
                                                                          out.mask[name])
        for name in NEIGHBORHOOD:
            parts["consistency"] = parts["consistency"] + consistency_loss(out.u[name],
                                                                         out.u["ori"])
            supervised = trusted_supervision_loss(out.u[name], out.u["ori"]) if trusted else None
            if supervised is not None:
                parts["trusted"] = parts["trusted"] + supervised
    l1, l2, l3 = lambdas
    total = (parts["reconstruction"] + l1 * parts["clustering"] + l2 * parts["trusted"]
             + l3 * parts["consistency"])
    return total, parts


def _to_length(values: torch.Tensor, length: int) -> torch.Tensor:
    """values (B, L', F) linearly interpolated along time to (B, length, F)."""
    if values.shape[1] == length:
        return values
    return nn.functional.interpolate(values.transpose(1, 2), size=length, mode="linear",
                                     align_corners=False).transpose(1, 2)


def anomaly_score(outputs: Sequence[ScaleOutput], length: int, gamma: float = 0.25,
                  eps: float = 1e-12) -> torch.Tensor:
    """Scores (B, length) of the windows; ``length`` is the window's T (the finest scale's
    reconstruction may be longer by its patch padding). Without clustering (no memberships)
    the score is the reconstruction term alone, whatever gamma."""
    finest = outputs[-1].target.shape[1]
    rec = None
    clu = None
    for out in outputs:
        error = _to_length((out.target - out.reconstruction).pow(2), finest)
        rec = error if rec is None else rec * error
        if out.u:
            confidence = 1.0 - out.u["ori"].amax(dim=-1, keepdim=True)       # (B, N_i, 1)
            confidence = _to_length(confidence, finest)
            clu = confidence if clu is None else clu * confidence
    s_rec = rec.mean(dim=-1)[:, :length]
    if clu is None:
        return s_rec
    s_clu = clu[..., 0][:, :length]
    return (s_rec + eps).pow(1.0 - gamma) * (s_clu + eps).pow(gamma)
