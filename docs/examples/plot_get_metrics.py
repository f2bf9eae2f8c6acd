"""
``get_metrics`` against TSB-AD's
================================

:func:`tsad_fast.metrics.get_metrics` takes TSB-AD 1.5's arguments and returns its keys and
values, computed by compiled kernels. Here both score the same detector output on the bundled
UCR series; the bars compare the values (they coincide) and the text compares the time.
TSB-AD is optional: without it, only tsad_fast's values are drawn.
"""
import time

import matplotlib.pyplot as plt
import numpy as np

from tsad_fast.datasets import bundled_ucr
from tsad_fast.metrics import find_length_rank, get_metrics

series = bundled_ucr()
x = series.values
# a simple score: distance of each point from the mean of the 50 before it
past = np.convolve(x, np.ones(50) / 50, mode="full")[:x.size]
scores = np.abs(x - np.concatenate([[x[0]], past[:-1]]))
window = find_length_rank(x, rank=1)
pred = scores > scores.mean() + 3 * scores.std()   # TSB-AD's main.py passes booleans

start = time.perf_counter()
ours = get_metrics(scores, series.labels, slidingWindow=window, pred=pred)
ours_seconds = time.perf_counter() - start
try:
    from TSB_AD.evaluation.metrics import get_metrics as tsb_get_metrics
except ImportError:
    theirs = None
else:
    start = time.perf_counter()
    theirs = tsb_get_metrics(scores, series.labels, slidingWindow=window, pred=pred)
    theirs_seconds = time.perf_counter() - start

names = list(ours)
fig, ax = plt.subplots(figsize=(10, 4))
positions = np.arange(len(names))
ax.bar(positions - 0.2, [ours[n] for n in names], 0.4, label=f"tsad_fast ({ours_seconds:.3f} s)")
if theirs is not None:
    ax.bar(positions + 0.2, [theirs[n] for n in names], 0.4,
           label=f"TSB-AD 1.5 ({theirs_seconds:.2f} s)")
    print("largest difference:", max(abs(ours[n] - theirs[n]) for n in names))
ax.set_xticks(positions, names, rotation=30, ha="right")
ax.set_ylabel("value (anomaly class)")
ax.set_title(f"{series.name}: the nine metrics")
ax.legend()
fig.tight_layout()
plt.show()
