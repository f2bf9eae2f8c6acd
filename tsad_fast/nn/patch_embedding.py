"""Patch embedding: each channel of a series cut into patches of ``patch`` steps, each patch
projected to ``d`` dimensions by one linear map shared by the channels (channel independence,
as PatchTST), plus sinusoidal positions of the patches."""
from __future__ import annotations

import math

import torch
from torch import nn


def sinusoidal_positions(n: int, d: int) -> torch.Tensor:
    """(n, d) sine/cosine position codes (Vaswani et al., 2017)."""
    position = torch.arange(n, dtype=torch.float32)[:, None]
    frequency = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    codes = torch.zeros(n, d)
    codes[:, 0::2] = torch.sin(position * frequency)
    codes[:, 1::2] = torch.cos(position * frequency[:d // 2])
    return codes


class PatchEmbedding(nn.Module):
    """x (B, T, C) with T a multiple of ``patch`` -> E (B, N = T / patch, C, d)."""

    def __init__(self, patch: int, d: int):
        super().__init__()
        self.patch = patch
        self.project = nn.Linear(patch, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, channels = x.shape
        patches = x.transpose(1, 2).reshape(batch, channels, length // self.patch, self.patch)
        embedded = self.project(patches).transpose(1, 2)          # (B, N, C, d)
        positions = sinusoidal_positions(embedded.shape[1], embedded.shape[3])
        return embedded + positions.to(embedded)[None, :, None, :]
