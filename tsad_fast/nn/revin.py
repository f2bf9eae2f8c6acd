"""Reversible instance normalisation (RevIN; Kim et al., ICLR 2022): each series of a batch is
normalised per channel over time, with a learnable affine map per channel, and outputs are
mapped back."""
from __future__ import annotations

import torch
from torch import nn


class RevIN(nn.Module):
    """``normalize`` x (B, T, C) -> (x - mean) / std * weight + bias, keeping mean and std
    (B, 1, C) for ``denormalize``. ``eps`` keeps a constant channel finite (it normalises to 0
    and comes back exactly)."""

    def __init__(self, n_channels: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(n_channels))
        self.bias = nn.Parameter(torch.zeros(n_channels))

    def normalize(self, x: torch.Tensor):
        """(normalised x (B, T, C), (mean, std) (B, 1, C) each)."""
        mean = x.mean(dim=1, keepdim=True).detach()
        std = torch.sqrt(x.var(dim=1, keepdim=True, unbiased=False) + self.eps).detach()
        return (x - mean) / std * self.weight + self.bias, (mean, std)

    def denormalize(self, y: torch.Tensor, stats) -> torch.Tensor:
        mean, std = stats
        return (y - self.bias) / (self.weight + self.eps * self.eps) * std + mean
