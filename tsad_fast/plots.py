"""The package's plots (need the ``plot`` extra): a detection (scores, threshold, labels), SPOT
over a stream, a benchmark grid's VUS-PR boxes, MSUT-Net's learned graph.

Each writes a PNG to ``path`` and returns that path; with ``path=None`` it returns the
matplotlib figure instead, open, for a notebook or further drawing."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence, Union

import numpy as np

from tsad_fast._optional import pyplot

PathLike = Optional[Union[str, Path]]


def _finish(plt, fig, path: PathLike) -> Any:
    """The figure when ``path`` is None; else the PNG written there, the figure closed."""
    if path is None:
        return fig
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def plot_graph(path: PathLike, graph: np.ndarray, groups: Optional[np.ndarray] = None,
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
    return _finish(plt, fig, path)


def plot_detection(path: PathLike, scores: np.ndarray, threshold,
                   labels: Optional[np.ndarray], title: str) -> Any:
    """PNG of scores (n,), the threshold (a number, or one per score) and the labelled
    anomalous segments (labels (n,) 0/1, or None)."""
    plt = pyplot("plot_detection")

    fig, ax = plt.subplots(figsize=(14, 4))
    t = np.arange(scores.size)
    labels = np.zeros(scores.size) if labels is None else np.asarray(labels)
    edges = np.flatnonzero(np.diff(np.r_[0, labels, 0]))
    for i, (start, stop) in enumerate(zip(edges[::2], edges[1::2])):
        ax.axvspan(start, stop, color="red", alpha=0.18, lw=0,
                   label="labelled anomaly" if i == 0 else None)
    ax.plot(t, scores, lw=0.6, color="#2F5D8A", label="anomaly score")
    if np.ndim(threshold):
        ax.plot(t, threshold, color="#FF8C1A", ls="--", lw=1.2, label="threshold")
    else:
        ax.axhline(threshold, color="#FF8C1A", ls="--", lw=1.2, label="threshold")
    flagged = scores > threshold
    ax.scatter(t[flagged], scores[flagged], s=3, color="#C0392B", zorder=3, label="flagged")
    ax.set_xlabel("timestamp")
    ax.set_ylabel("score")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return _finish(plt, fig, path)


def plot_spot(path: PathLike, values: np.ndarray, n_init: int, result,
              labels: Optional[np.ndarray] = None, title: str = "SPOT") -> Any:
    """PNG of a series (n,), the SPOT thresholds over its stream part (``result``, a
    :class:`~tsad_fast.thresholds.SpotResult` of the points after the first ``n_init``), its
    alarms and the labelled anomalies (0/1, n)."""
    plt = pyplot("plot_spot")

    t = np.arange(n_init, values.size)
    fig, ax = plt.subplots(figsize=(12, 4))
    ax.plot(np.arange(values.size), values, lw=0.6, color="#5D8AA8", label="series")
    ax.plot(t, result.upper, lw=1, color="#FF9933", ls="--", label="upper threshold")
    if result.lower is not None:
        ax.plot(t, result.lower, lw=1, color="#FF9933", ls=":", label="lower threshold")
    ax.axvline(n_init, color="grey", lw=0.8)
    if labels is not None and labels.any():
        idx = np.flatnonzero(labels)
        ax.axvspan(idx[0], idx[-1] + 1, color="red", alpha=0.15, label="labelled anomaly")
    alarms = n_init + result.alarms
    ax.scatter(alarms, values[alarms], color="red", s=12, zorder=3, label="alarms")
    ax.set_title(f"{title}: {result.alarms.size} alarms over {values.size - n_init} points "
                 f"(calibration: the first {n_init})")
    ax.set_xlabel("timestamp")
    ax.set_ylabel("value")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return _finish(plt, fig, path)


def plot_vus_pr_box(frame, path: PathLike = None) -> Any:
    """A PNG of the VUS-PR distribution over the series of a benchmark grid's rows (a pandas
    frame, :mod:`tsad_fast.bench.task`), one box per detector (ok tasks)."""
    plt = pyplot("plot_vus_pr_box")
    ok = frame[frame["status"] == "ok"]
    order = [d for d in dict.fromkeys(frame["detector"]) if (ok["detector"] == d).any()]
    values = [ok.loc[ok["detector"] == d, "VUS-PR"].to_numpy() for d in order]
    fig, ax = plt.subplots(figsize=(max(4.0, 1.2 * len(order) + 2), 4))
    ax.boxplot(values, showmeans=True)
    ax.set_xticks(range(1, len(order) + 1), order, rotation=20)
    ax.set_ylabel("VUS-PR")
    ax.set_ylim(0, 1)
    ax.set_title(f"VUS-PR over {ok['series'].nunique()} series")
    fig.tight_layout()
    return _finish(plt, fig, path)
