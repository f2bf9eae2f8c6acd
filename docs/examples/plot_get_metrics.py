"""
``get_metrics`` against TSB-AD's
================================

:func:`tsad_fast.metrics.get_metrics` takes TSB-AD 1.5's arguments and returns its keys and
values, computed by compiled kernels. Here both evaluate the same scores of the bundled SMD
machine (a simple detector: each row's mean absolute z-score against the training part) with
the predictions TSB-AD's ``main.py`` makes, ``score > mean + 3 std`` as booleans. The bars
compare the values (they coincide) and the legend the time.

The boolean predictions show one of TSB-AD's quirks, kept so that numbers compare: its range
conversion turns booleans into one range from the first edge to the end of the series, so
R-based-F1 is near 0 here (pass ``pred.astype(int)`` for the true ranges). TSB-AD is
optional: without it, only tsad_fast's values are drawn.
"""
import time

import matplotlib.pyplot as plt
import numpy as np

from tsad_fast.datasets import bundled_smd
from tsad_fast.metrics import get_metrics

machine = bundled_smd()
mean, std = machine.train.mean(axis=0), machine.train.std(axis=0) + 1e-6
train_scores = np.abs((machine.train - mean) / std).mean(axis=1)
scores = np.abs((machine.test - mean) / std).mean(axis=1)
pred = scores > train_scores.mean() + 3 * train_scores.std()   # booleans, as TSB-AD passes

start = time.perf_counter()
ours = get_metrics(scores, machine.labels, slidingWindow=100, pred=pred)
ours_seconds = time.perf_counter() - start
try:
    from TSB_AD.evaluation.metrics import get_metrics as tsb_get_metrics
except ImportError:
    theirs = None
else:
    start = time.perf_counter()
    theirs = tsb_get_metrics(scores, machine.labels, slidingWindow=100, pred=pred)
    theirs_seconds = time.perf_counter() - start

names = list(ours)
fig, ax = plt.subplots(figsize=(10, 4))
positions = np.arange(len(names))
ax.bar(positions - 0.2, [ours[n] for n in names], 0.4, label=f"tsad_fast ({ours_seconds:.3f} s)")
if theirs is not None:
    ax.bar(positions + 0.2, [theirs[n] for n in names], 0.4,
           label=f"TSB-AD 1.5 ({theirs_seconds:.1f} s)")
    print("largest difference:", max(abs(ours[n] - theirs[n]) for n in names))
ax.set_xticks(positions, names, rotation=30, ha="right")
ax.set_ylabel("value (anomaly class)")
ax.set_title("SMD machine-1-6: the nine metrics of one detector's scores")
ax.legend()
fig.tight_layout()
plt.show()
