"""Hypothesis strategies for hostile inputs, shared by the fuzz tests.

* values: near +-1e308, subnormals, -0.0, mixes of huge and tiny, constants, heavy ties, and
  (where asked) NaN/inf;
* lengths around the compiled kernels' vector widths, register tiles, blocks and chunks;
* labels: 0/1 with runs, none or all anomalous, single points, and stray values (2, 0.5, NaN);
* presentations of one array (``presented``): dtype (float32, int, bool, big-endian), layout
  (strided, negative strides, Fortran order, read-only) or container (list, pandas, an (n, 1)
  column). ``tests/fuzz/contract.py`` turns any of them back into the canonical input.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

MAX = float(np.finfo(np.float64).max)
TINY = float(np.finfo(np.float64).tiny)  # the smallest normal double
EXTREMES = (MAX, -MAX, 1e308, -1e308, MAX / 3, 2.0 ** 1000, -(2.0 ** 1000), 1e154, -1e154, 1e-154,
            TINY, -TINY, TINY / 3, 1e-310, 5e-324, -5e-324, 0.0, -0.0)
NONFINITE = (np.nan, np.inf, -np.inf)
# ordinary data times these scales: natural series at the top and the bottom of the range
SCALES = (1.0, 1e300, 2.0 ** 1020, 1e150, 1e-150, 1e-300, 1e-310, 1e-320)

# csrc/include/tsad_fast: SIMD widths 2 and 4 (common.hpp), register tiles of 4 queries x 8
# centers and blocks of 64 queries (nearest.hpp), 4 centers x 2 vectors of points (center_scan.hpp)
_EDGES = (1, 2, 4, 8, 16, 32, 64)
LENGTHS = tuple(sorted({max(1, e + d) for e in _EDGES for d in (-1, 0, 1)}))
# 256-point blocks (center_scan.hpp) and 256-center chunks (nearest.hpp)
LONG_LENGTHS = (255, 256, 257)

DTYPES = ("<f8",) * 8 + (">f8", "<f4", ">f4", "<i8", ">i4", "?")
LAYOUTS = ("c", "strided", "reversed", "fortran", "readonly")
CONTAINERS = ("ndarray", "ndarray", "ndarray", "list", "pandas", "column")

def elements() -> st.SearchStrategy[float]:
    """One finite float: an extreme, a small integer (ties), or any double."""
    return (st.sampled_from(EXTREMES) | st.integers(-3, 3).map(float)
            | st.floats(allow_nan=False, allow_infinity=False))


@st.composite
def float_arrays(draw, shape) -> np.ndarray:
    """A float64 array of ``shape``: independent hostile elements, one repeated value,
    ordinary data at an extreme scale, or small-integer ties; then, in one array in ten, one
    entry NaN or +-inf."""
    kind = draw(st.sampled_from(["mixed", "constant", "scaled", "ties"]))
    if kind == "mixed":
        arr = draw(hnp.arrays(np.float64, shape, elements=elements()))
    elif kind == "constant":
        arr = np.full(shape, draw(elements()))
    else:
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        if kind == "ties":
            arr = rng.integers(-2, 3, size=shape).astype(np.float64)
        else:
            arr = rng.normal(size=shape) * draw(st.sampled_from(SCALES))
    arr = np.array(arr, dtype=np.float64)  # 0-d results are arrays too
    if arr.size and draw(st.integers(0, 9)) == 0:
        arr.flat[draw(st.integers(0, arr.size - 1))] = draw(st.sampled_from(NONFINITE))
    return arr


@st.composite
def label_arrays(draw, n: int) -> np.ndarray:
    """float64 labels (n,): runs of 1 with both classes (most often), no anomaly, all anomaly,
    or a valid array with one stray entry (-0.0 is a valid 0; 2, 0.5, -1, NaN are not)."""
    kind = draw(st.sampled_from(["runs"] * 20 + ["none", "all", "stray"]))
    if kind == "none":
        return np.zeros(n)
    if kind == "all":
        return np.ones(n)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    labels = np.zeros(n)
    for _ in range(draw(st.integers(1, 4))):
        start = int(rng.integers(0, n))
        labels[start:start + int(rng.integers(1, max(2, n // 3)))] = 1.0
    if n > 1 and labels.all():
        labels[int(rng.integers(0, n))] = 0.0
    if n > 1 and not labels.any():
        labels[int(rng.integers(0, n))] = 1.0
    if kind == "stray":
        labels[int(rng.integers(0, n))] = draw(st.sampled_from([-0.0, 2.0, 0.5, -1.0, np.nan]))
    return labels


def _with_dtype(arr: np.ndarray, dtype: str) -> np.ndarray:
    """``arr`` as ``dtype``: floats rounded (float32 overflows to inf), integers truncated
    after clipping to int32's range (NaN -> 0), bool as ``arr != 0``."""
    if dtype == "?":
        return np.asarray(arr != 0)
    if dtype[1] == "i":
        return np.asarray(np.clip(np.nan_to_num(arr), -2**31, 2**31 - 1)).astype(dtype)
    with np.errstate(over="ignore"):
        return arr.astype(dtype)


def _with_layout(arr: np.ndarray, layout: str) -> np.ndarray:
    """The same values in another memory layout (a view where possible)."""
    if layout == "strided":  # every other element of a twice as wide array
        return np.repeat(arr, 2, axis=-1)[..., ::2] if arr.ndim else arr
    if layout == "reversed":  # negative strides
        flip = (slice(None, None, -1),) * arr.ndim
        return arr[flip].copy()[flip]
    if layout == "fortran":
        return np.asfortranarray(arr)
    if layout == "readonly":
        arr = arr.copy()
        arr.flags.writeable = False
    return arr


@st.composite
def presented(draw, arr: np.ndarray, dtypes=DTYPES):
    """``arr`` in a hostile presentation: one of ``dtypes`` and a memory layout, or a Python
    list, a pandas Series/DataFrame (native dtypes) or, for 1-D input, an (n, 1) column."""
    container = draw(st.sampled_from(CONTAINERS))
    if container == "pandas" and arr.ndim in (1, 2):
        native = _with_dtype(arr, draw(st.sampled_from([d for d in dtypes if d[0] != ">"])))
        if arr.ndim == 1:  # a non-default index: positions, not index labels, must count
            return pd.Series(native, index=np.arange(arr.size)[::-1] * 3)
        return pd.DataFrame(native)
    out = _with_layout(_with_dtype(arr, draw(st.sampled_from(dtypes))),
                       draw(st.sampled_from(LAYOUTS)))
    if container == "list":
        return out.tolist()
    if container == "column" and out.ndim == 1:
        return out[:, None]
    return out


def hostile_arrays(shape):
    """``float_arrays(shape)`` in a hostile presentation."""
    return float_arrays(shape).flatmap(presented)


def hostile_labels(n: int):
    """``label_arrays(n)`` in a hostile presentation."""
    return label_arrays(n).flatmap(presented)


@st.composite
def labelled_scores(draw):
    """(labels, score): hostile both, of one length (n at the tile edges) or not, score 1-D or
    of a wrong shape."""
    n = draw(st.sampled_from(LENGTHS))
    score = draw(hostile_arrays(draw(st.sampled_from([(n,)] * 40 + [(n, 2), (), (0,)]))))
    labels = draw(hostile_labels(draw(st.sampled_from([n] * 30 + [n + 1]))))
    return labels, score


@st.composite
def parameters(draw, table):
    """Keyword arguments from ``table`` ({name: (valid values, invalid values)}): all valid,
    or one time in ten one of them invalid."""
    params = {name: draw(st.sampled_from(valid)) for name, (valid, _) in table.items()}
    if draw(st.integers(0, 9)) == 0:
        name = draw(st.sampled_from([name for name, (_, bad) in table.items() if bad]))
        params[name] = draw(st.sampled_from(table[name][1]))
    return params


def windows(n: int):
    """A buffer length: inside [0, n], just past the series, negative, or not an integer."""
    return st.one_of(*[st.integers(0, n)] * 16, st.sampled_from([n + 1, n + 3]),
                     st.sampled_from([-1, True, 2.0, np.int64(1), "3", None]))
