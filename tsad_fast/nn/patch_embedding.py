"""Patch embedding: each channel of a series cut into patches of ``patch`` steps, each patch
projected to ``d`` dimensions by one linear map shared by the channels (channel independence,
as PatchTST), plus sinusoidal positions of the patches.

The embedding ``E[b, n, c] = W x[b, n, c] + bias + pos[n]`` is affine in the L steps of a
patch, so a linear map of the whole flattened embedding (B, N, C d) -> r or the weighted Gram
matrix of its rows can be computed from the (L + 1)-dimensional patches and the positions
without forming the C d-wide rows: :class:`FactoredEmbedding` does that, exactly (up to
floating-point rounding), for SCAN's clustering projections and similarity view.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

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


@dataclass
class FactoredEmbedding:
    """E (B, N, C, d) kept as ``E[b, n, c] = weight @ a[b, n, c] + pos[n]``.

    a : (B, N, C, L + 1) the patches with a trailing 1 (the bias's input)
    weight : (d, L + 1) the patch projection with its bias as the last column
    pos : (N, d) position codes
    """

    a: torch.Tensor
    weight: torch.Tensor
    pos: torch.Tensor

    def dense(self) -> torch.Tensor:
        """E (B, N, C, d)."""
        return self.a @ self.weight.T + self.pos[:, None, :]

    def linear(self, weight: torch.Tensor) -> torch.Tensor:
        """``E_flat @ weight.T`` (B, N, r) for weight (r, C d) over the flattened rows
        E_flat (B, N, C d): ``sum_c weight_c (W a_c + pos) = a_flat @ Z + pos @ (sum_c
        weight_c).T`` with Z (C (L + 1), r)."""
        batch, n, channels, k = self.a.shape
        blocks = weight.reshape(weight.shape[0], channels, -1)              # (r, C, d)
        z = torch.einsum("rcj,jk->ckr", blocks, self.weight).reshape(channels * k, -1)
        return self.a.reshape(batch, n, channels * k) @ z + self.pos @ blocks.sum(1).T

    def gram(self, scale: torch.Tensor) -> torch.Tensor:
        """``(E_flat * s) @ (E_flat * s).T`` (B, N, N) for per-feature scales s = ``scale``
        (C d,): with omega = s² per channel (C, d), the sum over channels of the patch-patch
        terms ``a_n' (Wᵀ diag(omega_c) W) a_m``, the patch-position terms and the
        position-position term ``pos_n' diag(sum_c omega_c) pos_m``."""
        batch, n, channels, k = self.a.shape
        omega = scale.pow(2).reshape(channels, -1)                          # (C, d)
        quadratic = torch.einsum("jk,cj,jl->ckl", self.weight, omega, self.weight)
        a = self.a.reshape(batch, n, channels * k)
        a_quadratic = torch.einsum("bnck,ckl->bncl", self.a, quadratic).reshape(batch, n, -1)
        cross = a @ torch.einsum("jk,cj->ckj", self.weight, omega).reshape(channels * k, -1)
        cross = cross @ self.pos.T                                          # (B, N, N)
        positions = (self.pos * omega.sum(0)) @ self.pos.T                   # (N, N)
        return a_quadratic @ a.transpose(1, 2) + cross + cross.transpose(1, 2) + positions


class PatchEmbedding(nn.Module):
    """x (B, T, C) with T a multiple of ``patch`` -> E (B, N = T / patch, C, d)."""

    def __init__(self, patch: int, d: int):
        super().__init__()
        self.patch = patch
        self.project = nn.Linear(patch, d)

    def factored(self, x: torch.Tensor) -> FactoredEmbedding:
        """The embedding of x in factored form (see :class:`FactoredEmbedding`)."""
        batch, length, channels = x.shape
        patches = x.reshape(batch, length // self.patch, self.patch, channels).transpose(2, 3)
        a = torch.cat([patches, patches.new_ones(*patches.shape[:3], 1)], dim=-1)
        weight = torch.cat([self.project.weight, self.project.bias[:, None]], dim=1)
        d = self.project.out_features
        return FactoredEmbedding(a, weight, sinusoidal_positions(a.shape[1], d).to(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.factored(x).dense()
