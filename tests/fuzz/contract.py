"""The contract every fuzz test checks.

A call on any backend, with any presentation of its arrays, either returns what the NumPy
reference returns for the canonical input (the same values as C-contiguous native float64
arrays), with no NaN/inf anywhere in the result, or raises ValueError/TypeError whose message
names an offending argument, as the reference does. Any other exception propagates and fails
the test.
"""
from __future__ import annotations

import dataclasses
import math
import re
from typing import Callable, Iterable

import numpy as np
import pandas as pd
from hypothesis import event


def canonical(x):
    """The canonical form of a presented argument: its values as a C-contiguous native float64
    array (anything that is not array data, None or a string, is passed through)."""
    if x is None or isinstance(x, (str, bytes, bool, int, float, np.generic)):
        return x
    if isinstance(x, (pd.Series, pd.DataFrame)):
        x = x.to_numpy()
    return np.array(np.asarray(x), dtype=np.float64, order="C")


def outcome(call: Callable):
    """The result of ``call()``, or the ValueError/TypeError it raised."""
    try:
        return call()
    except (ValueError, TypeError) as exc:
        return exc


def names_one_of(exc: Exception, names: Iterable[str]) -> bool:
    """Whether the message of ``exc`` names one of ``names`` as a whole word."""
    words = "|".join(re.escape(name) for name in names)
    return re.search(rf"(?<![\w])({words})(?![\w])", str(exc)) is not None


def assert_finite(value, path: str = "result") -> None:
    """No NaN or inf anywhere in ``value`` (arrays, numbers, tuples, dicts, dataclasses)."""
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        for key, item in value.items():
            assert_finite(item, f"{path}[{key!r}]")
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            assert_finite(item, f"{path}[{i}]")
    elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
        assert np.isfinite(value).all(), f"{path} holds NaN/inf: {value}"
    elif isinstance(value, (float, np.floating)):
        assert math.isfinite(value), f"{path} is {value}"


def check(got, want, names: Iterable[str], same: Callable, finite: Callable = assert_finite):
    """``got`` (the call under test) against ``want`` (the reference on the canonical input):
    both the same ValueError/TypeError naming one of ``names``, or both results, finite
    (``finite``) and equal (``same(got, want)``). The outcome is recorded for
    ``--hypothesis-show-statistics``."""
    names = tuple(names)
    event("raised " + type(want).__name__ if isinstance(want, Exception) else "returned")
    for result in (want, got):
        if isinstance(result, Exception):
            assert names_one_of(result, names), f"{result!r} names none of {names}"
    if isinstance(want, Exception) or isinstance(got, Exception):
        assert type(got) is type(want), f"got {got!r}, the reference gave {want!r}"
        return
    finite(want)
    finite(got)
    same(got, want)


def compare(got, want, leaf: Callable) -> None:
    """``leaf(got, want)`` on every array or number of two results of the same structure
    (arrays, numbers, tuples, lists, dicts and dataclasses of them)."""
    if dataclasses.is_dataclass(want):
        got, want = dataclasses.asdict(got), dataclasses.asdict(want)
    if isinstance(want, dict):
        assert got.keys() == want.keys()
        for key in want:
            compare(got[key], want[key], leaf)
    elif isinstance(want, (tuple, list)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            compare(g, w, leaf)
    else:
        leaf(got, want)


def assert_equal(got, want) -> None:
    """Bit-identical results."""
    compare(got, want, np.testing.assert_array_equal)


def assert_close(rtol: float = 0.0, atol: float = 1e-12) -> Callable:
    """A ``same`` for ``check``: every number within ``atol + rtol * |want|`` (NaN where the
    reference has NaN), integers equal."""
    def same(got, want):
        compare(got, want, lambda g, w: np.testing.assert_allclose(g, w, rtol=rtol, atol=atol))
    return same
