"""Scales of a series by non-overlapping average pooling (SCAN §3.1, as in the CrossAD pipeline
it reuses): a kernel k turns x (B, T, C) into (B, ceil(T / k), C), the tail padded by repeating
the last value."""
from __future__ import annotations

from typing import List, Sequence

import torch


def average_pool(x: torch.Tensor, kernel: int) -> torch.Tensor:
    """Non-overlapping means of ``kernel`` steps of x (B, T, C) -> (B, ceil(T / kernel), C)."""
    if kernel == 1:
        return x
    pad = -x.shape[1] % kernel
    if pad:
        x = torch.cat([x, x[:, -1:].expand(-1, pad, -1)], dim=1)
    return x.reshape(x.shape[0], -1, kernel, x.shape[2]).mean(dim=2)


def scales(x: torch.Tensor, kernels: Sequence[int]) -> List[torch.Tensor]:
    """x pooled with each kernel, in the given order (SCAN: coarse to fine, {25, 5, 1})."""
    return [average_pool(x, k) for k in kernels]
