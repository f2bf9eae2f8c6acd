"""Windows over a series and back: what every window-based detector does to its input and its
scores, written once.

* :func:`sliding_windows` — windows of ``window`` rows every ``stride`` rows, as a view (NumPy
  arrays and torch tensors alike, no copy);
* :func:`tumbling_windows` / :func:`untumble` — consecutive windows covering the whole
  series, the tail either padded by repeating the last row or covered by the last full window
  ``X[n - window:n]``, and per-row outputs mapped back to the series (SCAN scores a series in
  windows of 2,500 this way);
* :func:`overlapping_windows` / :func:`unoverlap` — windows every ``stride`` rows (the last
  ending at the series' last row) and per-row outputs averaged over the windows that hold
  each row, so no row is seen from one side of a window only (MSUT-Net scores this way);
* :func:`window_scores_to_points` — one score per sliding window to one score per timestamp:
  TSB-AD's padding for stride 1 (``ceil((w-1)/2)`` copies of the first window score
  in front and ``floor((w-1)/2)`` of the last behind), or the mean over the windows that cover
  each timestamp.

Shapes: a series is (n, c) (rows are timestamps); windows are (n_windows, window, c).
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np

from tsad_fast._validation import as_float_array, check_int


def count_windows(n: int, window: int, stride: int = 1) -> int:
    """Number of sliding windows of ``window`` rows every ``stride`` rows in ``n`` rows (0 when
    the series is shorter than one window)."""
    return 0 if n < window else (n - window) // stride + 1


def sliding_windows(X: Any, window: int, stride: int = 1) -> Any:
    """Windows (n_windows, window, c) of a series X (n, c) starting at rows 0, stride,
    2 * stride, ...: a read-only NumPy view of a NumPy X, a view of a torch tensor X.

    Rows after the last full window are not covered (see :func:`tumbling_windows` to cover
    them). Raises ValueError when X is shorter than one window.
    """
    window = check_int(window, "window", 1)
    stride = check_int(stride, "stride", 1)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n, c), got shape {tuple(X.shape)}")
    if X.shape[0] < window:
        raise ValueError(f"X has {X.shape[0]} rows, fewer than window={window}")
    if hasattr(X, "unfold"):  # torch: (n_windows, c, window) -> (n_windows, window, c)
        return X.unfold(0, window, stride).transpose(1, 2)
    X = np.asarray(X)
    return np.lib.stride_tricks.sliding_window_view(X, window, axis=0)[::stride].transpose(0, 2, 1)


TAILS = ("pad", "last")


def tumbling_windows(X: np.ndarray, window: int, tail: str = "pad") -> Tuple[np.ndarray, int]:
    """(windows (ceil(n / window), window, c), n): X (n, c) cut into consecutive windows.

    The rows after the last whole window are covered, with ``tail="pad"``, by a window
    completed by repeating X's last row; with ``tail="last"``, by the last full window
    ``X[n - window:n]`` (it overlaps the one before; a series shorter than one window is
    padded either way).
    """
    window = check_int(window, "window", 1)
    if tail not in TAILS:
        raise ValueError(f"tail must be one of {TAILS}, got {tail!r}")
    n = X.shape[0]
    if n == 0:
        raise ValueError("X is empty")
    n_windows = -(-n // window)
    if tail == "last" and n > window and n % window:
        whole = X[:(n_windows - 1) * window].reshape(n_windows - 1, window, *X.shape[1:])
        return np.concatenate([whole, X[None, n - window:]]), n
    padded = np.concatenate([X, np.repeat(X[-1:], n_windows * window - n, axis=0)])
    return padded.reshape(n_windows, window, *X.shape[1:]), n


def untumble(values: np.ndarray, n: int, tail: str = "pad") -> np.ndarray:
    """Per-row outputs (n_windows, window, ...) of :func:`tumbling_windows` with the same
    ``tail`` back to the series (n, ...): the padding dropped, or the rows of the last full
    window that the windows before it already cover."""
    if tail not in TAILS:
        raise ValueError(f"tail must be one of {TAILS}, got {tail!r}")
    window = values.shape[1]
    flat = values.reshape(values.shape[0] * window, *values.shape[2:])
    if n > flat.shape[0]:
        raise ValueError(f"n={n} exceeds the {flat.shape[0]} rows the windows hold")
    if tail == "last" and n > window and n % window:
        return np.concatenate([flat[:(values.shape[0] - 1) * window],
                               values[-1][window - n % window:]])
    return flat[:n]


def overlapping_windows(X: np.ndarray, window: int,
                        stride: int) -> Tuple[np.ndarray, np.ndarray, int]:
    """(windows (m, window, c), starts (m,), n): windows of X (n, c) starting every
    ``stride`` rows (1 <= stride <= window, so no row falls between two windows), plus the
    last full window ``X[n - window:n]`` when the stride does not end there, so every row is
    covered; a series shorter than one window is padded by repeating its last row (one
    window)."""
    window = check_int(window, "window", 1)
    stride = check_int(stride, "stride", 1)
    if stride > window:
        raise ValueError(f"stride={stride} exceeds window={window}: rows between windows would "
                         f"not be covered")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n, c), got shape {tuple(X.shape)}")
    n = X.shape[0]
    if n == 0:
        raise ValueError("X is empty")
    if n < window:
        padded = np.concatenate([X, np.repeat(X[-1:], window - n, axis=0)])
        return padded[None], np.zeros(1, dtype=np.int64), n
    starts = np.arange(0, n - window + 1, stride)
    if starts[-1] != n - window:
        starts = np.append(starts, n - window)
    return np.stack([X[start:start + window] for start in starts]), starts, n


def unoverlap(values: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    """Per-row outputs (m, window, ...) of :func:`overlapping_windows` back to the series
    (n, ...): each row's outputs averaged over the windows that hold it."""
    if values.ndim < 2 or len(starts) != values.shape[0]:
        raise ValueError(f"values must be (m, window, ...) with one window per start, got shape "
                         f"{tuple(values.shape)} and {len(starts)} starts")
    window = values.shape[1]
    if len(starts) and (np.min(starts) < 0 or np.max(starts) + window > max(n, window)):
        raise ValueError(f"starts must lie in [0, {max(n, window) - window}] for n={n} and "
                         f"window={window}")
    total = np.zeros((max(n, window), *values.shape[2:]))
    count = np.zeros(max(n, window))
    for start, value in zip(starts, values):
        total[start:start + window] += value
        count[start:start + window] += 1.0
    return (total[:n].T / count[:n]).T


def window_scores_to_points(window_scores, window: int, stride: int = 1,
                            n: Optional[int] = None, how: str = "pad") -> np.ndarray:
    """Point scores (n,) from one score per sliding window.

    how="pad" (stride 1 only; TSB-AD's mapping): n = n_windows + window - 1, with
    ``ceil((window-1)/2)`` copies of the first score in front and ``floor((window-1)/2)`` of
    the last behind. how="mean": each timestamp gets the mean score of the windows (starting
    every ``stride`` rows) that cover it; timestamps no window covers (after the last window)
    take the last window's score. ``n`` defaults to the rows the windows span.
    """
    scores = as_float_array(window_scores, "window_scores")
    window = check_int(window, "window", 1)
    stride = check_int(stride, "stride", 1)
    span = (scores.size - 1) * stride + window
    n = span if n is None else check_int(n, "n", span)
    if how == "pad":
        if stride != 1 or n != span:
            raise ValueError("how='pad' maps stride-1 windows onto the rows they span; use "
                             "how='mean' for a stride or a longer series")
        front, back = -(-(window - 1) // 2), (window - 1) // 2
        return np.concatenate([np.full(front, scores[0]), scores, np.full(back, scores[-1])])
    if how != "mean":
        raise ValueError(f"how must be 'pad' or 'mean', got {how!r}")
    starts = np.arange(scores.size) * stride
    total = np.zeros(n + 1)
    count = np.zeros(n + 1)
    np.add.at(total, starts, scores)
    np.add.at(total, starts + window, -scores)
    np.add.at(count, starts, 1.0)
    np.add.at(count, starts + window, -1.0)
    total, count = np.cumsum(total)[:n], np.cumsum(count)[:n]
    out = np.full(n, scores[-1])
    covered = count > 0.5
    out[covered] = total[covered] / count[covered]
    return out
