"""Child process of the scale checks (tests/reliability/test_scale.py, benchmarks/scale.py):
builds one case's inputs, resets the peak resident set, runs the call and prints one JSON line
with its wall time and the growth of the peak resident set over the inputs.

Usage: python scale_child.py CASE N      CASE: vus_areas, get_metrics, spot, or a detector name
(gboc, scan, msutnet, moon, pca, iforest, knn) scoring an (N, 38) series after a small fit.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np

import tsad_fast
import tsad_fast.metrics


def rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def labelled(n, rng):
    labels = np.zeros(n)
    for s in range(1000, n - 200, max(n // 200, 500)):
        labels[s:s + 100] = 1
    return labels, rng.random(n) + 0.5 * labels


def detector_case(name, n, rng):
    from tsad_fast.bench.detectors import as_spec, build

    train = rng.normal(size=(6000, 38))  # SCAN: a validation window of 2,500 and 2 to train on
    y = np.zeros(6000)
    train[2000:2050] += 4.0
    y[2000:2050] = 1
    test = rng.normal(size=(n, 38))
    params = {"epochs": 1} if name in ("gboc", "scan", "msutnet", "moon") else {}
    if name in ("pca", "iforest", "knn"):  # the scoring is measured: a short fit will do
        train, y = train[:1500], y[:1500]
    spec = as_spec({"detector": name, "params": params})
    model = build(spec, seed=0, threads=2)
    model.fit(train, y) if spec.supervised else model.fit(train)
    return lambda: model.decision_function(test)


def make(case, n):
    rng = np.random.default_rng(0)
    if case == "vus_areas":
        labels, score = labelled(n, rng)
        return lambda: tsad_fast.kernels.vus_areas(labels, score, 100, 250)
    if case == "get_metrics":
        labels, score = labelled(n, rng)
        return lambda: tsad_fast.metrics.get_metrics(score, labels, slidingWindow=100)
    if case == "spot":
        stream = rng.normal(size=n)
        return lambda: tsad_fast.kernels.spot(stream[:10_000], stream, q=1e-3)
    return detector_case(case, n, rng)


def main(case, n):
    call = make(case, n)
    Path("/proc/self/clear_refs").write_text("5")  # the peak resident set restarts from here
    base = rss_kb("VmRSS")
    start = time.perf_counter()
    call()
    seconds = time.perf_counter() - start
    growth = max(rss_kb("VmHWM") - base, 0) * 1024
    print(json.dumps({"case": case, "n": n, "seconds": seconds, "base_mb": base / 1024,
                      "growth_mb": growth / 2**20, "bytes_per_point": growth / n}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
