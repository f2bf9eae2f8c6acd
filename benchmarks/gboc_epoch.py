"""Where a GBOC fit's time goes: GBOC at its defaults (the authors' configuration) fitted on the
bundled SMD machine's training part (23,688 x 38), each phase timed: encoding the training
windows, building the granular balls, matching codes to centers, the training passes, the
validation passes; then the final balls and scores. Prints the totals, the mean training pass,
and the floor the training steps set: their FLOPs (LSTM and decoder, forward and backward) at
one core's float32 matmul peak (a training step gains nothing from a second thread: the
detector trains on one, see GBOC's ``n_threads``).

    python benchmarks/gboc_epoch.py [--epochs N] [--threads T] [--set PARAM=VALUE ...]
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numpy as np

import tsad_fast  # noqa: F401  (before torch: the OpenMP wait policy)
from tsad_fast import GBOC
from tsad_fast.cli import setting_value
from tsad_fast.datasets import bundled_smd

from peak import matmul_peak  # benchmarks/peak.py (scripts run as python benchmarks/...)


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

    for name in ("_encode", "_balls", "_nearest", "_evaluate", "_loss"):
        wrap(name, getattr(detector, name))


def step_flops(detector: GBOC, c: int) -> float:
    """FLOPs of one training step: LSTM gates (4 hidden x (input + hidden) per timestep and
    layer) and the decoder, forward once and backward twice."""
    hidden, layers, window = detector.hidden, detector.n_layers, detector.window
    lstm = sum(4 * hidden * ((c if layer == 0 else hidden) + hidden) for layer in range(layers))
    latent = hidden * layers
    decoder = latent * c if detector.decoder == "last" else latent * latent + latent * window * c
    return 3 * 2 * detector.batch_size * (window * lstm + decoder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, help="outer epochs (default: GBOC's)")
    parser.add_argument("--threads", default="auto", help="GBOC's n_threads (default auto)")
    parser.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE",
                        help="another GBOC parameter (VALUE read as JSON, else text)")
    args = parser.parse_args()
    X = bundled_smd().train
    params = {"verbose": 0, "n_threads": args.threads if args.threads == "auto"
              else int(args.threads)}
    if args.epochs is not None:
        params["epochs"] = args.epochs
    for setting in args.set:
        key, _, value = setting.partition("=")
        params[key] = setting_value(value)
    detector = GBOC(**params)
    seconds = defaultdict(float)
    timed_phases(detector, seconds)
    start = time.perf_counter()
    detector.fit(X)
    total = time.perf_counter() - start
    passes = len(detector.history_)
    n_windows = len(X) - detector.window + 1
    n_train = n_windows - int(n_windows * detector.validation_size)
    steps = int(np.ceil(n_train / detector.batch_size)) * passes
    flops = step_flops(detector, X.shape[1]) * steps
    peak = matmul_peak(1)
    training = total - seconds["_encode"] - seconds["_balls"] - seconds["_evaluate"] \
        - seconds["_nearest"]
    print(f"GBOC fit on {X.shape[0]} x {X.shape[1]}: {total:.1f} s, {detector.epochs} epochs, "
          f"{passes} training passes ({training / passes:.2f} s a pass)")
    for name, label in (("_encode", "encoding the windows (every core)"),
                        ("_balls", "granular balls"), ("_nearest", "nearest centers"),
                        ("_evaluate", "validation")):
        print(f"  {label:<36} {seconds[name]:7.1f} s  {100 * seconds[name] / total:5.1f} %")
    print(f"  {'training steps (one core) and the rest':<36} {training:7.1f} s  "
          f"{100 * training / total:5.1f} %  (of which the loss's forward {seconds['_loss']:.1f} s)")
    print(f"training steps: {steps} x {flops / steps / 1e6:.0f} MFLOP = {flops / 1e9:.0f} GFLOP; "
          f"one core's float32 matmul peak {peak / 1e9:.0f} GFLOP/s -> floor {flops / peak:.1f} s "
          f"({flops / training / 1e9:.0f} GFLOP/s reached, {100 * flops / training / peak:.0f} %)")


if __name__ == "__main__":
    main()
