"""MSUT-Net's unified temporal module (SPEC 2.4; a reconstruction from the paper's abstract):
one Transformer encoder over the time steps of a window, each token holding every variable at
once, so temporal dependencies are learned jointly across variables.

x (B, T, n, D) -> tokens (B, T, n D) -> Linear to ``d_model`` + sinusoidal positions ->
``layers`` encoder layers -> Linear back -> (B, T, n, D).
"""
from __future__ import annotations

import torch
from torch import nn

from tsad_fast.nn.patch_embedding import sinusoidal_positions


class UnifiedTemporal(nn.Module):
    def __init__(self, n_variables: int, channels: int, d_model: int = 128, heads: int = 4,
                 layers: int = 2, dropout: float = 0.0):
        super().__init__()
        width = n_variables * channels
        self.project_in = nn.Linear(width, d_model)
        layer = nn.TransformerEncoderLayer(d_model, heads, 4 * d_model, dropout,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.project_out = nn.Linear(d_model, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, steps, n, channels = x.shape
        hidden = self.project_in(x.reshape(batch, steps, n * channels))
        hidden = hidden + sinusoidal_positions(steps, hidden.shape[-1]).to(hidden)
        return self.project_out(self.encoder(hidden)).reshape(batch, steps, n, channels)
