"""Plots of fitted detectors (PNG files; needs the ``plot`` extra)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np

from tsad_fast._optional import pyplot


def plot_graph(path: Union[str, Path], graph: np.ndarray, groups: Optional[np.ndarray] = None,
               names: Optional[Sequence[str]] = None, title: str = "learned variable graph"):
    """Heat map of a variable graph (C, C) (row v: the weights variable v draws from), the
    variables ordered by group with the group boundaries drawn when ``groups`` (C,) is given."""
    plt = pyplot("plot_graph")
    c = graph.shape[0]
    order = np.argsort(groups, kind="stable") if groups is not None else np.arange(c)
    labels = [names[v] if names is not None else str(v) for v in order]
    fig, ax = plt.subplots(figsize=(0.22 * c + 3, 0.22 * c + 2.5))
    image = ax.imshow(graph[np.ix_(order, order)], cmap="viridis", interpolation="nearest")
    if groups is not None:
        bounds = np.flatnonzero(np.diff(np.asarray(groups)[order])) + 0.5
        for b in bounds:
            ax.axhline(b, color="white", lw=0.8)
            ax.axvline(b, color="white", lw=0.8)
    ax.set_xticks(range(c), labels, rotation=90, fontsize=6)
    ax.set_yticks(range(c), labels, fontsize=6)
    ax.set_xlabel("source variable")
    ax.set_ylabel("target variable")
    ax.set_title(title, fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.046)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
