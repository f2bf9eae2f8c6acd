"""Readers for the real data the package ships or the user points it to.

Bundled: one UCR Anomaly Archive series (``135_UCR_Anomaly_InternalBleeding16_1200_4187_4199``,
Keogh et al., KDD Cup 2021), used by the demo and the tests.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Union

import numpy as np

DATA_DIR = Path(__file__).with_name("data")
_UCR_NAME = re.compile(r"^(\d+)_UCR_Anomaly_(.+)_(\d+)_(\d+)_(\d+)\.txt$")


@dataclass(frozen=True)
class UCRSeries:
    """A UCR anomaly-archive series: ``values`` (n,) float64, ``labels`` (n,) int8 (1 = anomaly),
    ``train_end`` (training part is ``values[:train_end]``), ``name``."""

    name: str
    values: np.ndarray
    labels: np.ndarray
    train_end: int


def load_ucr(path: Union[str, Path]) -> UCRSeries:
    """Read a UCR archive file ``NNN_UCR_Anomaly_NAME_TRAINEND_BEGIN_END.txt``.

    The archive's numbers are 1-based and inclusive; here ``labels[BEGIN-1:END] = 1``.
    """
    path = Path(path)
    match = _UCR_NAME.match(path.name)
    if match is None:
        raise ValueError(f"path {path.name!r} does not follow the UCR archive naming "
                         "NNN_UCR_Anomaly_NAME_TRAINEND_BEGIN_END.txt")
    train_end, begin, end = (int(match.group(i)) for i in (3, 4, 5))
    values = np.loadtxt(path, dtype=np.float64).ravel()
    if not (0 < train_end < values.size and 1 <= begin <= end <= values.size):
        raise ValueError(f"{path.name}: indices in the name do not fit {values.size} values")
    labels = np.zeros(values.size, dtype=np.int8)
    labels[begin - 1:end] = 1
    return UCRSeries(name=f"{match.group(1)}_{match.group(2)}", values=values, labels=labels,
                     train_end=train_end)


def bundled_ucr() -> UCRSeries:
    """The UCR series shipped with the package (InternalBleeding16, 7,501 points)."""
    return load_ucr(DATA_DIR / "135_UCR_Anomaly_InternalBleeding16_1200_4187_4199.txt")
