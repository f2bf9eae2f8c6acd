"""MSUT-Net's network (a reconstruction from the paper's abstract, which publishes
no architecture details): a window x (B, T, C) is embedded per variable and step (a 1 x 1
convolution to D channels, i.e. a linear map of each value, plus learned variable
embeddings), read by the multi-level spatial module and, in parallel, by the unified temporal
module; the two are mixed by a learned gate (``Z = g S + (1 - g) T``, ``g = sigmoid(W[S;
T])``) and a linear map back to one value per variable and step reconstructs the window.
Every block after the embedding reads a value's context only (the spatial module the other
variables at its step, the temporal module the other steps; the gate and the head act per
variable and step), so the reconstruction of a value does not depend on the value itself
(``temporal="encoder"``, an option, lets it through the temporal bottleneck).
Features are channel-last, (B, T, C, D). The embedding is an affine map of each value and
both modules start with linear maps of it, so they read the values with the embedding's weight
and offset (their ``affine`` methods) and the (B, T, C, D) embedded features are never formed.

``spatial=False`` keeps the temporal module alone (an ablation); the spatial levels are
chosen by ``levels``.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from tsad_fast.nn.spatial import MultiLevelSpatial
from tsad_fast.nn.temporal import UnifiedTemporal


class MSUTNetwork(nn.Module):
    """x (B, T, C) -> (reconstruction (B, T, C), assignment regulariser)."""

    def __init__(self, n_variables: int, channels: int = 64, n_groups: int = 1, k: int = 8,
                 d_model: int = 128, heads: int = 4, layers: int = 2,
                 levels: Sequence[int] = (1, 2, 3), spatial: bool = True,
                 temporal: str = "context", gap: int = 0):
        super().__init__()
        self.embed = nn.Linear(1, channels)
        self.variable_embedding = nn.Parameter(0.02 * torch.randn(n_variables, channels))
        self.spatial = MultiLevelSpatial(n_variables, channels, n_groups, k, levels) \
            if spatial else None
        self.temporal = UnifiedTemporal(n_variables, channels, d_model, heads, layers,
                                        mode=temporal, gap=gap)
        if spatial:
            self.gate_spatial = nn.Linear(channels, channels)
            self.gate_temporal = nn.Linear(channels, channels, bias=False)
        self.head = nn.Linear(channels, 1)

    def forward(self, x: torch.Tensor, branches: bool = False):
        """x (B, T, C) -> (reconstruction (B, T, C), regulariser); with ``branches`` also
        each branch's reconstruction through the head alone, spatial then temporal (each
        (B, T, C); both None without the spatial module, whose fused reconstruction is the
        temporal one)."""
        weight, offset = self.embed.weight[:, 0], self.embed.bias + self.variable_embedding
        temporal = self.temporal.affine(x, weight, offset)                  # (B, T, C, D)
        regularizer = x.new_zeros(())
        if self.spatial is None:
            out = self.head(temporal)[..., 0]
            return (out, regularizer, None, None) if branches else (out, regularizer)
        operator, constant, regularizer = self.spatial.affine(x, weight, offset)
        readout = self.gate_spatial.weight.T                              # the gate's spatial part
        rows = x.reshape(-1, x.shape[-1])
        spatial = (rows @ operator.flatten(1)).view_as(temporal).add_(constant)
        gate = (rows @ (operator @ readout).flatten(1)).view_as(temporal)
        gate.add_(constant @ readout + self.gate_spatial.bias)
        gate.view(-1, gate.shape[-1]).addmm_(temporal.reshape(-1, temporal.shape[-1]),
                                             self.gate_temporal.weight.T)
        z = torch.lerp(temporal, spatial, gate.sigmoid_())              # g S + (1 - g) T
        out = self.head(z)[..., 0]
        if not branches:
            return out, regularizer
        return out, regularizer, self.head(spatial)[..., 0], self.head(temporal)[..., 0]

    def graph(self) -> torch.Tensor:
        """The learned variable graph (C, C)."""
        return self.spatial.graph()

    def groups(self) -> torch.Tensor:
        """Each variable's group (C,), the argmax of its soft assignment."""
        return self.spatial.pooling.assignments().argmax(dim=1)
