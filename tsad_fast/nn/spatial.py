"""MSUT-Net's multi-level spatial module (SPEC 2.4; a reconstruction from the paper's
abstract): three views of the variables, fused by a 1 x 1 convolution.

1. variables: mix-hop propagation over an adaptive variable graph (:mod:`.graph`);
2. groups ("attributes"): the variables softly assigned to G groups (:mod:`.group_pooling`),
   pooled, propagated over the groups' own adaptive graph, and unpooled;
3. global: the mean over the variables, projected and given back to every variable.

Every view is a mixing of the variables at the same step, and no view lets a variable read
its own value: each mixing matrix has its diagonal removed (:func:`.graph.without_self`), so
level 1 has no hop-0 term, no self-loop and no retained input of its own, level 2 reads the
other members of a variable's groups and level 3 the mean of the other variables; a variable
with nothing else to read gets zeros. Otherwise the module can pass every value straight to
the reconstruction and learns the identity.

The fusion is a linear map of the levels concatenated (summed per level, without forming the
concatenation). ``levels`` switches levels 2 and 3 off for the ablation. Features are
channel-last, (B, T, n, D).
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from tsad_fast.nn.graph import AdaptiveGraph, MixHop, mix, propagation, without_self
from tsad_fast.nn.group_pooling import SoftGroupPooling


class MultiLevelSpatial(nn.Module):
    def __init__(self, n_variables: int, channels: int, n_groups: int, k: int = 8,
                 levels: Sequence[int] = (1, 2, 3), depth: int = 2, beta: float = 0.05):
        super().__init__()
        self.levels = tuple(sorted(set(levels)))
        self.depth, self.beta = depth, beta
        self.graph = AdaptiveGraph(n_variables, k=k)
        self.variables = MixHop(channels, depth)  # hops 1..depth (hop 0 is the node itself)
        if 2 in self.levels:
            self.pooling = SoftGroupPooling(n_variables, n_groups)
            self.group_graph = AdaptiveGraph(n_groups, k=k)
            self.groups = MixHop(channels, depth + 1)  # hop 0: the variable's own groups
        if 3 in self.levels:
            self.global_view = nn.Linear(channels, channels)
        self.fuse = nn.ModuleList(nn.Linear(channels, channels, bias=i == 0)
                                  for i in range(len(self.levels)))

    def forward(self, x: torch.Tensor):
        """(spatial features (B, T, n, D), assignment regulariser (scalar))."""
        adjacency = self.graph()
        hops = propagation(adjacency, self.depth, self.beta)[1:]
        views = [self.variables(x, [without_self(q) for q in hops])]
        regularizer = x.new_zeros(())
        if 2 in self.levels:
            s = self.pooling.assignments()
            groups = propagation(self.group_graph(), self.depth, self.beta)
            views.append(self.groups(x, [without_self(self.pooling.spread(s, q))
                                         for q in groups]))
            regularizer = self.pooling.regularizer(s, adjacency)
        if 3 in self.levels:
            mean = torch.full_like(adjacency, 1.0 / adjacency.shape[0])
            views.append(self.global_view(mix(without_self(mean), x)))
        return sum(fuse(view) for fuse, view in zip(self.fuse, views)), regularizer
