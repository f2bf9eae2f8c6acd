"""Where a GBOC fit's time goes (issue 16): GBOC with SPEC 2.1's settings (stride 1, batch 32,
early stopping) fitted on the bundled SMD machine's training part (23,688 x 38), each phase of
every epoch timed: encoding the training windows, building the granular balls, the training
steps, the validation pass; then the final balls and scores. Prints the totals, the mean epoch,
and the floor the training steps set: their FLOPs (LSTM and decoder, forward and backward) at
one core's float32 matmul peak (a training step gains nothing from a second thread: the
detector trains on one, see GBOC's ``n_threads``).

    python benchmarks/gboc_epoch.py [--epochs N]
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numpy as np

import tsad_fast  # noqa: F401  (before torch: the OpenMP wait policy)
from tsad_fast import GBOC
from tsad_fast.datasets import bundled_smd


def timed_phases(detector: GBOC, seconds: dict) -> None:
    """Wrap the detector's per-epoch hooks so that their wall time adds up in ``seconds``."""
    def wrap(name, method):
        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                seconds[name] += time.perf_counter() - start
        setattr(detector, name, run)

    for name in ("_encode", "_balls", "_evaluate", "_loss"):
        wrap(name, getattr(detector, name))


def step_flops(window: int, c: int, hidden: int, layers: int, batch: int) -> float:
    """FLOPs of one training step: LSTM gates (4 hidden x (input + hidden) per timestep and
    layer) and the decoder, forward once and backward twice."""
    lstm = sum(4 * hidden * ((c if layer == 0 else hidden) + hidden) for layer in range(layers))
    latent = hidden * layers
    decoder = latent * latent + latent * window * c
    return 3 * 2 * batch * (window * lstm + decoder)


def matmul_peak(threads: int) -> float:
    import torch

    torch.set_num_threads(threads)
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    torch.mm(a, b)
    start = time.perf_counter()
    for _ in range(20):
        torch.mm(a, b)
    return 20 * 2 * 1024 ** 3 / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=50)
    args = parser.parse_args()
    X = bundled_smd().train
    detector = GBOC(epochs=args.epochs, verbose=0)
    seconds = defaultdict(float)
    timed_phases(detector, seconds)
    start = time.perf_counter()
    detector.fit(X)
    total = time.perf_counter() - start
    epochs = len(detector.history_)
    steps = int(np.ceil(0.8 * (len(X) - detector.window + 1) / detector.batch_size)) * epochs
    flops = step_flops(detector.window, X.shape[1], detector.hidden, detector.n_layers,
                       detector.batch_size) * steps
    peak = matmul_peak(1)
    training = total - seconds["_encode"] - seconds["_balls"] - seconds["_evaluate"]
    print(f"GBOC fit on {X.shape[0]} x {X.shape[1]}: {total:.1f} s, {epochs} epochs "
          f"({total / epochs:.2f} s an epoch)")
    for name, label in (("_encode", "encoding the windows (every core)"),
                        ("_balls", "granular balls"),
                        ("_evaluate", "validation")):
        print(f"  {label:<36} {seconds[name]:7.1f} s  {100 * seconds[name] / total:5.1f} %")
    print(f"  {'training steps (one core) and the rest':<36} {training:7.1f} s  "
          f"{100 * training / total:5.1f} %  (of which the loss's forward {seconds['_loss']:.1f} s)")
    print(f"training steps: {steps} x {flops / steps / 1e6:.0f} MFLOP = {flops / 1e9:.0f} GFLOP; "
          f"one core's float32 matmul peak {peak / 1e9:.0f} GFLOP/s -> floor {flops / peak:.1f} s "
          f"({flops / training / 1e9:.0f} GFLOP/s reached, {100 * flops / training / peak:.0f} %)")


if __name__ == "__main__":
    main()
