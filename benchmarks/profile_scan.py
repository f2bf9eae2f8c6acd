"""One SCAN training step, the network's factored forward beside SPEC 2.3 term by term
(:mod:`tsad_fast.nn.scan_reference`, the anchor) on the same parameters, Gumbel draws and
batch of SMD-sized windows (T = 2500, C = 38): seconds per step (median of ``--repeats``),
training windows per second and their ratio, the loss of both (they agree to rounding), the
FLOPs of each step (torch's FlopCounterMode: matrix products, forward and backward) and the
fraction of the machine's float32 matmul peak they reach, forward time per block of the
factored step (forward hooks) and the operators torch's profiler ranks first.

    python benchmarks/profile_scan.py [--d 64] [--clusters 40] [--batch 32] [--channels 38]
        [--threads 2]
"""
from __future__ import annotations

import argparse
import copy
import statistics
import time
from collections import defaultdict

import tsad_fast  # noqa: F401  (first: the OpenMP wait policy before torch loads)
import torch
from torch.utils.flop_counter import FlopCounterMode

from tsad_fast.nn import scan_objective, scan_reference
from tsad_fast.nn.fusion import RepresentationGate
from tsad_fast.nn.scan_network import SCANNetwork

from peak import matmul_peak  # benchmarks/peak.py (scripts run as python benchmarks/...)

BLOCKS = {"revin+embedding": ("embed",), "neighborhood views": ("views",),
          "clustering branches": ("branches",), "soft k-means": ("kmeans",),
          "fusion gates": ("scale_gate", "representation_gate"), "heads": ("head",)}
LAMBDAS = (0.1, 0.1, 0.1)


class Step:
    """A training step (forward, backward, Adam) of a copy of ``net`` with ``forward``."""

    def __init__(self, net, forward, x):
        self.net, self.forward, self.x = copy.deepcopy(net).train(), forward, x
        self.optimizer = torch.optim.Adam(self.net.parameters(), 1e-3)

    def loss(self):
        torch.manual_seed(1)  # the same Gumbel draws for both forms
        return scan_objective.loss(self.forward(self.net, self.x), LAMBDAS)[0]

    def __call__(self):
        total = self.loss()
        self.optimizer.zero_grad()
        total.backward()
        self.optimizer.step()
        return total.item()

    def flops(self) -> int:
        counter = FlopCounterMode(display=False)
        with counter:
            self.loss().backward()
        return counter.get_total_flops()

    def seconds(self, repeats: int) -> float:
        self()  # warm-up
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            self()
            times.append(time.perf_counter() - start)
        return statistics.median(times)


def block_times(step: Step):
    """Forward seconds of each kind of block in one factored step."""
    spent, started = defaultdict(float), {}

    def hooks(label):
        def before(module, inputs):
            started[id(module)] = time.perf_counter()

        def after(module, inputs, output):
            spent[label] += time.perf_counter() - started.pop(id(module))
        return before, after

    handles = []
    for block in step.net.blocks:
        for label, names in BLOCKS.items():
            for name in names:
                module = getattr(block, name, None)
                parts = module.values() if isinstance(module, torch.nn.ModuleDict) else [module]
                for part in parts if module is not None else []:
                    before, after = hooks(label)
                    handles += [part.register_forward_pre_hook(before),
                                part.register_forward_hook(after)]
    start = time.perf_counter()
    step.loss()
    forward = time.perf_counter() - start
    for handle in handles:
        handle.remove()
    return forward, spent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--d", type=int, default=64)
    parser.add_argument("--clusters", type=int, default=40)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--channels", type=int, default=38)
    parser.add_argument("--window", type=int, default=2500)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    net = SCANNetwork(args.channels, args.window, d=args.d, n_clusters=args.clusters)
    x = torch.randn(args.batch, args.window, args.channels)
    peak = matmul_peak(args.threads)
    steps = {"term by term (anchor)": Step(net, scan_reference.network, x),
             "factored (SCANNetwork)": Step(net, lambda model, batch: model(batch), x),
             "factored, compiled gate": Step(net, lambda model, batch: model(batch), x)}
    for module in steps["factored, compiled gate"].net.modules():
        if isinstance(module, RepresentationGate):
            module.compiled = True
    print(f"one training step, batch {args.batch} x {args.window} x {args.channels}, "
          f"d = {args.d}, K = {args.clusters}, {args.threads} threads; "
          f"float32 matmul peak {peak / 1e9:.0f} GFLOP/s")
    rates = {}
    for name, step in steps.items():
        loss = step.loss().item()
        flops = step.flops()
        seconds = step.seconds(args.repeats)
        rates[name] = args.batch / seconds
        print(f"  {name:<24} {seconds:6.2f} s  {rates[name]:6.1f} windows/s  loss {loss:.6f}  "
              f"{flops / 1e9:6.1f} GFLOP ({flops / seconds / 1e9:.0f} GFLOP/s, "
              f"{flops / seconds / peak:.0%} of peak)")
    anchor, *factored = rates.values()
    print("  training windows per second: "
          + ", ".join(f"{rate / anchor:.2f}x" for rate in factored) + " the anchor")
    forward, spent = block_times(steps["factored (SCANNetwork)"])
    print(f"factored forward {forward:.3f} s:")
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {label:<20} {seconds:.3f} s ({seconds / forward:.0%})")
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        steps["factored (SCANNetwork)"]()
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=10))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
