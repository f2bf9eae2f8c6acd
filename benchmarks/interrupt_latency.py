"""Ctrl-C latency during the long calls the reliability issue names: VUS areas at n = 10M
(250 thresholds, buffer 100) and SPOT over a 10M-point stream (q = 1e-3, level 0.5: a refit at
half of the points). Each run sends
SIGINT to this process at a given delay into the call and records how long the call takes to
raise KeyboardInterrupt after the signal; the worst delay is printed per call.

    python benchmarks/interrupt_latency.py
"""
import os
import signal
import threading
import time

import numpy as np

from tsad_fast import kernels

DELAYS_S = (0.05, 0.2, 0.5, 1.0, 1.5)


def latency(call, delay):
    sent = []
    timer = threading.Timer(delay, lambda: (sent.append(time.perf_counter()),
                                            os.kill(os.getpid(), signal.SIGINT)))
    timer.start()
    try:
        call()
    except KeyboardInterrupt:
        return time.perf_counter() - sent[0]
    timer.cancel()  # finished before the signal; one already sent lands here
    try:
        timer.join()
        time.sleep(0.1)
    except KeyboardInterrupt:
        pass
    return None


def main():
    rng = np.random.default_rng(0)
    n = 10_000_000
    labels = np.zeros(n)
    for s in range(1000, n - 200, 50_000):
        labels[s:s + 100] = 1
    score = rng.random(n)
    stream = rng.normal(size=n)
    calls = {"vus_areas n=10M": lambda: kernels.vus_areas(labels, score, 100, 250),
             "spot 10M-point stream": lambda: kernels.spot(stream[:10_000], stream, q=1e-3,
                                                           level=0.5)}
    for name, call in calls.items():
        if name.startswith("vus"):  # SPOT's full run takes minutes: see benchmarks/scale.py
            start = time.perf_counter()
            call()
            print(f"{name}: uninterrupted call {time.perf_counter() - start:.2f} s")
        found = {d: latency(call, d) for d in DELAYS_S}
        shown = ", ".join(f"{d:.2f} s -> " + ("done first" if v is None else f"{v * 1e3:.0f} ms")
                          for d, v in found.items())
        worst = max(v for v in found.values() if v is not None)
        print(f"{name}: signal at {shown}; worst {worst * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
