"""Scoring a series as its rows arrive: ``stream = detector.stream()``.

``stream.update(rows)`` takes any number of new rows (n, c) and returns a :class:`StreamOutput`
of the timestamps whose scores became final; ``stream.flush()`` ends the stream and returns
the rest. Concatenated, the outputs' ``scores`` are ``detector.decision_function`` of the whole
series, whatever the chunk sizes (to float rounding: BLAS and torch may round a batch of other
rows differently in the last bits).

A timestamp's score is final once every row that the batch scoring reads for it has arrived:
``stream.lateness`` rows after it at most, once the stream holds its first ``stream.warmup``
rows (a window):

* GBOC, PCA, IForest, KNN (sliding windows of ``w`` rows, TSB-AD's padding: a timestamp takes
  the score of the window starting ``ceil((w - 1) / 2)`` rows before it): ``floor((w - 1) / 2)``
  rows; the last ones at ``flush``.
* SCAN (consecutive windows of ``w`` rows, the rows after the last whole window scored in the
  last ``w`` rows): ``w - 1`` rows, a whole window at once; the tail at ``flush``.
* MSUT-Net (windows every ``s`` rows, a row's outputs averaged over the windows that hold it,
  plus the last ``w`` rows at the end): ``w`` rows; the last ``w`` at ``flush``.
* Moon (its row and the one before) and the supervised baselines (the ``w - 1`` rows before):
  0 rows.

A stream keeps at most about two windows of rows and one window of partial sums, whatever its
length. Alarms and thresholds come from the detector's fitted thresholder: its fixed
``threshold_`` (every rule but SPOT in ``mode="stream"``), or SPOT continuing over the final
scores from its calibration on the training scores, as :func:`tsad_fast.thresholds.
spot_thresholds` of the training scores and the whole stream gives them.

``stream.save(path)`` writes the detector and the running stream in one file (the detector
format, no pickle); :meth:`Stream.load` resumes it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Union

import numpy as np

from tsad_fast._validation import as_series

FORMAT = "tsad_fast.stream"
VERSION = 1


@dataclass(frozen=True)
class StreamOutput:
    """Timestamps whose scores became final in one ``update`` or ``flush``.

    ``index`` (k,) int64: their positions since the stream's first row; ``scores`` (k,)
    float64; ``alarms`` (k,) int64 0/1; ``thresholds`` (k,) float64: the threshold each score
    was compared with.
    """

    index: np.ndarray
    scores: np.ndarray
    alarms: np.ndarray
    thresholds: np.ndarray

    def __len__(self) -> int:
        return int(self.index.size)


def _rows(values: np.ndarray, start: int = 0) -> np.ndarray:
    return np.ascontiguousarray(values[start:], dtype=np.float64)


# --- scorers: final scores of the rows received so far --------------------------------------
class Scorer:
    """Base of the scorers: ``push(rows)`` returns the scores (k,) that became final, in
    order; ``finish()`` the rest at the end of the stream; ``state()`` / ``restore(state)``
    the running state as arrays and plain values. ``lateness``: rows after a timestamp by
    which its score is final, once ``warmup`` rows have arrived."""

    lateness = 0
    warmup = 1
    fields = ("n_rows",)  # the running state

    def __init__(self, n_features: int):
        self.n_rows = 0
        self._empty = np.empty((0, n_features))

    def push(self, rows: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def finish(self) -> np.ndarray:
        raise NotImplementedError

    def state(self) -> Dict[str, Any]:
        return {name: getattr(self, name) for name in self.fields}

    def restore(self, state: Dict[str, Any]) -> None:
        for name in self.fields:  # each value as the type it has in a fresh scorer
            kind = type(getattr(self, name))
            value = state[name]
            setattr(self, name, np.asarray(value, dtype=np.float64) if kind is np.ndarray
                    else kind(value))


class SlidingScores(Scorer):
    """Sliding windows of ``window`` rows (stride 1), one score each (``score(rows)``: the
    scores (m,) of the m windows of rows (m + window - 1, c)); a timestamp takes the score of
    the window starting ``ceil((window - 1) / 2)`` rows before it, clipped to the first and
    the last window (:func:`tsad_fast.windows.window_scores_to_points`)."""

    def __init__(self, n_features: int, window: int, score: Callable):
        super().__init__(n_features)
        self.window, self.score = window, score
        self.front, self.lateness = -(-(window - 1) // 2), (window - 1) // 2
        self.warmup = window
        self.fields = ("n_rows", "tail", "n_windows", "last")
        self.tail = self._empty  # the last window - 1 rows
        self.n_windows = 0
        self.last = np.nan  # the last window's score

    def push(self, rows):
        buffer = np.concatenate([self.tail, rows])
        self.n_rows += len(rows)
        self.tail = _rows(buffer, max(0, len(buffer) - self.window + 1))
        if len(buffer) < self.window:
            return np.empty(0)
        scores = np.asarray(self.score(buffer), dtype=np.float64)
        if self.n_windows == 0:
            scores = np.concatenate([np.full(self.front, scores[0]), scores])
        self.n_windows += len(buffer) - self.window + 1
        self.last = float(scores[-1])
        return scores

    def finish(self):
        if self.n_windows == 0:
            raise ValueError(f"the stream ended after {self.n_rows} rows, fewer than "
                             f"window={self.window}: no window to score")
        return np.full(self.lateness, self.last)


class TumblingScores(Scorer):
    """Consecutive windows of ``window`` rows scored row by row (``score(windows)``: (k, w)
    of windows (k, w, c)); the rows after the last whole window are scored in the last
    ``window`` rows (``tumbling_windows(tail="last")``; a stream shorter than one window in
    its rows padded by repeating the last)."""

    def __init__(self, n_features: int, window: int, score: Callable):
        super().__init__(n_features)
        self.window, self.score = window, score
        self.lateness, self.warmup = window - 1, window
        self.fields = ("n_rows", "partial", "previous")
        self.partial = self._empty  # rows after the last whole window
        self.previous = self._empty  # the last whole window

    def push(self, rows):
        buffer = np.concatenate([self.partial, rows])
        self.n_rows += len(rows)
        whole = len(buffer) // self.window * self.window
        self.partial = _rows(buffer, whole)
        if whole == 0:
            return np.empty(0)
        self.previous = _rows(buffer[whole - self.window:whole])
        windows = buffer[:whole].reshape(-1, self.window, buffer.shape[1])
        return np.asarray(self.score(windows), dtype=np.float64).reshape(-1)

    def finish(self):
        r = len(self.partial)
        if self.n_rows == 0:
            raise ValueError("the stream ended before its first row: nothing to score")
        if r == 0:
            return np.empty(0)
        if len(self.previous) == 0:
            pad = np.repeat(self.partial[-1:], self.window - r, axis=0)
            return np.asarray(self.score(np.concatenate([self.partial, pad])[None]))[0, :r]
        last = np.concatenate([self.previous[r:], self.partial])
        return np.asarray(self.score(last[None]), dtype=np.float64)[0, self.window - r:]


class OverlappingScores(Scorer):
    """Windows of ``window`` rows every ``stride`` rows with outputs per row
    (``outputs(windows)``: (k, w, ...) float64 of windows (k, w, c)), a row's outputs averaged
    over the windows that hold it and mapped to its score by ``to_scores`` ((m, ...) ->
    (m,)); at the end, the last ``window`` rows form one more window when the stride does not
    end there (:func:`tsad_fast.windows.overlapping_windows` and ``unoverlap``)."""

    def __init__(self, n_features: int, window: int, stride: int, outputs: Callable,
                 to_scores: Callable):
        super().__init__(n_features)
        self.window, self.stride, self.outputs, self.to_scores = window, stride, outputs, to_scores
        self.lateness, self.warmup = window, window + 1
        self.fields = ("n_rows", "buffer", "buffer_start", "next_start", "first", "totals",
                       "counts")
        self.buffer = self._empty  # rows from buffer_start on
        self.buffer_start = 0
        self.next_start = 0  # the next window start on the stride
        self.first = 0  # the first row not yet final
        self.totals = np.empty(0)  # summed outputs of rows first ..
        self.counts = np.empty(0)

    def _add(self, starts) -> None:
        windows = np.stack([self.buffer[s - self.buffer_start:s - self.buffer_start + self.window]
                            for s in starts])
        values = np.asarray(self.outputs(windows), dtype=np.float64)
        if self.totals.ndim != values.ndim - 1:  # the first windows: the outputs' shape
            self.totals = self.totals.reshape(0, *values.shape[2:])
        grow = starts[-1] + self.window - self.first - len(self.totals)
        if grow > 0:
            self.totals = np.concatenate([self.totals, np.zeros((grow, *values.shape[2:]))])
            self.counts = np.concatenate([self.counts, np.zeros(grow)])
        for start, value in zip(starts, values):
            self.totals[start - self.first:start - self.first + self.window] += value
            self.counts[start - self.first:start - self.first + self.window] += 1.0

    def _emit(self, stop: int) -> np.ndarray:
        k = stop - self.first
        if k <= 0:
            return np.empty(0)
        mean = (self.totals[:k].T / self.counts[:k]).T
        self.totals, self.counts = self.totals[k:], self.counts[k:]
        self.first = stop
        return np.asarray(self.to_scores(mean), dtype=np.float64)

    def push(self, rows):
        self.buffer = np.concatenate([self.buffer, rows])
        self.n_rows += len(rows)
        n = self.n_rows
        starts = np.arange(self.next_start, n - self.window + 1, self.stride)
        if starts.size:
            self._add(starts)
            self.next_start = int(starts[-1]) + self.stride
        out = self._emit(n - self.window)
        keep = max(0, min(self.next_start, n - self.window))
        if keep > self.buffer_start:
            self.buffer = _rows(self.buffer, keep - self.buffer_start)
            self.buffer_start = keep
        return out

    def finish(self):
        n, w = self.n_rows, self.window
        if n == 0:
            raise ValueError("the stream ended before its first row: nothing to score")
        if n < w:
            pad = np.repeat(self.buffer[-1:], w - n, axis=0)
            values = np.asarray(self.outputs(np.concatenate([self.buffer, pad])[None]),
                                dtype=np.float64)
            return np.asarray(self.to_scores(values[0, :n]), dtype=np.float64)
        if self.next_start - self.stride != n - w:
            self._add([n - w])
        return self._emit(n)


class CausalScores(Scorer):
    """Scores that read a row and the ``context`` rows before it (``score(rows, start)``: the
    scores (m - start,) of rows[start:] of rows (m, c) read as a series that starts with
    them)."""

    def __init__(self, n_features: int, context: int, score: Callable):
        super().__init__(n_features)
        self.context, self.score = context, score
        self.fields = ("n_rows", "history")
        self.history = self._empty  # the last context rows

    def push(self, rows):
        if len(rows) == 0:
            return np.empty(0)
        buffer = np.concatenate([self.history, rows])
        self.n_rows += len(rows)
        scores = np.asarray(self.score(buffer, len(self.history)), dtype=np.float64)
        self.history = _rows(buffer, max(0, len(buffer) - self.context))
        return scores

    def finish(self):
        if self.n_rows == 0:
            raise ValueError("the stream ended before its first row: nothing to score")
        return np.empty(0)


# --- alarms ------------------------------------------------------------------------------------
class FixedAlarms:
    """A fixed threshold: a score above it is an alarm."""

    def __init__(self, threshold: float):
        self.threshold = float(threshold)

    def judge(self, scores: np.ndarray):
        thresholds = np.full(scores.shape, self.threshold)
        return (scores > thresholds).astype(np.int64), thresholds

    def state(self) -> Dict[str, Any]:
        return {}

    def restore(self, state: Dict[str, Any]) -> None:
        pass


def alarms_of(detector) -> Any:
    """The alarm rule of a stream of ``detector``: ``judge(scores)`` gives (alarms (k,) 0/1,
    thresholds (k,)) of the next final scores (:class:`FixedAlarms`, or a SPOT state)."""
    thresholder = detector.thresholder_
    if getattr(thresholder, "mode", "fit") == "stream":
        from tsad_fast.kernels.spot import SpotState

        return SpotState.calibrate(thresholder.init_scores_, q=thresholder.q,
                                   level=thresholder.level, n_points=thresholder.n_points,
                                   compat=thresholder.compat, backend=thresholder.backend,
                                   name="training scores")
    return FixedAlarms(detector.threshold_)


# --- the stream -----------------------------------------------------------------------------
class Stream:
    """A fitted detector scoring rows as they arrive (see the module docstring); made by
    ``detector.stream()``.

    Attributes: ``detector``; ``lateness`` (rows after a timestamp by which its score is
    final, at most, once the first ``warmup`` rows have arrived); ``n_rows`` (rows received); ``n_final`` (scores returned); ``closed``
    (after ``flush``).
    """

    def __init__(self, detector):
        detector._check_fitted()
        self.detector = detector
        self._scorer = detector._stream_scorer()
        self._alarms = alarms_of(detector)
        self.n_final = 0
        self.closed = False

    @property
    def lateness(self) -> int:
        return self._scorer.lateness

    @property
    def warmup(self) -> int:
        return self._scorer.warmup

    @property
    def n_rows(self) -> int:
        return self._scorer.n_rows

    def _output(self, scores: np.ndarray) -> StreamOutput:
        alarms, thresholds = self._alarms.judge(scores)
        index = np.arange(self.n_final, self.n_final + scores.size, dtype=np.int64)
        self.n_final += scores.size
        return StreamOutput(index, scores, alarms, thresholds)

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("this stream was flushed: start another with detector.stream()")

    def update(self, rows) -> StreamOutput:
        """Take the new rows (n, c) (n may be 0; a 1-D array is one row) and return the
        timestamps whose scores became final. ValueError for rows that are not finite or have
        another channel count than the fit's (nothing of them is taken)."""
        self._check_open()
        rows = np.asarray(rows) if not isinstance(rows, np.ndarray) else rows
        if rows.ndim == 1 and rows.size == self.detector.n_features_in_:
            rows = rows[None, :]
        rows = as_series(rows, "rows", min_length=0)
        if rows.shape[1] != self.detector.n_features_in_ and rows.shape[0]:
            raise ValueError(f"rows have {rows.shape[1]} channels but the detector was fitted "
                             f"with {self.detector.n_features_in_}")
        if rows.shape[0] == 0:
            return self._output(np.empty(0))
        with self.detector._scoring(rows.shape[0]):
            return self._output(self._scorer.push(rows))

    def flush(self) -> StreamOutput:
        """End the stream: the scores of every timestamp not returned yet. ValueError when the
        stream holds too few rows for the detector to score (as ``decision_function``)."""
        self._check_open()
        with self.detector._scoring():
            scores = self._scorer.finish()
        self.closed = True
        return self._output(scores)

    # --- persistence ---------------------------------------------------------------------------
    def save(self, path: Union[str, Path]) -> None:
        """Write the detector and the running stream to ``path`` (no pickle); ``load`` resumes
        it where it stopped."""
        from tsad_fast.detectors import persistence

        persistence.write(path, {
            "format": FORMAT, "format_version": VERSION,
            "detector": self.detector._payload(),
            "stream": {"scorer": self._scorer.state(), "alarms": self._alarms.state(),
                       "n_final": self.n_final, "closed": self.closed}})

    @classmethod
    def load(cls, path: Union[str, Path]) -> "Stream":
        """The stream ``save`` wrote, ready to take the next rows. ValueError for a file that
        holds no stream or cannot be read."""
        from tsad_fast import detectors
        from tsad_fast.detectors import persistence
        from tsad_fast.detectors.base import to_numpy

        payload = persistence.read(path, formats=(persistence.FORMAT, FORMAT))
        if payload.get("format") != FORMAT or payload.get("format_version") != VERSION:
            raise ValueError(f"{path} holds no tsad_fast stream (format "
                             f"{payload.get('format')!r}, version "
                             f"{payload.get('format_version')!r})")
        detector = detectors.detector_class(payload["detector"].get("class"), path)._from_payload(
            payload["detector"], path)
        stream = cls(detector)
        saved = to_numpy(payload["stream"])
        try:
            stream._scorer.restore(saved["scorer"])
            stream._alarms.restore(saved["alarms"])
            stream.n_final, stream.closed = int(saved["n_final"]), bool(saved["closed"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: the stream cannot be rebuilt from this file "
                             f"({type(exc).__name__}: {exc})") from exc
        return stream


__all__ = ["Stream", "StreamOutput", "alarms_of", "Scorer", "SlidingScores", "TumblingScores",
           "OverlappingScores", "CausalScores", "FixedAlarms"]
