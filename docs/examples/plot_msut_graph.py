"""
MSUT-Net's learned graph
========================

MSUT-Net reconstructs each variable from the others through learned graphs between the
variables, at several spatial levels (variables, then groups of them). ``graph_`` is the
variable-level graph: row v holds the weights with which variable v draws on the others. The
heat map orders the variables by their learned group.

A small network and one epoch on 4,000 rows keep the example short.
"""
import matplotlib.pyplot as plt

from tsad_fast import MSUTNet
from tsad_fast.datasets import bundled_smd
from tsad_fast.plots import plot_graph

machine = bundled_smd()
model = MSUTNet(window=50, stride=25, channels=16, d_model=32, heads=2, layers=1, epochs=1,
                verbose=0, seed=2024).fit(machine.train[:4000])
print("graph", model.graph_.shape, "groups", None if model.groups_ is None
      else sorted(set(model.groups_.tolist())))

plot_graph(None, model.graph_, model.groups_, title="MSUT-Net's variable graph, machine-1-6")
plt.show()
