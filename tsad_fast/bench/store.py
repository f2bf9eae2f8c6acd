"""Where a grid's rows go: nothing written is lost, nothing is written twice.

While a grid runs, each row is appended to a journal beside the output (``OUT.partial.jsonl``):
one JSON line per row, written with one ``write`` call and flushed to disk (``fsync``) before
the next, so a crash loses at most the line being written, which is then skipped on reading.
A row whose key is already stored is not appended again (a task Dask retried after losing its
worker returns one row, and a row already stored is never duplicated), unless the stored row
is a failure ("error" or "timeout"): a resumed grid runs those tasks again, and their new row
replaces the old. When the grid ends, or
is interrupted, every row is written to ``OUT`` (Parquet for ``.parquet``, else CSV) through a
temporary file renamed over it (an atomic replace), and the journal is removed.
"""
from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any, Dict, List, Sequence, Union


def _read_table(path: Path):
    import pandas as pd

    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


FAILED = ("error", "timeout")  # the statuses of rows whose task a resumed grid runs again


class ResultsExist(ValueError):
    """``out`` already holds results, and the grid was not asked to resume them."""


class ResultStore:
    """The rows of one output file ``out`` (``.parquet`` or ``.csv``).

    ``resume=False`` refuses an ``out`` that already holds results (:class:`ResultsExist`);
    ``resume=True`` reads what ``out`` and its journal hold.
    """

    def __init__(self, out: Union[str, Path], resume: bool = False):
        self.out = Path(out)
        if self.out.suffix not in (".parquet", ".csv"):
            raise ValueError(f"out {str(self.out)!r}: expected a .parquet or .csv file")
        self.journal = self.out.with_name(self.out.name + ".partial.jsonl")
        exists = self.out.exists() or self.journal.exists()
        if exists and not resume:
            raise ResultsExist(f"out {str(self.out)!r} already holds results (or an "
                               "interrupted run's journal): pass resume=True to complete it, "
                               "or another path")
        self.rows: Dict[str, Dict[str, Any]] = {}
        if self.out.exists():
            for row in _read_table(self.out).to_dict("records"):
                self.rows[row["key"]] = row
        if self.journal.exists():
            for row in self._journal_rows():
                self.rows[row["key"]] = row
            with open(self.journal, "rb+") as handle:  # end an incomplete last line
                handle.seek(0, os.SEEK_END)
                if handle.tell():
                    handle.seek(-1, os.SEEK_END)
                    if handle.read(1) != b"\n":
                        handle.write(b"\n")
        self.out.parent.mkdir(parents=True, exist_ok=True)

    def _journal_rows(self) -> List[Dict[str, Any]]:
        rows = []
        with open(self.journal, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    warnings.warn(f"{self.journal}: line {number} is incomplete (a run stopped "
                                  "while writing it); its task runs again", stacklevel=3)
        return rows

    def __contains__(self, key: str) -> bool:
        return key in self.rows

    def done(self, key: str) -> bool:
        """Whether ``key``'s task has a row that is not a failure (it need not run again)."""
        return key in self.rows and self.rows[key].get("status") not in FAILED

    def __len__(self) -> int:
        return len(self.rows)

    def append(self, row: Dict[str, Any]) -> bool:
        """Store ``row`` unless its key is stored already with a row that is not a failure; True
        when it was stored."""
        if self.done(row["key"]):
            return False
        line = (json.dumps(row) + "\n").encode()
        fd = os.open(self.journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        self.rows[row["key"]] = row
        return True

    def frame(self, order: Sequence[str] = ()):
        """Every stored row as a pandas DataFrame: the keys of ``order`` first, in that order,
        then the others as stored (columns in first-seen order)."""
        import pandas as pd

        keys = [key for key in order if key in self.rows]
        chosen = set(keys)
        keys += [key for key in self.rows if key not in chosen]
        return pd.DataFrame([self.rows[key] for key in keys])

    def write(self, order: Sequence[str] = ()):
        """Write every row to ``out`` atomically (rows as :meth:`frame` orders them) and remove
        the journal; returns the frame."""
        frame = self.frame(order)
        temporary = self.out.with_name(f".{self.out.name}.{os.getpid()}.tmp")
        if self.out.suffix == ".parquet":
            frame.to_parquet(temporary, index=False)
        else:
            frame.to_csv(temporary, index=False)
        os.replace(temporary, self.out)
        if self.journal.exists():
            self.journal.unlink()
        return frame
