"""MSUT-Net's multi-level spatial module (a reconstruction from the paper's
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
concatenation). Every view and the fusion are linear, so the module is a sum of K mixings of
the variables, each followed by one channel map (:meth:`MultiLevelSpatial.operators`); on
features that are an affine map of one value per variable and step (MSUT-Net's embedding),
:meth:`MultiLevelSpatial.affine` maps the values themselves, B T n n D multiply-adds instead of
B T n D (K n + K D) for the features. ``levels`` switches levels 2 and 3 off for
the ablation. Features are channel-last, (B, T, n, D).
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

    def _views(self):
        """Each level as its terms (mixing (n, n), linear map), and the regulariser."""
        adjacency = self.graph()
        hops = propagation(adjacency, self.depth, self.beta)[1:]
        views = [list(zip([without_self(q) for q in hops], self.variables.maps))]
        regularizer = adjacency.new_zeros(())
        if 2 in self.levels:
            s = self.pooling.assignments()
            groups = propagation(self.group_graph(), self.depth, self.beta)
            views.append(list(zip([without_self(self.pooling.spread(s, q)) for q in groups],
                                  self.groups.maps)))
            regularizer = self.pooling.regularizer(s, adjacency)
        if 3 in self.levels:
            mean = torch.full_like(adjacency, 1.0 / adjacency.shape[0])
            views.append([(without_self(mean), self.global_view)])
        return views, regularizer

    def forward(self, x: torch.Tensor):
        """x (B, T, n, D) -> (spatial features (B, T, n, D), assignment regulariser (scalar)),
        the levels written out: each term's mixing, its linear map, the fusion."""
        views, regularizer = self._views()
        out = sum(fuse(sum(linear(mix(p, x)) for p, linear in terms))
                  for fuse, terms in zip(self.fuse, views))
        return out, regularizer

    def operators(self):
        """The module as K terms: mixings (K, n, n), maps (K, D, D) (each a level's fusion
        times a term's linear map), bias (D,) and the regulariser, so that the output is
        ``sum_k (P_k x) M_kᵀ + bias`` (mixing and channel maps commute)."""
        views, regularizer = self._views()
        mixings, maps, bias = [], [], 0.0
        for fuse, terms in zip(self.fuse, views):
            for p, linear in terms:
                mixings.append(p)
                maps.append(fuse.weight @ linear.weight)
                if linear.bias is not None:
                    bias = bias + fuse.weight @ linear.bias
            if fuse.bias is not None:
                bias = bias + fuse.bias
        return torch.stack(mixings), torch.stack(maps), bias, regularizer

    def affine(self, values: torch.Tensor, weight: torch.Tensor, offset: torch.Tensor):
        """:meth:`forward` on features ``values[..., None] * weight + offset`` (values
        (B, T, n), weight (D,), offset (n, D)) without forming them: on such features the
        module is a linear map of the values, ``out[b, t, v] = sum_w values[b, t, w]
        operator[w, v] + constant[v]``. Returns ``operator`` (n, n, D), ``constant`` (n, D)
        and the regulariser; a linear map of the output is a map of their last axis."""
        mixings, maps, bias, regularizer = self.operators()
        vectors = maps @ weight                                             # (K, D)
        operator = torch.einsum("kvw,kd->wvd", mixings, vectors)
        constant = torch.einsum("kvw,wd,ked->ve", mixings, offset, maps) + bias
        return operator, constant, regularizer
