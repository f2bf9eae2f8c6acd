"""The series of a benchmark grid: which files, and how each splits into fit and evaluation parts.

Inputs are TSB-AD CSV files (``..._tr_N_1st_M.csv``), SMD machines as ``.npz`` and UCR archive
series (``NNN_UCR_Anomaly_NAME_TRAINEND_BEGIN_END.txt``); a directory stands for the files of
those kinds directly inside it. Files are read on the worker that runs the task (a remote
cluster needs the paths on a file system its workers see).

Protocols (the rows a detector fits on, and the rows it is scored and evaluated on):

* ``"train-test"``: SMD's ``train`` -> ``test``; UCR's first TRAINEND points -> the rest;
  TSB-AD's first ``tr_N`` rows -> the whole series (as TSB-AD's own runner);
* ``"moon-paper"`` (Moon's paper, §V-A): fit on the first 10,000 labelled rows with their labels,
  evaluate on the next 5,000;
* ``"split60"``: fit on the first 60 % of the labelled rows, evaluate on the rest.

The labelled rows are SMD's ``test`` part, and the whole series of a UCR or TSB-AD file.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Union

import numpy as np

from tsad_fast import datasets

PROTOCOLS = ("train-test", "moon-paper", "split60")
_KINDS = {".csv": "tsbad", ".npz": "smd", ".txt": "ucr"}


@dataclass(frozen=True)
class SeriesRef:
    """One input file: ``name`` (its stem, unique in a grid), ``path`` (absolute) and ``kind``
    ("tsbad", "smd" or "ucr")."""

    name: str
    path: str
    kind: str


@dataclass(frozen=True)
class Split:
    """A series cut by a protocol: ``fit`` (n_fit, c) with ``fit_labels`` (n_fit,) int64 or
    None, ``test`` (n, c) with ``labels`` (n,) int64 and ``dim_labels`` (n, c) or None."""

    fit: np.ndarray
    fit_labels: Optional[np.ndarray]
    test: np.ndarray
    labels: np.ndarray
    dim_labels: Optional[np.ndarray]


def _kind(path: Path) -> Optional[str]:
    kind = _KINDS.get(path.suffix.lower())
    named = {"ucr": datasets.is_ucr_file, "tsbad": datasets.is_tsbad_file}.get(kind)
    return None if named is not None and not named(path.name) else kind


def expand(paths: Union[str, Path, Iterable[Union[str, Path]]]) -> List[SeriesRef]:
    """The series of ``paths`` (files, or directories standing for the TSB-AD CSV, ``.npz`` and
    UCR files directly inside them, sorted by name), in the given order.

    ValueError when a path does not exist, a file is of none of those kinds, a directory holds
    none, or two series share a name (results are keyed by it).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    refs: List[SeriesRef] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = [f for f in sorted(path.iterdir()) if f.is_file() and _kind(f)]
            if not files:
                raise ValueError(f"data directory {str(path)!r} holds no .csv, .npz or UCR "
                                 ".txt file")
        elif path.is_file():
            if _kind(path) is None:
                raise ValueError(f"data file {str(path)!r}: expected a TSB-AD .csv (named "
                                 "..._tr_N_1st_M.csv: its first N rows train, the last column "
                                 "is the 0/1 Label), an SMD .npz or a UCR archive .txt "
                                 "(NNN_UCR_Anomaly_NAME_TRAINEND_BEGIN_END.txt)")
            files = [path]
        else:
            raise ValueError(f"data path {str(path)!r} does not exist")
        refs += [SeriesRef(f.stem, str(f.resolve()), _kind(f)) for f in files]
    names = [ref.name for ref in refs]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"data: several files are named {', '.join(twice)} (results are keyed "
                         "by the file name; pass each once)")
    if not refs:
        raise ValueError("data: no series given")
    return refs


def _labelled(ref: SeriesRef):
    """(fit rows, fit labels, labelled rows, labels, dim_labels) of the train-test protocol."""
    if ref.kind == "smd":
        s = datasets.load_smd_npz(ref.path)
        return s.train, None, s.test, s.labels, s.dim_labels
    if ref.kind == "ucr":
        s = datasets.load_ucr(ref.path)
        values, labels = s.values[:, None], s.labels
        return values[:s.train_end], labels[:s.train_end], values, labels, None
    s = datasets.load_tsbad_csv(ref.path, whole=True)
    return s.train, s.labels[:s.train.shape[0]], s.test, s.labels, None


def load(ref: SeriesRef, protocol: str) -> Split:
    """Read ``ref`` and cut it by ``protocol`` (see the module's text)."""
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {', '.join(PROTOCOLS)}, got {protocol!r}")
    train, train_labels, data, labels, dims = _labelled(ref)
    labels = labels.astype(np.int64)
    if protocol == "train-test":
        if ref.kind == "ucr":  # evaluated on the points after the training part
            cut = train.shape[0]
            data, labels = data[cut:], labels[cut:]
        fit_labels = None if train_labels is None else train_labels.astype(np.int64)
        return Split(train, fit_labels, data, labels, dims)
    n = labels.size
    if protocol == "moon-paper":
        if n < 15_000:
            raise ValueError(f"protocol 'moon-paper' needs 15,000 labelled rows, {ref.name} "
                             f"has {n}")
        fit, held = slice(0, 10_000), slice(10_000, 15_000)
    else:
        cut = int(0.6 * n)
        fit, held = slice(0, cut), slice(cut, n)
    return Split(data[fit], labels[fit], data[held], labels[held],
                 None if dims is None else dims[held])

