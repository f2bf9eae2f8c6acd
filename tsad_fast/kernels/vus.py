"""VUS areas (Paparrizos et al., VLDB 2022, as TSB-AD 1.5 computes them): the areas under the range
ROC and PR curves for every buffer length.

``vus_areas(labels, score, sliding_window, n_thresholds)`` returns Range-AUC-ROC and
Range-AUC-PR for buffer lengths w = 0..sliding_window exactly as TSB-AD 1.5 computes them
(after its October 2024 fix): thresholds ``sort(score)[::-1][linspace(0, n-1, thre)
.astype(int)]``, a point predicted when ``score >= threshold``; their means are VUS-ROC and
VUS-PR (:mod:`tsad_fast.metrics.vus`). Backends: the NumPy reference (``_numpy/vus.py``, with
the derivation), Numba, C++ and CUDA.

A GPU score (CuPy, CUDA torch, ...) runs on the ``cuda`` backend without leaving the device:
the labels' runs, the thresholds and the areas are computed there and the areas come back as
arrays of its library (see ``device.py``).
"""
from __future__ import annotations

from typing import Any, Tuple

import numpy as np

from tsad_fast import _backend
from tsad_fast._backend import is_gpu_array
from tsad_fast._validation import (as_float_array, check_both_classes, check_int, check_labels,
                                   check_window, segments)
from tsad_fast.kernels import device

_backend.register(
    "vus_areas",
    cpp="tsad_fast._core:vus_areas",
    cuda="tsad_fast._cuda:vus_areas",
    device="tsad_fast._cuda:vus_areas_device",
    numba="tsad_fast.kernels._numba.vus:vus_areas",
    numpy="tsad_fast.kernels._numpy.vus:vus_areas",
)


def threshold_positions(n: int, n_thresholds: int) -> np.ndarray:
    """TSB-AD's threshold positions in the descending score: ``linspace(0, n-1, thre)``."""
    return np.linspace(0, n - 1, n_thresholds).astype(int)


def vus_areas(labels, score, sliding_window: int = 100, n_thresholds: int = 250,
              backend: str = "auto") -> Tuple[Any, Any]:
    """Range-AUC-ROC and Range-AUC-PR for every buffer length 0..sliding_window.

    Parameters
    ----------
    labels : array-like (n,) of 0/1, with both classes
    score : array-like (n,) float, higher = more anomalous
    sliding_window : int in [0, n], the largest buffer length (TSB-AD's ``slidingWindow``)
    n_thresholds : int >= 1 (TSB-AD's ``thre``)
    backend : {"auto", "cpp", "numba", "numpy", "cuda"}; "auto" picks "cuda" for a GPU score

    Returns
    -------
    roc, pr : (sliding_window + 1,) float64 each: NumPy arrays, or arrays of the score's library
        on its device for a GPU score
    """
    return checked_vus_areas(labels, score, sliding_window, n_thresholds, backend)


def checked_vus_areas(labels, score, window, n_thresholds, backend: str = "auto",
                      window_name: str = "sliding_window") -> Tuple[Any, Any]:
    """``vus_areas``, its errors calling the largest buffer length ``window_name`` (the
    argument's name in the caller: ``window`` for ``range_auc``)."""
    name, _ = _backend.resolve("vus_areas", backend, like=score)
    n_thresholds = check_int(n_thresholds, "n_thresholds", 1)
    if name == "cuda" and is_gpu_array(score):
        return _vus_areas_device(labels, score, window, n_thresholds, window_name)
    score = as_float_array(score, "score")
    labels = check_labels(labels, score.size)
    window = check_window(window, score.size, window_name)
    return vus_areas_unchecked(labels, score, window, n_thresholds, backend)


def vus_areas_unchecked(labels: np.ndarray, score: np.ndarray, window: int, n_thresholds: int,
                        backend: str = "auto") -> Tuple[np.ndarray, np.ndarray]:
    """The areas of validated host arrays (``check_labels`` labels, finite float64 score,
    ``check_window`` window), for callers that validated them already."""
    _, run = _backend.resolve("vus_areas", backend)
    starts, ends = segments(labels)
    # the descending sort's values at the positions, without sorting everything (order
    # statistics: the same values, in a third of the time at n = 10M)
    ranks = score.size - 1 - threshold_positions(score.size, n_thresholds)
    thresholds = np.ascontiguousarray(np.partition(score, np.unique(ranks))[ranks])
    return run(score, starts, ends, thresholds, window)


def _vus_areas_device(labels, score, sliding_window, n_thresholds, window_name):
    ops, score = device.adopt(score, "score")
    score = device.checked(ops, score, "score", ndim=1, min_rows=1)
    n = ops.shape(score)[0]
    window = check_window(sliding_window, n, window_name)
    if is_gpu_array(labels):
        other, labels = device.adopt(labels, "labels")
        if other.name != ops.name:
            raise TypeError(f"labels is a {other.name} array but score is a {ops.name} array")
        if ops.device_of(labels) != ops.device_of(score):
            raise ValueError("labels and score are on different GPUs; give both on one device")
        if ops.shape(labels) not in ((n,), (n, 1)):
            raise ValueError(f"labels has shape {ops.shape(labels)} but score has {n} values")
        starts, ends, (n_normal, n_anomalous) = ops.label_edges(labels)
        check_both_classes(n_normal, n_anomalous)
    else:
        starts, ends = segments(check_labels(labels, n))
    thresholds = ops.take(ops.sort_descending(score), threshold_positions(n, n_thresholds))
    roc, pr = ops.empty(score, (window + 1,), "float64"), ops.empty(score, (window + 1,), "float64")
    device.launch(ops, score, "vus_areas", ops.pointer(score), n,
                   np.ascontiguousarray(starts), np.ascontiguousarray(ends),
                   ops.pointer(thresholds), n_thresholds, window, ops.pointer(roc),
                   ops.pointer(pr))
    return roc, pr
