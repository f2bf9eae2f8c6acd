"""SCAN's network (paper §3): multi-scale neighborhood-centered clustering and reconstruction.

A window x (B, T, C) is pooled to the scales of ``kernels`` (coarse to fine); at each scale i:
RevIN, patches of ``patch`` steps embedded to d per channel (E_i (B, N_i, C, d), flattened Ẽ_i
(B, N_i, D = d C)), the two neighborhood-centered views, three clustering branches (original,
similarity, temporal), the soft k-means of each branch for the clustering loss, the cluster
fusion across scales and with the embedding, and a per-channel head back to the series. The
returned :class:`ScaleOutput` of every scale holds what the losses and the anomaly score need.

Switches for the ablation of the paper's Table 2: ``clustering=False`` reconstructs from the
embedding alone (no branches, no fusion); ``fusion=False`` keeps the clustering (losses and
confidence score) but reconstructs from the embedding; ``trusted`` is the detector's (it only
drops a loss term).

The forward is exact but not term by term: the embedding stays factored (affine in the
patches; :class:`~tsad_fast.nn.patch_embedding.FactoredEmbedding`), the three branches'
projections come from it at once, the views are centered after projection
(:mod:`tsad_fast.nn.neighborhood`), and ``compiled=True`` compiles the representation gate
(:mod:`tsad_fast.nn.compiled`). :mod:`tsad_fast.nn.scan_reference` is the term-by-term form
on the same parameters.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

import torch
from torch import nn

from tsad_fast.nn.clustering import ClusteringBranch, SoftKMeans
from tsad_fast.nn.fusion import RepresentationGate, ScaleGate
from tsad_fast.nn.multiscale import scales
from tsad_fast.nn.neighborhood import NeighborhoodViews
from tsad_fast.nn.patch_embedding import PatchEmbedding
from tsad_fast.nn.revin import RevIN

BRANCHES = ("ori", "sim", "tim")


@dataclass
class ScaleOutput:
    """One scale's results: ``target`` and ``reconstruction`` (B, T_i, C) in the window's
    (standardised) units; per branch ``u`` memberships, ``mask`` and soft k-means ``y``
    assignments (B, N_i, K); empty dicts without clustering."""

    target: torch.Tensor
    reconstruction: torch.Tensor
    u: dict
    mask: dict
    y: dict


class ScaleBlock(nn.Module):
    def __init__(self, length: int, patch: int, n_channels: int, d: int, d_r: int,
                 n_clusters: int, coarse: bool, clustering: bool, fusion: bool,
                 compiled: bool = False):
        super().__init__()
        n_patches, features = length // patch, d * n_channels
        self.patch, self.clustering, self.fusion = patch, clustering, fusion and clustering
        self.revin = RevIN(n_channels)
        self.embed = PatchEmbedding(patch, d)
        if clustering:
            self.views = NeighborhoodViews(n_patches, features)
            self.branches = nn.ModuleDict({b: ClusteringBranch(features, d_r, n_clusters,
                                                               attend=b == "ori")
                                           for b in BRANCHES})
            self.kmeans = nn.ModuleDict({b: SoftKMeans(n_clusters, d_r) for b in BRANCHES})
        if self.fusion:
            self.scale_gate = None if coarse else ScaleGate(d_r)
            self.representation_gate = RepresentationGate(d, n_channels, d_r, compiled)
        self.head = nn.Linear(d, patch)

    def forward(self, x: torch.Tensor, coarser: Optional[torch.Tensor]):
        """(ScaleOutput, fused cluster representation F (B, N, d_r) or None)."""
        normalized, stats = self.revin.normalize(x)
        e = self.embed.factored(normalized)                          # E (B, N, C, d) factored
        u, mask, y, fused = {}, {}, {}, None
        if self.clustering:
            weights = torch.cat([self.branches[b].project.weight for b in BRANCHES])
            p = dict(zip(BRANCHES, e.linear(weights).split(weights.shape[0] // 3, dim=-1)))
            p["sim"], p["tim"] = self.views(e, p["sim"], p["tim"])
            updated = None
            for name in BRANCHES:
                h = p[name] + self.branches[name].project.bias       # (B, N, d_r)
                u[name], mask[name], centers = self.branches[name](h)
                if self.training:
                    y[name] = self.kmeans[name](h)
                if centers is not None:
                    updated = centers
            if self.fusion:
                g = u["ori"] @ updated                               # (B, N, d_r)
                fused = g if self.scale_gate is None else self.scale_gate(g, coarser)
        z = self.representation_gate(e, fused) if self.fusion else e.dense()
        return self.output(x, z, stats, u, mask, y), fused

    def output(self, x, z, stats, u, mask, y) -> ScaleOutput:
        """The head on Z (B, N, C, d) back to the series, RevIN-denormalised."""
        patches = self.head(z)                                       # (B, N, C, patch)
        out = patches.permute(0, 1, 3, 2).reshape(x.shape[0], -1, x.shape[2])
        return ScaleOutput(x, self.revin.denormalize(out, stats), u, mask, y)


class SCANNetwork(nn.Module):
    """x (B, T, C) -> one :class:`ScaleOutput` per scale (coarse to fine)."""

    def __init__(self, n_channels: int, window: int, kernels: Sequence[int] = (25, 5, 1),
                 patch: int = 5, d: int = 256, d_r: int = 64, n_clusters: int = 10,
                 clustering: bool = True, fusion: bool = True, compiled: bool = False):
        super().__init__()
        self.kernels = tuple(kernels)
        lengths = [-(-window // k) for k in self.kernels]
        self.lengths = [-(-n // patch) * patch for n in lengths]  # padded to whole patches
        self.blocks = nn.ModuleList(
            ScaleBlock(length, patch, n_channels, d, d_r, n_clusters, i == 0, clustering, fusion,
                       compiled)
            for i, length in enumerate(self.lengths))

    def scale_inputs(self, x: torch.Tensor) -> List[torch.Tensor]:
        """x (B, T, C) pooled to every scale, each padded to whole patches by repeating its
        last step."""
        inputs = []
        for xi, length in zip(scales(x, self.kernels), self.lengths):
            if xi.shape[1] < length:
                xi = torch.cat([xi, xi[:, -1:].expand(-1, length - xi.shape[1], -1)], dim=1)
            inputs.append(xi)
        return inputs

    def forward(self, x: torch.Tensor) -> List[ScaleOutput]:
        outputs, fused = [], None
        for block, xi in zip(self.blocks, self.scale_inputs(x)):
            out, fused = block(xi, fused)
            outputs.append(out)
        return outputs
