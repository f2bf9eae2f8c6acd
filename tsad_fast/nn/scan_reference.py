"""SCAN's scale block term by term, as the paper's equations write it: the D-wide
neighborhood-centered views materialised, each branch's projection applied to its view, the
representation gate on the concatenation ``[E; E_clu]``. It runs on a
:class:`~tsad_fast.nn.scan_network.SCANNetwork`'s own parameters and is the truth the network's
factored forward is tested against, and the anchor its training-step benchmark runs beside
(``benchmarks/profile_scan.py``).
"""
from __future__ import annotations

from typing import List

import torch
from torch import nn

from tsad_fast.nn.patch_embedding import sinusoidal_positions
from tsad_fast.nn.scan_network import BRANCHES, ScaleOutput


def scale_block(block, x: torch.Tensor, coarser):
    """:meth:`ScaleBlock.forward <tsad_fast.nn.scan_network.ScaleBlock.forward>` term by
    term: (ScaleOutput, fused F or None)."""
    normalized, stats = block.revin.normalize(x)
    batch, length, channels = x.shape
    patches = normalized.transpose(1, 2).reshape(batch, channels, -1, block.patch)
    e = block.embed.project(patches).transpose(1, 2)                     # (B, N, C, d)
    e = e + sinusoidal_positions(e.shape[1], e.shape[3]).to(e)[None, :, None, :]
    u, mask, y, fused = {}, {}, {}, None
    if block.clustering:
        flat = e.reshape(*e.shape[:2], -1)                               # (B, N, D)
        weighted = nn.functional.normalize(flat * block.views.weight, dim=-1)
        a_sim = torch.softmax(weighted @ weighted.transpose(1, 2), dim=-1)
        a_tim = torch.softmax(block.views.temporal, dim=-1)
        views = {"ori": flat, "sim": flat - a_sim @ flat, "tim": flat - a_tim @ flat}
        updated = None
        for name in BRANCHES:
            h = block.branches[name].project(views[name])
            u[name], mask[name], centers = block.branches[name](h)
            if block.training:
                y[name] = block.kmeans[name](h)
            if centers is not None:
                updated = centers
        if block.fusion:
            g = u["ori"] @ updated
            fused = g if block.scale_gate is None else block.scale_gate(g, coarser)
            gate = block.representation_gate
            e_clu = gate.project(fused).reshape(e.shape)
            beta = torch.sigmoid(gate.gate(torch.cat([e, e_clu], dim=-1)))
            e = beta * e + (1.0 - beta) * e_clu
    return block.output(x, e, stats, u, mask, y), fused


def network(net, x: torch.Tensor) -> List[ScaleOutput]:
    """:meth:`SCANNetwork.forward <tsad_fast.nn.scan_network.SCANNetwork.forward>` with
    :func:`scale_block`."""
    outputs, fused = [], None
    for block, xi in zip(net.blocks, net.scale_inputs(x)):
        out, fused = scale_block(block, xi, fused)
        outputs.append(out)
    return outputs
