"""MSUT-Net's unified temporal module (a reconstruction from the paper's abstract):
attention over the time steps of a window, each token holding every variable at once, so
temporal dependencies are learned jointly across variables.

x (B, T, n, D) -> tokens (B, T, n D) -> Linear to ``d_model`` + sinusoidal positions: the
memory. Each step t has a query, its position alone (projected); ``layers`` layers of
attention from the queries to the memory of every step farther than ``gap`` steps from t
(``gap=0``: every step but t), each followed by a feed-forward block (residuals and layer
norms as torch's Transformer layers), then Linear back -> (B, T, n, D). The queries never
attend to each other and never read their own step, so the output at step t is built from the
other steps only: the module cannot pass a value through to its own reconstruction.

``mode="encoder"`` is another reading of the abstract: a Transformer encoder over the memory
itself, every step attending to every step (its own included), so the values pass to the
output through the ``d_model``-wide bottleneck alone.
"""
from __future__ import annotations

import torch
from torch import nn

from tsad_fast.nn.patch_embedding import sinusoidal_positions


class ContextLayer(nn.Module):
    """Queries (B, T, d) attend to a memory (B, T, d) under a mask, then a feed-forward block."""

    def __init__(self, d_model: int, heads: int, dropout: float = 0.0):
        super().__init__()
        self.attention = nn.MultiheadAttention(d_model, heads, dropout=dropout,
                                               batch_first=True)
        self.feed_forward = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.ReLU(),
                                          nn.Dropout(dropout), nn.Linear(4 * d_model, d_model))
        self.norm_attention = nn.LayerNorm(d_model)
        self.norm_feed_forward = nn.LayerNorm(d_model)

    def forward(self, query: torch.Tensor, memory: torch.Tensor,
                mask: torch.Tensor) -> torch.Tensor:
        read = self.attention(query, memory, memory, attn_mask=mask, need_weights=False)[0]
        query = self.norm_attention(query + read)
        return self.norm_feed_forward(query + self.feed_forward(query))


MODES = ("context", "encoder")


class UnifiedTemporal(nn.Module):
    def __init__(self, n_variables: int, channels: int, d_model: int = 128, heads: int = 4,
                 layers: int = 2, dropout: float = 0.0, mode: str = "context", gap: int = 0):
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        width = n_variables * channels
        self.mode, self.gap = mode, gap
        self.project_in = nn.Linear(width, d_model)
        if mode == "context":
            self.query = nn.Linear(d_model, d_model)
            self.layers = nn.ModuleList(ContextLayer(d_model, heads, dropout)
                                        for _ in range(layers))
        else:
            layer = nn.TransformerEncoderLayer(d_model, heads, 4 * d_model, dropout,
                                               batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.project_out = nn.Linear(d_model, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (B, T, n, D) -> (B, T, n, D)."""
        batch, steps, n, channels = x.shape
        return self._read(self.project_in(x.reshape(batch, steps, n * channels)), n)

    def affine(self, values: torch.Tensor, weight: torch.Tensor,
               offset: torch.Tensor) -> torch.Tensor:
        """The output of :meth:`forward` for features ``values[..., None] * weight + offset``
        (values (B, T, n), weight (D,), offset (n, D)) without forming them: the input
        projection of such features is ``values`` times an (n, d_model) map plus a constant."""
        n, channels = offset.shape
        project = self.project_in.weight.reshape(-1, n, channels)          # (d_model, n, D)
        constant = project.reshape(-1, n * channels) @ offset.reshape(-1) + self.project_in.bias
        return self._read(values @ (project @ weight).T + constant, n)

    def _read(self, memory: torch.Tensor, n: int) -> torch.Tensor:
        """The projected memory (B, T, d_model) -> the output (B, T, n, D)."""
        batch, steps, width = memory.shape
        if steps < 2:
            raise ValueError(f"the temporal module needs windows of at least 2 steps, got "
                             f"{steps}")
        positions = sinusoidal_positions(steps, width).to(memory)
        memory = memory + positions
        if self.mode == "encoder":
            return self.project_out(self.encoder(memory)).reshape(batch, steps, n, -1)
        query = self.query(positions).expand(batch, steps, -1)
        index = torch.arange(steps, device=memory.device)
        hidden = (index[:, None] - index[None, :]).abs() <= self.gap      # True: not attended
        if hidden.all(dim=1).any():
            raise ValueError(f"gap={self.gap} hides every step of a window of {steps} steps")
        for layer in self.layers:
            query = layer(query, memory, hidden)
        return self.project_out(query).reshape(batch, steps, n, -1)
