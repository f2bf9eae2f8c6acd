"""Hierarchical cluster fusion (SCAN §3.3).

* :class:`ScaleGate` (inter-scale, eqs. 14-15): ``F_i = a * G_i + (1 - a) * F~_{i-1}`` with
  ``a = sigmoid(Linear(2 d_r -> d_r)[G_i; F~_{i-1}])`` and F~ the coarser scale's fused
  representation linearly interpolated to this scale's patches;
* :class:`RepresentationGate` (intra-scale, eqs. 16-17): the fused cluster representation
  projected back to the embedding space (``E_clu = Linear(d_r -> d C)``) and mixed with the
  embedding per channel, ``Z = b * E + (1 - b) * E_clu``, ``b = sigmoid(Linear(2 d -> d)[E;
  E_clu])``. The gate's embedding half ``E W_Eᵀ`` is taken from the factored embedding
  (affine in the patches, :class:`~tsad_fast.nn.patch_embedding.FactoredEmbedding`) and the
  mix is one ``lerp``; :mod:`tsad_fast.nn.scan_reference` computes it term by term.
"""
from __future__ import annotations

import torch
from torch import nn

from tsad_fast.nn.compiled import Compiled
from tsad_fast.nn.patch_embedding import FactoredEmbedding


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


def mix(a: torch.Tensor, weight: torch.Tensor, pos: torch.Tensor, f: torch.Tensor,
        project_weight: torch.Tensor, project_bias: torch.Tensor, gate_weight: torch.Tensor,
        gate_bias: torch.Tensor) -> torch.Tensor:
    """Eqs. 16-17 on the factored embedding E (``a``, ``weight``, ``pos``, see
    :class:`~tsad_fast.nn.patch_embedding.FactoredEmbedding`) and F (B, N, d_r): Z (B, N, C, d)."""
    d, channels = weight.shape[0], a.shape[2]
    e_clu = nn.functional.linear(f, project_weight, project_bias)
    e_clu = e_clu.reshape(*f.shape[:2], channels, d)
    w_e, w_clu = gate_weight.split(d, dim=1)         # [E; E_clu] W = E W_E + E_clu W_clu
    own = FactoredEmbedding(a, w_e @ weight, pos @ w_e.T).dense()
    beta = torch.sigmoid(own + nn.functional.linear(e_clu, w_clu, gate_bias))
    return torch.lerp(e_clu, FactoredEmbedding(a, weight, pos).dense(), beta)


_MIX = Compiled(mix, batch_args=(0, 3))


class RepresentationGate(nn.Module):
    """(E (B, N, C, d) factored, F (B, N, d_r)) -> Z (B, N, C, d); with ``compiled`` the mix
    runs compiled (:mod:`tsad_fast.nn.compiled`: its elementwise steps fused into a few passes
    over the (B, N, C, d) tensors)."""

    def __init__(self, d: int, n_channels: int, d_r: int, compiled: bool = False):
        super().__init__()
        self.d, self.n_channels, self.compiled = d, n_channels, compiled
        self.project = nn.Linear(d_r, d * n_channels)
        self.gate = nn.Linear(2 * d, d)

    def forward(self, e: FactoredEmbedding, f: torch.Tensor) -> torch.Tensor:
        return _MIX(e.a, e.weight, e.pos, f, self.project.weight, self.project.bias,
                    self.gate.weight, self.gate.bias, enabled=self.compiled)
