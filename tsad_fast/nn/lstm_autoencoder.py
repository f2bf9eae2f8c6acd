"""GBOC's network (SPEC 2.1): an LSTM encoder whose latent code is the concatenation of each
layer's final hidden state, and an MLP decoder that reconstructs the window from it."""
from __future__ import annotations

import torch
from torch import nn


class LSTMAutoencoder(nn.Module):
    """Windows (B, w, c) -> latent z (B, hidden * n_layers) -> reconstruction (B, w, c)."""

    def __init__(self, n_channels: int, window: int, hidden: int = 32, n_layers: int = 2):
        super().__init__()
        self.window, self.n_channels = window, n_channels
        self.encoder = nn.LSTM(n_channels, hidden, num_layers=n_layers, batch_first=True)
        latent = hidden * n_layers
        self.decoder = nn.Sequential(nn.Linear(latent, latent), nn.ReLU(),
                                     nn.Linear(latent, window * n_channels))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        _, (h, _) = self.encoder(x)              # h: (n_layers, B, hidden)
        return h.transpose(0, 1).reshape(x.shape[0], -1)

    def forward(self, x: torch.Tensor):
        z = self.encode(x)
        return z, self.decoder(z).view(x.shape[0], self.window, self.n_channels)
