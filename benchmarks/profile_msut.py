"""MSUT-Net's speed beside its anchor, the forward pass written out on the embedded features
(:mod:`tsad_fast.nn.msut_reference`), on the same parameters and windows: seconds for one
inference batch of 64 SMD-sized windows (T = 100, C = 38, the three reconstructions of the
default ``objective="branches"``) and for one training step (forward, backward, Adam) of 32,
median of ``--repeats``, with their ratios; then a fitted detector's ``decision_function`` on
100,000 rows (windows every 50 steps, so each point is read twice) with the network and with
the anchor in its place.

    python benchmarks/profile_msut.py [--channels 38] [--threads 2] [--repeats 5]
"""
from __future__ import annotations

import argparse
import statistics
import time

import tsad_fast  # noqa: F401  (first: the OpenMP wait policy before torch loads)
import numpy as np
import torch

from tsad_fast import MSUTNet
from tsad_fast.nn.msut_network import MSUTNetwork
from tsad_fast.nn.msut_reference import written_out


def median_seconds(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def step(net, forward, x):
    optimizer = torch.optim.Adam(net.parameters(), 1e-3)

    def run():
        out, regularizer, spatial, temporal = forward(net, x, branches=True)
        loss = sum(torch.nn.functional.mse_loss(r, x) for r in (out, spatial, temporal))
        optimizer.zero_grad()
        (loss + 1e-3 * regularizer).backward()
        optimizer.step()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channels", type=int, default=38)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    c = args.channels
    net = MSUTNetwork(c, 64, -(-c // 4), 8, gap=5)
    network = type(net).__call__
    rows = []
    for name, forward in (("written out (anchor)", written_out), ("network", network)):
        x = torch.randn(64, 100, c)
        with torch.no_grad():
            infer = median_seconds(lambda: forward(net.eval(), x, branches=True), args.repeats)
        train = median_seconds(step(net.train(), forward, x[:32]), args.repeats)
        rows.append((name, infer, train))
    anchor = rows[0]
    for name, infer, train in rows:
        print(f"{name:<22} inference {infer:.3f} s / 64 windows ({anchor[1] / infer:.2f}x)  "
              f"training step {train:.3f} s / 32 windows ({anchor[2] / train:.2f}x)", flush=True)

    rng = np.random.default_rng(0)
    model = MSUTNet(epochs=1, verbose=0, n_threads=args.threads).fit(
        rng.normal(size=(3000, c)).cumsum(axis=0) * 0.01)
    X = rng.normal(size=(100_000, c))
    seconds = {}
    for name in ("network", "written out (anchor)"):
        if name != "network":
            model.model_.forward = lambda x, branches=False, _net=model.model_: written_out(
                _net, x, branches)
        seconds[name] = median_seconds(lambda: model.decision_function(X), 2)
    for name, value in seconds.items():
        print(f"decision_function, 100k x {c} rows, {name:<22} {value:.2f} s "
              f"({seconds['written out (anchor)'] / value:.2f}x)", flush=True)


if __name__ == "__main__":
    main()
