"""MSUT-Net's multi-level spatial module (SPEC 2.4; a reconstruction from the paper's
abstract): three views of the variables, fused by a 1 x 1 convolution.

1. variables: mix-hop propagation over an adaptive variable graph (:mod:`.graph`);
2. groups ("attributes"): the variables softly assigned to G groups (:mod:`.group_pooling`),
   pooled, propagated over the groups' own adaptive graph, and unpooled;
3. global: the mean over all variables, projected and given back to every variable.

The fusion is a linear map of the levels concatenated (summed per level, without forming the
concatenation). ``levels`` switches levels 2 and 3 off for the ablation. Features are
channel-last, (B, T, n, D).
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from tsad_fast.nn.graph import AdaptiveGraph, MixHop
from tsad_fast.nn.group_pooling import SoftGroupPooling


class MultiLevelSpatial(nn.Module):
    def __init__(self, n_variables: int, channels: int, n_groups: int, k: int = 8,
                 levels: Sequence[int] = (1, 2, 3)):
        super().__init__()
        self.levels = tuple(sorted(set(levels)))
        self.graph = AdaptiveGraph(n_variables, k=k)
        self.variables = MixHop(channels)
        if 2 in self.levels:
            self.pooling = SoftGroupPooling(n_variables, n_groups)
            self.group_graph = AdaptiveGraph(n_groups, k=k)
            self.groups = MixHop(channels)
        if 3 in self.levels:
            self.global_view = nn.Linear(channels, channels)
        self.fuse = nn.ModuleList(nn.Linear(channels, channels, bias=i == 0)
                                  for i in range(len(self.levels)))

    def forward(self, x: torch.Tensor):
        """(spatial features (B, T, n, D), assignment regulariser (scalar))."""
        adjacency = self.graph()
        views = [self.variables(x, adjacency)]
        regularizer = x.new_zeros(())
        if 2 in self.levels:
            s = self.pooling.assignments()
            pooled = self.groups(self.pooling.pool(x, s), self.group_graph())
            views.append(self.pooling.unpool(pooled, s))
            regularizer = self.pooling.regularizer(s, adjacency)
        if 3 in self.levels:
            views.append(self.global_view(x.mean(dim=2, keepdim=True)).expand_as(x))
        return sum(fuse(view) for fuse, view in zip(self.fuse, views)), regularizer
