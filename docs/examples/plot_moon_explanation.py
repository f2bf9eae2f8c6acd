"""
A Moon explanation: variable contributions and the critical point
=================================================================

Moon is supervised: it learns from labelled timestamps, on two views of each row, the raw
values and their multivariate Markov transition field (MV-MTF). For a flagged timestamp,
``explain`` ranks the variables by their fused contribution (Kernel SHAP of the raw row,
expected gradients of the MV-MTF row) and finds the critical point: the fewest top-ranked
variables that, reset to normal values, make the model say normal again.

The bundled SMD machine's test part carries labels and, for its anomalies, the metrics that
caused them (interpretation labels). A small network (``os_budget``), one epoch and 128
coalitions keep this example short; the defaults are the paper's network and 256 coalitions.
"""
import matplotlib.pyplot as plt
import numpy as np

from tsad_fast import Moon
from tsad_fast.datasets import bundled_smd

machine = bundled_smd()
X, y = machine.test, machine.labels
split = 16000                            # fit on the first rows, explain the later ones
model = Moon(os_budget=(256, 16384), epochs=1, threshold="best-f1", validation_size=0.2,
             verbose=0, seed=2024).fit(X[:split], y[:split])
scores = model.decision_function(X[split:])
flagged = np.flatnonzero((scores > model.threshold_) & (y[split:] == 1)
                         & (machine.dim_labels[split:].sum(axis=1) > 0))
print(f"{flagged.size} true positives after row {split}")

t = int(flagged[flagged.size // 2]) if flagged.size else int(np.argmax(scores))
explanation = model.explain(X[split:], t, n_coalitions=128)
causes = np.flatnonzero(machine.dim_labels[split + t])
print(f"t = {split + t}: P(anomaly) {explanation.score:.3f}, critical point "
      f"{explanation.critical_point}, top variables {explanation.top_variables.tolist()}, "
      f"labelled causes {causes.tolist()}")

order = explanation.ranking[:15]
colors = ["tab:red" if i < explanation.critical_point else "tab:gray" for i in range(order.size)]
fig, ax = plt.subplots(figsize=(9, 4))
ax.bar(range(order.size), explanation.contributions[order], color=colors)
ax.set_xticks(range(order.size), [f"m{v}" + ("*" if v in causes else "") for v in order])
ax.set_ylabel("fused contribution")
ax.set_title(f"timestamp {split + t}: red = the critical point's variables, * = labelled cause")
fig.tight_layout()
plt.show()
