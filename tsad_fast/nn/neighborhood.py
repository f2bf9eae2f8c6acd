"""Neighborhood-centered views of patch representations (SCAN eqs. 1-6): each patch's
deviation from a weighted aggregate of its neighborhood, by similarity and by time.

For flattened embeddings E (B, N, D):

* similarity: ``A_sim = softmax(Ew Ewᵀ)`` with ``Ew = L2-normalise(E * w)``, w (D,) learnable
  (initialised to ones); ``E_sim = E - A_sim E``;
* time: ``A_tim = softmax(A')``, A' (N, N) learnable, initialised to ``1 / (|n - m| + 1)``;
  ``E_tim = E - A_tim E``.

SCAN only uses a view through its clustering branch's projection ``H = E_view Wᵀ + b``, and
an adjacency's rows sum to 1, so ``H = P - A P + b`` with ``P = E Wᵀ`` (B, N, d_r):
:meth:`NeighborhoodViews.forward` centers the projections, never forming the D-wide views,
and the similarity's Gram matrix comes from the factored embedding
(:meth:`tsad_fast.nn.patch_embedding.FactoredEmbedding.gram`). The term-by-term form is
:mod:`tsad_fast.nn.scan_reference`'s.
"""
from __future__ import annotations

from typing import Tuple

import torch
from torch import nn

from tsad_fast.nn.patch_embedding import FactoredEmbedding


def temporal_prior(n: int) -> torch.Tensor:
    """(n, n) ``1 / (|n - m| + 1)``: the temporal view's initial adjacency, before softmax."""
    index = torch.arange(n, dtype=torch.float32)
    return 1.0 / ((index[:, None] - index[None, :]).abs() + 1.0)


class NeighborhoodViews(nn.Module):
    """The two views' adjacencies over N patches of D = C d features, and the projections of
    the views: (E, P_sim, P_tim) -> (P_sim - A_sim P_sim, P_tim - A_tim P_tim)."""

    def __init__(self, n_patches: int, n_features: int):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n_features))
        self.temporal = nn.Parameter(temporal_prior(n_patches))

    def similarity_adjacency(self, e: FactoredEmbedding) -> torch.Tensor:
        """(B, N, N) ``softmax`` of the cosine similarities of the rows of ``E * w``."""
        gram = e.gram(self.weight)
        # F.normalize's floor (1e-12) on the norms; clamped first, so the gradient stays finite
        norm = gram.diagonal(dim1=1, dim2=2).clamp_min(1e-24).sqrt()
        return torch.softmax(gram / (norm[:, :, None] * norm[:, None, :]), dim=-1)

    def temporal_adjacency(self) -> torch.Tensor:
        return torch.softmax(self.temporal, dim=-1)

    def forward(self, e: FactoredEmbedding, p_sim: torch.Tensor,
                p_tim: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """The views' projections without bias, (B, N, r) each, from the embedding's
        projections P_sim and P_tim (B, N, r) by the branches' weights."""
        return (p_sim - self.similarity_adjacency(e) @ p_sim,
                p_tim - self.temporal_adjacency() @ p_tim)
