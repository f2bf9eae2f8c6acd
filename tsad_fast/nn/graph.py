"""Adaptive variable graphs and mix-hop propagation (MTGNN, Wu et al., KDD 2020), for the
spatial levels of MSUT-Net (SPEC 2.4).

* :class:`AdaptiveGraph` — a directed graph over n nodes learned from two node embeddings:
  ``M1 = tanh(a Θ1 E1)``, ``M2 = tanh(a Θ2 E2)``, ``A = ReLU(tanh(a (M1 M2ᵀ - M2 M1ᵀ)))`` (the
  argument of the ReLU is antisymmetric, so at most one direction of each pair survives),
  keeping the k largest entries of each row;
* :class:`MixHop` — ``H(0) = X``, ``H(j) = b X + (1 - b) Â H(j-1)`` over ``depth`` hops with Â
  the row-normalised ``A + I``, and the output a linear map of all hops concatenated (summed
  per hop, without forming the concatenation).

Features are channel-last, (B, T, n, D): T time steps, n nodes, D channels.
"""
from __future__ import annotations

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


class MixHop(nn.Module):
    """x (B, T, n, D) propagated over ``depth`` hops of a graph (n, n) -> (B, T, n, D)."""

    def __init__(self, channels: int, depth: int = 2, beta: float = 0.05):
        super().__init__()
        self.depth, self.beta = depth, beta
        self.hops = nn.ModuleList(nn.Linear(channels, channels, bias=j == 0)
                                  for j in range(depth + 1))

    def forward(self, x: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        a = normalized(adjacency)
        out, h = self.hops[0](x), x
        for j in range(1, self.depth + 1):
            h = self.beta * x + (1.0 - self.beta) * torch.einsum("vw,btwd->btvd", a, h)
            out = out + self.hops[j](h)
        return out
