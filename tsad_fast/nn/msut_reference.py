"""MSUT-Net's forward pass written out block by block on the embedded features (B, T, C, D),
as :mod:`tsad_fast.nn.msut_network` documents it: the anchor that the network's forward pass
(which reads the values with the embedding's weight and offset instead) is tested and timed
against."""
from __future__ import annotations

import torch


def written_out(net, x: torch.Tensor, branches: bool = False):
    """``net(x, branches)`` of an :class:`~tsad_fast.nn.msut_network.MSUTNetwork`, computed
    on the embedded features."""
    h = net.embed(x[..., None]) + net.variable_embedding
    temporal = net.temporal(h)
    if net.spatial is None:
        out = net.head(temporal)[..., 0]
        return (out, x.new_zeros(()), None, None) if branches else (out, x.new_zeros(()))
    spatial, regularizer = net.spatial(h)
    gate = torch.sigmoid(net.gate_spatial(spatial) + net.gate_temporal(temporal))
    out = net.head(gate * spatial + (1 - gate) * temporal)[..., 0]
    if not branches:
        return out, regularizer
    return out, regularizer, net.head(spatial)[..., 0], net.head(temporal)[..., 0]
