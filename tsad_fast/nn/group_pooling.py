"""Soft assignment of variables to groups ("attributes") for MSUT-Net's second spatial level
(our reconstruction from the abstract; DiffPool-style, Ying et al., NeurIPS 2018).

``S = softmax(logits)`` (n, G) assigns each of n variables to G groups (rows sum to 1).
``spread`` is the node-mixing matrix of pooling, a mixing of the groups, and unpooling:
``S Q Ŝᵀ`` (n, n) with Ŝ the column-normalised S (pooling averages the variables of each
group, unpooling gives every variable the assignment-weighted mix of its groups), so with
``Q = I`` a signal that is constant within hard-assigned groups is kept. The
regulariser ``||A - S Sᵀ||_F^2 / n^2 + mean row entropy of S`` ties the groups to the variable
graph A and makes the assignments confident.
"""
from __future__ import annotations

import torch
from torch import nn


class SoftGroupPooling(nn.Module):
    def __init__(self, n_nodes: int, n_groups: int):
        super().__init__()
        self.logits = nn.Parameter(0.01 * torch.randn(n_nodes, n_groups))

    def assignments(self) -> torch.Tensor:
        """S (n, G), each row a distribution over the groups."""
        return torch.softmax(self.logits, dim=1)

    @staticmethod
    def spread(s: torch.Tensor, mixing: torch.Tensor) -> torch.Tensor:
        """(n, n): what each variable reads of each variable through the groups, pooled,
        mixed by ``mixing`` (G, G) and unpooled."""
        weights = s / s.sum(dim=0, keepdim=True).clamp_min(1e-12)
        return s @ mixing @ weights.T

    @staticmethod
    def regularizer(s: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        link = (adjacency - s @ s.T).pow(2).sum() / s.shape[0] ** 2
        entropy = -(s * torch.log(s.clamp_min(1e-12))).sum(dim=1).mean()
        return link + entropy
