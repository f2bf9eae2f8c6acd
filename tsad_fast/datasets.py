"""Readers for the real data the package ships or the user points it to.

* the Server Machine Dataset (OmniAnomaly, Su et al., KDD 2019) in its published layout
  (``train/``, ``test/``, ``test_label/``, ``interpretation_label/`` text files) or as one
  ``.npz`` per machine (keys ``train``, ``test``, ``label``, ``dim_label``);
* TSB-AD's CSV files (``[index]_[name]_id_[id]_[domain]_tr_[train end]_1st_[first anomaly].csv``,
  feature columns then ``Label``);
* the UCR Anomaly Archive (``NNN_UCR_Anomaly_NAME_TRAINEND_BEGIN_END.txt``).

Bundled, for the demos and the tests: one UCR series
(``135_UCR_Anomaly_InternalBleeding16_1200_4187_4199``, Keogh et al., KDD Cup 2021) and one SMD
machine (``BUNDLED_SMD``, Su et al., KDD 2019, MIT licence) as ``.npz``.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

import numpy as np

from tsad_fast.tables import first_nonfinite, read_text

DATA_DIR = Path(__file__).with_name("data")
BUNDLED_SMD = "machine-1-6"
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
    table = read_text(path, delimiter=None)
    if min(table.shape) > 1:  # the archive has one value per line, or all on one line
        raise ValueError(f"{str(path)!r}: holds a table of shape {table.shape}; a UCR archive "
                         "series has one column (or one row)")
    values = table.ravel()
    problem = first_nonfinite(values)
    if problem:
        raise ValueError(f"{str(path)!r}: the series contains {problem}")
    if not (0 < train_end < values.size and 1 <= begin <= end <= values.size):
        raise ValueError(f"{str(path)!r}: indices in the name do not fit {values.size} values")
    labels = np.zeros(values.size, dtype=np.int8)
    labels[begin - 1:end] = 1
    return UCRSeries(name=f"{match.group(1)}_{match.group(2)}", values=values, labels=labels,
                     train_end=train_end)


def bundled_ucr() -> UCRSeries:
    """The UCR series shipped with the package (InternalBleeding16, 7,501 points)."""
    return load_ucr(DATA_DIR / "135_UCR_Anomaly_InternalBleeding16_1200_4187_4199.txt")


@dataclass(frozen=True)
class LabelledSeries:
    """A multivariate series with labels. ``train`` (n_train, c) float64 (may be empty),
    ``test`` (n, c) float64, ``labels`` (n,) int8 (1 = anomaly), ``dim_labels`` (n, c) int8
    (1 = that metric is a cause; all-zero where not given) or None, ``name``."""

    name: str
    train: np.ndarray
    test: np.ndarray
    labels: np.ndarray
    dim_labels: Optional[np.ndarray]


def _checked(name, train, test, labels, dim_labels) -> LabelledSeries:
    train, test = np.asarray(train, dtype=np.float64), np.asarray(test, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int8).ravel()
    if test.ndim == 1:
        test = test[:, None]
    if train.ndim == 1:
        train = train[:, None]
    if labels.size != test.shape[0]:
        raise ValueError(f"{name}: {labels.size} labels for {test.shape[0]} test rows")
    if train.size and train.shape[1] != test.shape[1]:
        raise ValueError(f"{name}: train has {train.shape[1]} columns, test {test.shape[1]}")
    for part, values in (("train", train), ("test", test)):
        problem = first_nonfinite(values)
        if problem:
            raise ValueError(f"{name}: its {part} part contains {problem}")
    if dim_labels is not None:
        dim_labels = np.asarray(dim_labels).astype(np.int8)
        if dim_labels.shape != test.shape:
            raise ValueError(f"{name}: dim_labels {dim_labels.shape} do not match test {test.shape}")
    return LabelledSeries(name=name, train=train, test=test, labels=labels, dim_labels=dim_labels)


def parse_interpretation(lines, n: int, c: int) -> np.ndarray:
    """(n, c) int8 causes from SMD interpretation lines ``start-end:d1,d2,...``: rows
    [start, end) counted from 0, dimensions counted from 1."""
    out = np.zeros((n, c), dtype=np.int8)
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        match = re.fullmatch(r"(\d+)-(\d+):([\d,]+)", line)
        if match is None:
            raise ValueError(f"interpretation line {number} is not 'start-end:d1,d2,...': {line!r}")
        start, end = int(match.group(1)), int(match.group(2))
        dims = [int(d) - 1 for d in match.group(3).split(",") if d]
        if not (0 <= start <= end <= n) or any(not 0 <= d < c for d in dims):
            raise ValueError(f"interpretation line {number} falls outside ({n}, {c}): {line!r}")
        out[start:end, dims] = 1
    return out


def load_smd_npz(path: Union[str, Path]) -> LabelledSeries:
    """One SMD machine from an ``.npz`` with keys train, test, label and (optional) dim_label."""
    path = Path(path)
    with np.load(path, allow_pickle=False) as data:
        missing = {"train", "test", "label"} - set(data.files)
        if missing:
            raise ValueError(f"{path.name}: missing keys {sorted(missing)}")
        dim = data["dim_label"] if "dim_label" in data.files else None
        return _checked(path.stem, data["train"], data["test"], data["label"], dim)


def bundled_smd() -> LabelledSeries:
    """The SMD machine shipped with the package (``BUNDLED_SMD``: train 23,688 x 38,
    test 23,689 x 38, labels and interpretation labels)."""
    return load_smd_npz(DATA_DIR / f"{BUNDLED_SMD}.npz")


def load_smd(root: Union[str, Path], machine: str) -> LabelledSeries:
    """One SMD machine (e.g. ``"machine-1-1"``) from the published layout under ``root``:
    ``train/M.txt``, ``test/M.txt`` (comma-separated rows), ``test_label/M.txt`` (one 0/1 per
    line) and, when present, ``interpretation_label/M.txt``."""
    root = Path(root)
    files = {part: root / part / f"{machine}.txt" for part in ("train", "test", "test_label")}
    for part, file in files.items():
        if not file.exists():
            raise ValueError(f"SMD {part} file {str(file)!r} does not exist")
    train = read_text(files["train"])
    test = read_text(files["test"])
    labels = read_text(files["test_label"], delimiter=None).ravel()
    interpretation = root / "interpretation_label" / f"{machine}.txt"
    dim = None
    if interpretation.exists():
        dim = parse_interpretation(interpretation.read_text().splitlines(), *test.shape)
    return _checked(machine, train, test, labels, dim)


_TSBAD_NAME = re.compile(r"_tr_(\d+)_1st_(\d+)\.csv$")


def is_tsbad_file(name: str) -> bool:
    """Whether a file name follows TSB-AD's naming (``..._tr_N_1st_M.csv``)."""
    return _TSBAD_NAME.search(name) is not None


def is_ucr_file(name: str) -> bool:
    """Whether a file name follows the UCR archive's naming
    (``NNN_UCR_Anomaly_NAME_TRAINEND_BEGIN_END.txt``)."""
    return _UCR_NAME.match(name) is not None


def load_tsbad_csv(path: Union[str, Path], whole: bool = False) -> LabelledSeries:
    """A TSB-AD CSV (feature columns, then ``Label``); the training part is the first
    ``tr_N`` rows named in the file name. ``test`` is the rest, or with ``whole=True`` every row
    with every label (TSB-AD's protocol: fit on the first ``tr_N`` rows, score the whole
    series)."""
    path = Path(path)
    match = _TSBAD_NAME.search(path.name)
    if match is None:
        raise ValueError(f"path {path.name!r} does not follow TSB-AD's naming "
                         "[index]_[name]_id_[id]_[domain]_tr_[train end]_1st_[first anomaly].csv")
    with open(path, newline="") as handle:
        header = next(csv.reader(handle))
    if not header or header[-1].strip() != "Label":
        raise ValueError(f"{path.name}: the last column must be 'Label', got {header[-1:]}")
    values = read_text(path, skip=1)
    train_end = int(match.group(1))
    if not 0 < train_end < values.shape[0]:
        raise ValueError(f"{path.name}: tr_{train_end} does not fit {values.shape[0]} rows")
    data, labels = values[:, :-1], values[:, -1]
    first = 0 if whole else train_end
    return _checked(path.stem, data[:train_end], data[first:], labels[first:], None)
