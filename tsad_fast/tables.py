"""Reading numbers from a user's files: ``.npy`` arrays, Parquet tables and text tables
(comma- or whitespace-separated, with or without a header row), whole or line by line as they
grow, with errors that name the file, the row and the column.

Rows and columns are counted from 0 over the data (a header row is not a data row); the file's
line number (from 1) is given beside the row for text files.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import List, Optional, Tuple, Union

import numpy as np


def existing(path: Union[str, Path], role: str) -> Path:
    """``path`` as a Path; ValueError naming the ``role`` when no such file exists."""
    file = Path(path)
    if not file.exists():
        raise ValueError(f"{role} file {str(path)!r}: does not exist")
    return file


def _is_number(field: str) -> bool:
    """Whether ``float(field)`` succeeds (so ``nan`` and ``inf`` are numbers)."""
    try:
        float(field)
    except ValueError:
        return False
    return True


def _sniff(file: Path) -> Tuple[Optional[str], int, Optional[List[str]]]:
    """(delimiter, lines to skip, header names or None) from the first line holding data.

    The delimiter is ``","`` when that line has a comma, else whitespace (``None``); the line is
    a header, skipped, when none of its fields is a number.
    """
    with open(file, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle):
            line = line.split("#", 1)[0].strip()
            if line:
                break
        else:
            return None, 0, None
    delimiter = "," if "," in line else None
    fields = [field.strip().strip("\"'") for field in line.split(delimiter)]
    if any(_is_number(field) for field in fields):
        return delimiter, 0, None
    return delimiter, number + 1, fields


def _bad_cell(file: Path, delimiter: Optional[str], skip: int) -> str:
    """Where a text table stops being a rectangle of numbers: the first row with another
    column count than the first data row, or the first cell that is not a number."""
    width, row = None, 0
    with open(file, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            if number <= skip:
                continue
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            cells = [cell.strip() for cell in text.split(delimiter)]
            width = len(cells) if width is None else width
            if len(cells) != width:
                return f"row {row} (line {number}) has {len(cells)} columns, the first {width}"
            for column, cell in enumerate(cells):
                if not _is_number(cell):
                    return f"row {row} (line {number}), column {column}: {cell!r} is not a number"
            row += 1
    return "it is not a table of numbers"


def read_text(file: Union[str, Path], delimiter: Optional[str] = ",", skip: int = 0
              ) -> np.ndarray:
    """A text table as float64 (rows, columns), ``skip`` lines skipped; ValueError naming the
    file, row and column of a blank, non-numeric or missing cell."""
    file = Path(file)
    with warnings.catch_warnings():  # an empty file is reported by the caller, not warned about
        warnings.simplefilter("ignore", UserWarning)
        try:
            return np.loadtxt(file, delimiter=delimiter, skiprows=skip, ndmin=2,
                              encoding="utf-8-sig")
        except ValueError:
            raise ValueError(f"{str(file)!r}: {_bad_cell(file, delimiter, skip)}") from None


def first_nonfinite(values: np.ndarray) -> Optional[str]:
    """Where the first NaN/inf of a 1-D or 2-D array is ("row r, column c" or "index i"), with
    their count; None when every value is finite."""
    bad = ~np.isfinite(values)
    if not bad.any():
        return None
    first = np.unravel_index(int(np.argmax(bad)), values.shape)
    where = f"row {first[0]}, column {first[1]}" if values.ndim == 2 else f"index {first[0]}"
    return f"{int(bad.sum())} NaN/inf value(s), the first at {where}"


def _read_parquet(file: Path) -> Tuple[np.ndarray, List[str]]:
    from tsad_fast._optional import require

    table = require("pyarrow.parquet", "bench", f"reading {str(file)!r}").read_table(file)
    for index, (name, kind) in enumerate(zip(table.column_names, table.schema.types)):
        if not (str(kind).startswith(("int", "uint", "float", "double", "bool", "halffloat"))):
            raise ValueError(f"{str(file)!r}: column {index} ({name!r}) holds {kind}, not "
                             "numbers")
    columns = [table.column(i).to_numpy(zero_copy_only=False).astype(np.float64)
               for i in range(table.num_columns)]
    values = np.column_stack(columns) if columns else np.empty((0, 0))
    return values, list(table.column_names)


def read_table(file: Union[str, Path]) -> Tuple[np.ndarray, Optional[List[str]]]:
    """(float64 array (rows, columns), header names or None) of a .npy array, a Parquet table
    (numeric columns; needs pyarrow) or a text table (its header row, if any, is recognised
    and skipped)."""
    file = Path(file)
    if file.suffix == ".parquet":
        return _read_parquet(file)
    if file.suffix == ".npy":
        values, names = np.load(file, allow_pickle=False), None
        if values.ndim == 1:
            values = values[:, None]
    else:
        delimiter, skip, names = _sniff(file)
        values = read_text(file, delimiter, skip)
    if values.ndim != 2:
        raise ValueError(f"{str(file)!r}: holds an array of shape {values.shape}; expected 1-D "
                         "or 2-D")
    return values.astype(np.float64), names


def _column_index(column: str, names: Optional[List[str]], n_columns: int) -> int:
    """The 0-based index that ``column`` (an integer, else a header name) selects."""
    try:
        index = int(column)
    except ValueError:
        if names is None or column not in names:
            raise ValueError(f"has no column named {column!r} (header: "
                             f"{', '.join(names) if names else 'none'})") from None
        index = names.index(column)
    if not 0 <= index < n_columns:
        raise ValueError(f"has no column {column} ({n_columns} column(s), counted from 0)")
    return index


def _select(table: np.ndarray, names: Optional[List[str]], column: Optional[str],
            option: Optional[str]) -> np.ndarray:
    """One column of ``table``: ``column`` when given, else the only one (``option`` picks one)."""
    if column is not None:
        return table[:, _column_index(column, names, table.shape[1])]
    if table.shape[1] == 1:
        return table[:, 0]
    problem = f"has shape {table.shape} ({table.shape[1]} columns); "
    if option is None:
        raise ValueError(problem + "expected one column")
    by_name = f" or a header name ({', '.join(names)})" if names else ""
    raise ValueError(problem + f"pick one with {option} N (a 0-based index){by_name}")


def read_series(path: Union[str, Path], role: str, column: Optional[str] = None,
                option: Optional[str] = None) -> np.ndarray:
    """One finite float64 series from a .npy array, a Parquet table or a .csv/.txt table.

    ``role`` (scores, labels, pred, series) and ``path`` open every error message; a table with
    several columns needs ``column`` (a 0-based index or a header name), which the command line
    ``option`` sets, if any.
    """
    values, _ = _read_checked(path, role, lambda table, names: _select(table, names, column,
                                                                         option))
    return values


def read_rows(path: Union[str, Path], role: str) -> Tuple[np.ndarray, Optional[List[str]]]:
    """(finite float64 rows (n, c), column names or None) of a table whose every column is a
    channel; ValueError naming ``role``, the file, and the row and column of a bad cell."""
    return _read_checked(path, role, lambda table, names: table)


def _read_checked(path, role: str, pick) -> Tuple[np.ndarray, Optional[List[str]]]:
    """(``pick(table, names)``, names) of the table at ``path``, checked finite; every error
    opened by ``role`` and ``path``."""
    file = existing(path, role)
    try:
        table, names = read_table(file)
        if table.size == 0:
            raise ValueError("holds no values")
        values = pick(table, names)
        problem = first_nonfinite(values)
        if problem:
            where = "row" if values.ndim == 2 else "index"
            raise ValueError(f"contains {problem.replace(where, 'data row')} (0-based)")
    except ValueError as exc:
        message = str(exc).replace(f"{str(file)!r}: ", "")
        raise ValueError(f"{role} file {str(path)!r}: {message}") from None
    return values, names


class LineRows:
    """Rows of a text table that arrives in pieces (a growing file, a pipe): ``feed(text)``
    returns the rows (k, c) float64 of the complete lines; a line still being written waits
    for its end. The first data line sets the delimiter (a comma, else whitespace); a first
    line without a number is a header, skipped; the first ``skip`` data rows are dropped.
    At a bad cell (another column count than ``width``, a cell that is not a number, NaN or
    inf) ``feed`` returns the rows before it and sets ``error``, a ValueError naming ``name``,
    the data row (0-based) and the column; later text is ignored."""

    def __init__(self, name: str, width: int, skip: int = 0):
        self.name, self.width, self.skip = name, width, skip
        self.row = 0  # data rows read
        self.delimiter: Optional[str] = None
        self.pending = ""
        self.sniffed = False
        self.error: Optional[ValueError] = None

    def feed(self, text: str, final: bool = False) -> np.ndarray:
        """Rows of the complete lines in what is pending plus ``text`` (all of it when
        ``final``)."""
        lines = (self.pending + text).split("\n")
        self.pending = "" if final else lines.pop()
        if self.error is not None:
            return np.empty((0, self.width))
        kept = []
        for line in lines:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if not self.sniffed:
                self.sniffed = True
                self.delimiter = "," if "," in line else None
                cells = [c.strip().strip("\"'") for c in line.split(self.delimiter)]
                if not any(_is_number(c) for c in cells):
                    continue  # a header
            kept.append(line)
        first = self.row
        try:  # the whole block at once; a bad cell is found line by line below
            rows = np.array([line.split(self.delimiter) for line in kept], dtype=np.float64)
            good = rows.reshape(len(kept), self.width)
            if not np.isfinite(good).all():
                raise ValueError("not finite")
            self.row += len(good)
        except ValueError:
            good = []
            for line in kept:
                try:
                    good.append(self._row(line))
                except ValueError as exc:
                    self.error = exc
                    break
            good = np.array(good, dtype=np.float64).reshape(len(good), self.width)
        return good[max(0, self.skip - first):]

    def _row(self, line: str) -> List[float]:
        cells = [c.strip() for c in line.split(self.delimiter)]
        where = f"{self.name}: row {self.row}"
        if len(cells) != self.width:
            raise ValueError(f"{where} has {len(cells)} columns, expected {self.width}")
        values = []
        for column, cell in enumerate(cells):
            try:
                value = float(cell)
            except ValueError:
                raise ValueError(f"{where}, column {column}: {cell!r} is not a number") from None
            if not np.isfinite(value):
                raise ValueError(f"{where}, column {column}: {cell!r} is not finite")
            values.append(value)
        self.row += 1
        return values
