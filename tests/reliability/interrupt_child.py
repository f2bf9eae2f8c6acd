"""Child process of test_interrupt.py: for each named kernel, starts a call on the C++ backend
that runs for many seconds, sends itself SIGINT (Ctrl-C) after a short delay and prints one
JSON line: whether KeyboardInterrupt came, how long after the signal, and whether the kernel
still gives the reference's result on a small input afterwards.

Usage: python interrupt_child.py KERNEL [KERNEL ...]
"""
import json
import os
import signal
import sys
import threading
import time

import numpy as np

from tsad_fast import kernels

DELAY_S = 0.5  # the signal comes once the compiled loop is running


def long_calls(rng):
    """kernel name -> (long call on the C++ backend, small call for a given backend)."""
    n = 200_000
    labels = np.zeros(n)
    for s in range(5_000, n, 10_000):
        labels[s:s + 50] = 1
    score = rng.random(n)
    small_labels = np.r_[np.zeros(50), np.ones(10), np.zeros(40)]
    small_score = rng.random(100)
    points, centers = rng.normal(size=(200_000, 32)), rng.normal(size=(10_000, 32))
    stream = rng.normal(size=2_000_000)
    return {
        # 100,001 buffer lengths, each touching ~2e5 buffered points
        "vus_areas": (lambda: kernels.vus_areas(labels, score, n // 2, 250, backend="cpp"),
                      lambda b: kernels.vus_areas(small_labels, small_score, 10, 20, backend=b)),
        # a refit at half of the points (level 0.5): about 1.5 us a point
        "spot": (lambda: kernels.spot(stream[:10_000], stream, q=1e-3, level=0.5,
                                      backend="cpp"),
                 lambda b: kernels.spot(stream[:1000], stream[1000:3000], q=1e-3,
                                        backend=b).upper),
        # 20,000 thresholds, one pass over 200,000 points each
        "affiliation_sweep": (
            lambda: kernels.affiliation_sweep(labels, score, np.linspace(0, 1, 20_000),
                                              backend="cpp"),
            lambda b: kernels.affiliation_sweep(small_labels, small_score,
                                                np.linspace(0, 1, 7), backend=b)),
        # 200,000 x 10,000 x 32 multiply-adds
        "nearest_center": (lambda: kernels.nearest_center(points, centers, backend="cpp"),
                           lambda b: kernels.nearest_center(points[:300], centers[:7],
                                                            backend=b)),
        "kmeans_assign": (lambda: kernels.kmeans_assign(points, centers, backend="cpp"),
                          lambda b: kernels.kmeans_assign(points[:300], centers[:7], backend=b)),
        # coarse k-means with 447 centers on 200,000 x 32 points, run to a stable assignment
        "granular_balls": (
            lambda: kernels.granular_balls(points, coarse_tol=0.0, backend="cpp"),
            lambda b: kernels.granular_balls(points[:300, :3], backend=b).labels),
    }


def same(a, b):
    if isinstance(a, tuple):
        return all(same(x, y) for x, y in zip(a, b))
    return bool(np.allclose(np.asarray(a), np.asarray(b), rtol=1e-9, atol=1e-12, equal_nan=True))


def main(names):
    # Python's Ctrl-C handler, also where this process was started with SIGINT ignored (a
    # background job of a shell without job control, as under nohup ... &)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    calls = long_calls(np.random.default_rng(0))
    for name in names:
        long_call, small_call = calls[name]
        sent = []
        timer = threading.Timer(DELAY_S, lambda: (sent.append(time.perf_counter()),
                                                  os.kill(os.getpid(), signal.SIGINT)))
        start = time.perf_counter()
        timer.start()
        try:
            long_call()
            outcome = "completed"
        except KeyboardInterrupt:
            outcome = "KeyboardInterrupt"
        done = time.perf_counter()
        timer.join()
        latency = done - sent[0] if sent else None
        print(json.dumps({"kernel": name, "outcome": outcome, "latency_s": latency,
                          "call_s": done - start,
                          "still_correct": same(small_call("cpp"), small_call("numpy"))}),
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
