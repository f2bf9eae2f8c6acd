"""
SPOT alarms over a stream
=========================

SPOT (Siffer et al., KDD 2017) calibrates a generalised Pareto tail on the first part of a
stream and then moves its threshold as new extreme values arrive. Here it watches a noisy
signal with a few injected spikes; the picture shows the threshold over the stream and the
alarms it raised.
"""
import matplotlib.pyplot as plt
import numpy as np

from tsad_fast.plots import plot_spot
from tsad_fast.thresholds import spot_thresholds

rng = np.random.default_rng(7)
values = rng.gamma(2.0, 1.0, size=12000)
labels = np.zeros(values.size, dtype=int)
for start in (6000, 8500, 10700):
    values[start:start + 15] += 12.0
    labels[start:start + 15] = 1

n_init = 4000                       # the calibration part
result = spot_thresholds(values[:n_init], values[n_init:], q=1e-4, level=0.98)
print(f"{result.alarms.size} alarms; first at stream index {result.alarms[:3]}")

plot_spot(None, values, n_init, result, labels, title="SPOT on a noisy stream")
plt.show()
