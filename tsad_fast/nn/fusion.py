"""Hierarchical cluster fusion (SCAN §3.3, SPEC 2.3).

* :class:`ScaleGate` (inter-scale, eqs. 14-15): ``F_i = a * G_i + (1 - a) * F~_{i-1}`` with
  ``a = sigmoid(Linear(2 d_r -> d_r)[G_i; F~_{i-1}])`` and F~ the coarser scale's fused
  representation linearly interpolated to this scale's patches;
* :class:`RepresentationGate` (intra-scale, eqs. 16-17): the fused cluster representation
  projected back to the embedding space (``E_clu = Linear(d_r -> d C)``) and mixed with the
  embedding per channel, ``Z = b * E + (1 - b) * E_clu``, ``b = sigmoid(Linear(2 d -> d)[E;
  E_clu])``.
"""
from __future__ import annotations

import torch
from torch import nn


def interpolate_patches(f: torch.Tensor, n: int) -> torch.Tensor:
    """f (B, N', d) linearly interpolated along the patches to (B, n, d)."""
    return nn.functional.interpolate(f.transpose(1, 2), size=n, mode="linear",
                                     align_corners=False).transpose(1, 2)


class ScaleGate(nn.Module):
    def __init__(self, d_r: int):
        super().__init__()
        self.gate = nn.Linear(2 * d_r, d_r)

    def forward(self, g: torch.Tensor, coarser: torch.Tensor) -> torch.Tensor:
        coarser = interpolate_patches(coarser, g.shape[1])
        alpha = torch.sigmoid(self.gate(torch.cat([g, coarser], dim=-1)))
        return alpha * g + (1.0 - alpha) * coarser


class RepresentationGate(nn.Module):
    """(E (B, N, C, d), F (B, N, d_r)) -> Z (B, N, C, d)."""

    def __init__(self, d: int, n_channels: int, d_r: int):
        super().__init__()
        self.d, self.n_channels = d, n_channels
        self.project = nn.Linear(d_r, d * n_channels)
        self.gate = nn.Linear(2 * d, d)

    def forward(self, e: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
        e_clu = self.project(f).reshape(*f.shape[:2], self.n_channels, self.d)
        beta = torch.sigmoid(self.gate(torch.cat([e, e_clu], dim=-1)))
        return beta * e + (1.0 - beta) * e_clu
