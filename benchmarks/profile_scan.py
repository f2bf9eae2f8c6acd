"""Where a SCAN training step spends its time: one step of the package's SCAN network on a
batch of SMD-sized windows (T = 2500, C = 38), forward time per block (forward hooks),
backward and optimizer time, the operators torch's profiler ranks first, and the soft k-means
of the finest scale's original branch in torch against ten Lloyd steps on the package's
``kmeans_assign`` (hard labels, float64, host) over the same points.

    python benchmarks/profile_scan.py [--d 64] [--batch 32] [--channels 38]
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict

import tsad_fast  # noqa: F401  (first: the OpenMP wait policy before torch loads)
import numpy as np
import torch

from tsad_fast.kernels import kmeans_assign
from tsad_fast.nn import scan_objective
from tsad_fast.nn.clustering import SoftKMeans
from tsad_fast.nn.scan_network import SCANNetwork

BLOCKS = {"revin+embedding": ("embed",), "neighborhood views": ("views",),
          "clustering branches": ("branches",), "soft k-means": ("kmeans",),
          "fusion gates": ("scale_gate", "representation_gate"), "heads": ("head",)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--d", type=int, default=64)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--channels", type=int, default=38)
    parser.add_argument("--window", type=int, default=2500)
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    net = SCANNetwork(args.channels, args.window, d=args.d)
    optimizer = torch.optim.Adam(net.parameters(), 1e-3)
    x = torch.randn(args.batch, args.window, args.channels)
    spent = defaultdict(float)
    started = {}

    def timing(label):
        def before(module, inputs):
            started[id(module)] = time.perf_counter()

        def after(module, inputs, output):
            spent[label] += time.perf_counter() - started.pop(id(module))
        return before, after

    for block in net.blocks:
        for label, names in BLOCKS.items():
            for name in names:
                module = getattr(block, name, None)
                parts = module.values() if isinstance(module, torch.nn.ModuleDict) else [module]
                for part in parts if module is not None else []:
                    before, after = timing(label)
                    part.register_forward_pre_hook(before)
                    part.register_forward_hook(after)

    def step():
        start = time.perf_counter()
        total, _ = scan_objective.loss(net(x), (0.1, 0.1, 0.1))
        forward = time.perf_counter()
        optimizer.zero_grad()
        total.backward()
        backward = time.perf_counter()
        optimizer.step()
        return forward - start, backward - forward, time.perf_counter() - backward

    step()  # warm-up
    spent.clear()
    forward, backward, update = step()
    whole = forward + backward + update
    print(f"one training step, batch {args.batch} x {args.window} x {args.channels}, "
          f"d = {args.d}: {whole:.2f} s ({whole / args.batch * 1e3:.0f} ms per window)")
    print(f"  forward {forward:.2f} s, backward {backward:.2f} s, Adam {update:.3f} s")
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  forward of {label:<20} {seconds:.3f} s ({seconds / forward:.0%})")
    print(f"  forward elsewhere (RevIN, losses, glue) "
          f"{forward - sum(spent.values()):.3f} s")
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        step()
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=8))
    compare_kmeans(net, x)
    return 0


def compare_kmeans(net, x) -> None:
    """Soft k-means (torch, as trained) against Lloyd steps on ``kmeans_assign``, same points."""
    captured = {}
    kmeans = net.blocks[-1].kmeans["ori"]
    hook = kmeans.register_forward_pre_hook(
        lambda module, inputs: captured.setdefault("h", inputs[0]))
    with torch.no_grad():
        net(x)
    hook.remove()
    h = captured["h"].detach()
    points = h.reshape(-1, h.shape[-1])
    k = kmeans.centroids.shape[0]
    fresh = SoftKMeans(k, points.shape[1])
    fresh.centroids.copy_(kmeans.centroids)
    fresh.started.fill_(True)
    start = time.perf_counter()
    fresh(h)
    soft = time.perf_counter() - start
    X = points.numpy().astype(np.float64)
    centers = kmeans.centroids.numpy().astype(np.float64)
    start = time.perf_counter()
    for _ in range(fresh.iterations):
        labels = kmeans_assign(X, centers)
        centers = np.stack([X[labels == j].mean(axis=0) if np.any(labels == j) else centers[j]
                            for j in range(k)])
    hard = time.perf_counter() - start
    print(f"finest scale's soft k-means over {points.shape[0]} x {points.shape[1]} points, "
          f"K = {k}: torch (soft, up to {fresh.iterations} steps) {soft:.3f} s; "
          f"{fresh.iterations} Lloyd steps on kmeans_assign (hard, float64) {hard:.3f} s")


if __name__ == "__main__":
    raise SystemExit(main())
