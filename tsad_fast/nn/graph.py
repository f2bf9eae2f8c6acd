"""Adaptive variable graphs and mix-hop propagation (MTGNN, Wu et al., KDD 2020), for the
spatial levels of MSUT-Net (our reconstruction from the abstract), with every node's own value left
out.

* :class:`AdaptiveGraph` — a directed graph over n nodes learned from two node embeddings:
  ``M1 = tanh(a Θ1 E1)``, ``M2 = tanh(a Θ2 E2)``, ``A = ReLU(tanh(a (M1 M2ᵀ - M2 M1ᵀ)))`` (the
  argument of the ReLU is antisymmetric, so at most one direction of each pair survives),
  keeping the k largest entries of each row;
* :func:`propagation` — MTGNN's mix-hop propagation as node-mixing matrices,
  ``Q(0) = I``, ``Q(j) = b I + (1 - b) Â Q(j-1)`` with Â the row-normalised ``A + I``, so
  that hop j of features X is ``Q(j) X``;
* :func:`without_self` — a mixing matrix with its diagonal removed and its rows rescaled to
  sum to one: a node reads only the other nodes (a node with no other node to read gets 0);
* :class:`MixHop` — features mixed by one matrix per hop, each hop followed by its own linear
  map, summed: ``sum_j W_j (P_j X)``.

Features are channel-last, (B, T, n, D).
"""
from __future__ import annotations

from typing import List, Sequence

import torch
from torch import nn


class AdaptiveGraph(nn.Module):
    """The learned adjacency (n, n) of n nodes, k entries kept per row."""

    def __init__(self, n_nodes: int, embedding: int = 16, k: int = 8, alpha: float = 3.0):
        super().__init__()
        self.k, self.alpha = min(k, n_nodes), alpha
        self.e1 = nn.Parameter(torch.randn(n_nodes, embedding) / embedding ** 0.5)
        self.e2 = nn.Parameter(torch.randn(n_nodes, embedding) / embedding ** 0.5)
        self.theta1 = nn.Linear(embedding, embedding)
        self.theta2 = nn.Linear(embedding, embedding)

    def antisymmetric(self) -> torch.Tensor:
        """``M1 M2ᵀ - M2 M1ᵀ`` (n, n), the argument before tanh and ReLU."""
        m1 = torch.tanh(self.alpha * self.theta1(self.e1))
        m2 = torch.tanh(self.alpha * self.theta2(self.e2))
        return m1 @ m2.T - m2 @ m1.T

    def forward(self) -> torch.Tensor:
        a = torch.relu(torch.tanh(self.alpha * self.antisymmetric()))
        top = a.topk(self.k, dim=1).indices
        keep = torch.zeros_like(a).scatter_(1, top, 1.0)
        return a * keep


def normalized(adjacency: torch.Tensor) -> torch.Tensor:
    """Row-normalised ``A + I``."""
    a = adjacency + torch.eye(adjacency.shape[0], device=adjacency.device, dtype=adjacency.dtype)
    return a / a.sum(dim=1, keepdim=True)


def propagation(adjacency: torch.Tensor, depth: int, beta: float) -> List[torch.Tensor]:
    """The mixing matrices ``Q(0) .. Q(depth)`` (each (n, n), rows summing to one) of
    mix-hop propagation over ``adjacency`` (n, n) with retain ratio ``beta``."""
    a = normalized(adjacency)
    eye = torch.eye(a.shape[0], device=a.device, dtype=a.dtype)
    out = [eye]
    for _ in range(depth):
        out.append(beta * eye + (1.0 - beta) * a @ out[-1])
    return out


def without_self(mixing: torch.Tensor) -> torch.Tensor:
    """``mixing`` (n, n) of non-negative weights with the diagonal set to 0 and each row
    rescaled to sum to 1; a row with no weight off the diagonal becomes all 0."""
    off = mixing * (1.0 - torch.eye(mixing.shape[0], device=mixing.device, dtype=mixing.dtype))
    total = off.sum(dim=1, keepdim=True)
    return off / total.clamp_min(1e-12) * (total > 0)


def mix(mixing: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """x (B, T, n, D) with its nodes mixed by ``mixing`` (n, n): row v of the result reads
    ``sum_w mixing[v, w] x[..., w, :]``."""
    return torch.einsum("vw,btwd->btvd", mixing, x)


class MixHop(nn.Module):
    """x (B, T, n, D) and ``hops`` mixing matrices (n, n) -> (B, T, n, D)."""

    def __init__(self, channels: int, hops: int):
        super().__init__()
        self.maps = nn.ModuleList(nn.Linear(channels, channels, bias=j == 0)
                                  for j in range(hops))

    def forward(self, x: torch.Tensor, mixings: Sequence[torch.Tensor]) -> torch.Tensor:
        return sum(linear(mix(p, x)) for linear, p in zip(self.maps, mixings))
