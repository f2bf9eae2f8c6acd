"""GBOC's network (as in the authors' code): an LSTM encoder whose latent code is the concatenation
of each layer's final hidden state, and a decoder from that code: the authors' single linear layer
that reconstructs the window's last step, or an MLP that reconstructs the whole window."""
from __future__ import annotations

import torch
from torch import nn

DECODERS = ("last", "window")


class LSTMAutoencoder(nn.Module):
    """Windows (B, w, c) -> latent z (B, hidden * n_layers) -> reconstruction: (B, c) of the
    window's last step (``decoder="last"``) or (B, w, c) of the whole window
    (``decoder="window"``)."""

    def __init__(self, n_channels: int, window: int, hidden: int = 32, n_layers: int = 3,
                 decoder: str = "last"):
        super().__init__()
        self.window, self.n_channels, self.decoder_kind = window, n_channels, decoder
        self.encoder = nn.LSTM(n_channels, hidden, num_layers=n_layers, batch_first=True)
        latent = hidden * n_layers
        if decoder == "last":
            self.decoder = nn.Linear(latent, n_channels)
        else:
            self.decoder = nn.Sequential(nn.Linear(latent, latent), nn.ReLU(),
                                         nn.Linear(latent, window * n_channels))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        _, (h, _) = self.encoder(x)              # h: (n_layers, B, hidden)
        return h.transpose(0, 1).reshape(x.shape[0], -1)

    def target(self, x: torch.Tensor) -> torch.Tensor:
        """What the decoder reconstructs of the windows x."""
        return x[:, -1] if self.decoder_kind == "last" else x

    def forward(self, x: torch.Tensor):
        z = self.encode(x)
        out = self.decoder(z)
        if self.decoder_kind == "window":
            out = out.view(x.shape[0], self.window, self.n_channels)
        return z, out
