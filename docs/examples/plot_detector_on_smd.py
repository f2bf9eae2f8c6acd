"""
A detector on the bundled SMD machine
=====================================

GBOC (granular balls on an LSTM encoder) learns the normal behaviour of one machine of the
Server Machine Dataset from its training part and scores the test part. The picture shows the
scores, the detector's threshold (three standard deviations above the mean training score) and
the labelled anomalous segments.

One training epoch on the first 6,000 training rows keeps the example short; the detector's
defaults train on all 23,688 rows.
"""
import matplotlib.pyplot as plt

from tsad_fast import GBOC
from tsad_fast.datasets import bundled_smd
from tsad_fast.metrics import get_metrics
from tsad_fast.plots import plot_detection

machine = bundled_smd()                         # train (23688, 38), test (23689, 38), labels
model = GBOC(epochs=1, verbose=0, seed=2024).fit(machine.train[:6000])
scores = model.decision_function(machine.test)  # (n,), higher = more anomalous
pred = model.predict(machine.test)              # scores > model.threshold_

metrics = get_metrics(scores, machine.labels, slidingWindow=100, pred=pred)
print({name: round(metrics[name], 3) for name in ("VUS-PR", "VUS-ROC", "Standard-F1")})

plot_detection(None, scores, model.threshold_, machine.labels, "GBOC on machine-1-6")
plt.show()
