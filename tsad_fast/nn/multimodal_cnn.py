"""Moon's Multimodal-CNN (paper §IV-B): Omni-Scale CNN blocks shared by the raw and the MV-MTF
modality, cross-modal attention in both directions, depthwise-separable fusion, LayerNorm, a
gated feed-forward network (GDFN) and a pooled linear classifier.

A sample is one timestamp: its raw row (c,) and its MV-MTF row (c,), each read as a sequence of
length c with one channel.
"""
from __future__ import annotations

import math
from typing import List

import torch
from torch import nn


def os_kernel_sizes(n_variables: int) -> List[int]:
    """{1} and the primes up to the receptive field RF = min(c / 4, 89)."""
    limit = min(n_variables / 4.0, 89.0)
    primes = [p for p in range(2, int(limit) + 1) if all(p % q for q in range(2, int(p ** 0.5) + 1))]
    return [1] + primes


OS_BUDGET = (1024, 229376)  # OS-CNN's parameter budgets of layers 1 and 2


def os_channels(kernels: List[int], budget=OS_BUDGET):
    """Per-kernel output channels of the three OS layers by the OS-CNN rule: layer 1
    floor(budget[0] / sum(k)), layer 2 floor(budget[1] / (in * sum(k))), last layer (kernels 1
    and 2) as many as layer 1 has in all."""
    total = sum(kernels)
    first = max(1, budget[0] // total)
    second = max(1, budget[1] // (first * len(kernels) * total))
    return first, second, first * len(kernels)


class OSLayer(nn.Module):
    """One convolution per kernel size ("same" length: k - 1 zeros split around the sequence),
    outputs concatenated on the channel axis, then batch normalisation."""

    def __init__(self, in_channels: int, kernels: List[int], per_kernel: int):
        super().__init__()
        self.pads = nn.ModuleList(nn.ConstantPad1d(((k - 1) // 2, k // 2), 0.0) for k in kernels)
        self.convs = nn.ModuleList(nn.Conv1d(in_channels, per_kernel, k) for k in kernels)
        self.norm = nn.BatchNorm1d(per_kernel * len(kernels))
        self.out_channels = per_kernel * len(kernels)

    def forward(self, x):
        return self.norm(torch.cat([conv(pad(x)) for pad, conv in zip(self.pads, self.convs)], 1))


class ResidualOS(nn.Module):
    """``relu(OS(x) + BN(conv1x1(x)))``."""

    def __init__(self, in_channels: int, kernels: List[int], per_kernel: int):
        super().__init__()
        self.layer = OSLayer(in_channels, kernels, per_kernel)
        self.out_channels = self.layer.out_channels
        self.shortcut = nn.Sequential(nn.Conv1d(in_channels, self.out_channels, 1),
                                      nn.BatchNorm1d(self.out_channels))

    def forward(self, x):
        return torch.relu(self.layer(x) + self.shortcut(x))


class GDFN(nn.Module):
    """Gated feed-forward: 1x1 projection to two halves, depthwise convolution,
    ``GELU(half 1) * half 2``, 1x1 projection back."""

    def __init__(self, channels: int):
        super().__init__()
        self.project_in = nn.Conv1d(channels, 2 * channels, 1)
        self.depthwise = nn.Conv1d(2 * channels, 2 * channels, 3, padding=1, groups=2 * channels)
        self.project_out = nn.Conv1d(channels, channels, 1)

    def forward(self, x):
        first, second = self.depthwise(self.project_in(x)).chunk(2, dim=1)
        return self.project_out(nn.functional.gelu(first) * second)


class MultimodalCNN(nn.Module):
    """(raw (B, c), mtf (B, c)) -> logits (B, 2); ``mtf=None`` runs one modality alone (the
    ablation of paper Table IV), its tokens attending to themselves in both directions."""

    def __init__(self, n_variables: int, budget=OS_BUDGET):
        super().__init__()
        kernels = os_kernel_sizes(n_variables)
        first, second, last = os_channels(kernels, budget)
        block1 = ResidualOS(1, kernels, first)
        block2 = ResidualOS(block1.out_channels, kernels, second)
        block3 = ResidualOS(block2.out_channels, [1, 2], last)
        self.blocks = nn.Sequential(block1, block2, block3)  # shared by both modalities
        width = block3.out_channels
        self.query, self.key, self.value = (nn.Linear(width, width) for _ in range(3))
        self.scale = 1.0 / math.sqrt(width)
        self.depthwise = nn.Conv1d(2 * width, 2 * width, 3, padding=1, groups=2 * width)
        self.pointwise = nn.Conv1d(2 * width, width, 1)
        self.norm = nn.LayerNorm(width)
        self.gdfn = GDFN(width)
        self.classifier = nn.Linear(width, 2)

    def tokens(self, x):
        """Rows (B, c) of one modality -> their tokens (B, L = c, C) after the shared blocks."""
        return self.blocks(x.unsqueeze(1)).transpose(1, 2)

    def project(self, tokens):
        """(queries, keys, values), each (B, L, C), of one modality's tokens: what the
        attention reads of them, so a modality held fixed is projected once."""
        return self.query(tokens), self.key(tokens), self.value(tokens)

    def attend(self, queries, keys, values):
        """One modality's projected queries attend to the other's keys and values:
        softmax(QK^T / sqrt(C)) V (B, L, C); a batch of 1 on one side broadcasts."""
        return torch.softmax(queries @ keys.transpose(1, 2) * self.scale, dim=-1) @ values

    def head(self, num, img=None):
        """Logits (B, 2) from the projected tokens ``num`` and ``img`` (:meth:`project`) of the
        raw and MV-MTF modality (one of them may be a single row, held for the whole batch);
        ``img=None``: the raw tokens attend to themselves."""
        forward_attention = self.attend(num[0], *(num if img is None else img)[1:])
        backward_attention = forward_attention if img is None else self.attend(img[0], *num[1:])
        fused = torch.cat([forward_attention, backward_attention], dim=2).transpose(1, 2)
        fused = self.pointwise(self.depthwise(fused))                       # (B, C, L)
        fused = self.norm(fused.transpose(1, 2)).transpose(1, 2)
        return self.classifier(self.gdfn(fused).mean(dim=2))

    def forward(self, raw, mtf=None):
        batch = raw.shape[0]
        both = raw if mtf is None else torch.cat([raw, mtf])
        features = self.tokens(both)  # one pass, shared weights
        num = self.project(features[:batch])
        return self.head(num, None if mtf is None else self.project(features[batch:]))
