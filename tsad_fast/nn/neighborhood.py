"""Neighborhood-centered views of patch representations (SCAN eqs. 1-6, SPEC 2.3): each patch's
deviation from a weighted aggregate of its neighborhood, by similarity and by time.

For flattened embeddings E (B, N, D):

* similarity: ``A_sim = softmax(Ew Ewᵀ)`` with ``Ew = L2-normalise(E * w)``, w (D,) learnable
  (initialised to ones); ``E_sim = E - A_sim E``;
* time: ``A_tim = softmax(A')``, A' (N, N) learnable, initialised to ``1 / (|n - m| + 1)``;
  ``E_tim = E - A_tim E``.
"""
from __future__ import annotations

from typing import Tuple

import torch
from torch import nn


def temporal_prior(n: int) -> torch.Tensor:
    """(n, n) ``1 / (|n - m| + 1)``: the temporal view's initial adjacency, before softmax."""
    index = torch.arange(n, dtype=torch.float32)
    return 1.0 / ((index[:, None] - index[None, :]).abs() + 1.0)


class NeighborhoodViews(nn.Module):
    """E (B, N, D) -> (E_sim, E_tim), each (B, N, D), for N patches of D features."""

    def __init__(self, n_patches: int, n_features: int):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n_features))
        self.temporal = nn.Parameter(temporal_prior(n_patches))

    def similarity_adjacency(self, e: torch.Tensor) -> torch.Tensor:
        weighted = nn.functional.normalize(e * self.weight, dim=-1)
        return torch.softmax(weighted @ weighted.transpose(1, 2), dim=-1)

    def temporal_adjacency(self) -> torch.Tensor:
        return torch.softmax(self.temporal, dim=-1)

    def forward(self, e: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        return (e - self.similarity_adjacency(e) @ e,
                e - self.temporal_adjacency() @ e)
