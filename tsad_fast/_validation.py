"""Input checks shared by every public function.

Each check names the offending argument, raises ``TypeError`` for a wrong type or dtype and
``ValueError`` for a wrong value (NaN/inf, empty, shape, range), and returns the validated value
in the form the kernels take (contiguous float64 arrays, plain Python scalars), so that no
compiled code ever sees an input it was not written for.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from tsad_fast._backend import is_gpu_array


def as_float_array(value: Any, name: str, ndim: int = 1, min_length: int = 1) -> np.ndarray:
    """``value`` as a C-contiguous float64 array of ``ndim`` dimensions with finite entries.

    Lists, tuples and numeric arrays are accepted; 1-D input also accepts an ``(n, 1)`` column.
    """
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    if is_gpu_array(value):
        raise TypeError(f"{name} is a GPU array; this function takes host (NumPy) arrays here "
                        "(the cuda backend of nearest_center, kmeans_assign and vus_areas "
                        "takes GPU arrays; otherwise copy it to the host)")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged nested lists and the like
        raise TypeError(f"{name} could not be read as an array: {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if ndim == 1 and arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    if arr.shape[0] < min_length:
        what = "empty" if arr.shape[0] == 0 else f"of length {arr.shape[0]}"
        raise ValueError(f"{name} is {what}; at least {min_length} value(s) are needed")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if not np.isfinite(arr).all():
        from tsad_fast.tables import first_nonfinite

        raise ValueError(f"{name} contains {first_nonfinite(arr.reshape(arr.shape[0], -1))}")
    return arr


def as_series(value: Any, name: str, min_length: int = 1) -> np.ndarray:
    """A multivariate series as a finite float64 array (n, c); 1-D input is one channel."""
    try:
        ndim = np.ndim(value)
    except Exception:  # ragged input: as_float_array names the problem
        ndim = 2
    arr = as_float_array(value, name, ndim=1 if ndim == 1 else 2, min_length=min_length)
    return arr[:, None] if arr.ndim == 1 else arr


def as_points_and_centers(points: Any, centers: Any, points_name: str, centers_name: str):
    """(points (m, d), centers (k >= 1, d)) as finite float64 arrays with the same d >= 1;
    m may be 0."""
    points = as_float_array(points, points_name, ndim=2, min_length=0)
    centers = as_float_array(centers, centers_name, ndim=2, min_length=1)
    if points.shape[1] != centers.shape[1]:
        raise ValueError(f"{points_name} has {points.shape[1]} columns but {centers_name} has "
                         f"{centers.shape[1]}")
    if points.shape[1] == 0:
        raise ValueError(f"{points_name} and {centers_name} have no columns")
    return points, centers


def check_open_unit(value: Any, name: str) -> float:
    """A real number strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number in (0, 1), got {value!r}")
    value = float(value)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    return value


def check_real(value: Any, name: str, low: float, high: float, low_open: bool = False,
               high_open: bool = False) -> float:
    """A finite real number (not a bool) in the interval from low to high (open ends as given)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if not np.isfinite(value) or too_low or too_high:
        raise ValueError(f"{name} must lie in {'(' if low_open else '['}{low}, {high}"
                         f"{')' if high_open else ']'}, got {value!r}")
    return value


def check_int(value: Any, name: str, minimum: int) -> int:
    """An integer (not a bool) >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_labels(labels: Any, n: int, name: str = "labels", against: str = "score") -> np.ndarray:
    """``labels`` as an int8 0/1 array of length ``n`` (that of ``against``) with both classes
    (the anomaly-class metrics are undefined otherwise)."""
    values = as_float_array(labels, name)
    if values.size != n:
        raise ValueError(f"{name} has {values.size} values but {against} has {n}")
    if not np.isin(values, (0.0, 1.0)).all():
        raise ValueError(f"{name} must hold only 0 (normal) and 1 (anomaly)")
    out = values.astype(np.int8)
    check_both_classes(int(out.size - np.count_nonzero(out)), int(np.count_nonzero(out)), name)
    return out


def check_both_classes(n_normal: int, n_anomalous: int, name: str = "labels") -> None:
    if not n_anomalous:
        raise ValueError(f"{name} holds no anomaly (no 1): the anomaly-class metrics are undefined")
    if not n_normal:
        raise ValueError(f"{name} holds no normal point (all 1): the metrics are undefined")


def check_window(window: Any, n: int, name: str = "sliding_window") -> int:
    """A buffer length in [0, n]: longer than the series (n points) is refused, since every
    buffer would cover it all and the cost grows with the length."""
    window = check_int(window, name, 0)
    if window > n:
        raise ValueError(f"{name}={window} is longer than the series ({n} points); VUS buffers "
                         "are at most the series length")
    return window


def segments(labels: np.ndarray):
    """Inclusive (starts, ends) int64 of the runs of 1 in a 0/1 array, ascending."""
    edges = np.diff(np.concatenate([[0], labels.astype(np.int8), [0]]))
    return (np.flatnonzero(edges == 1).astype(np.int64),
            (np.flatnonzero(edges == -1) - 1).astype(np.int64))
