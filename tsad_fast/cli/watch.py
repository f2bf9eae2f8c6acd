"""`tsad-fast watch`: a saved detector scoring a growing table or standard input row by row,
one JSON line per alarm."""
from __future__ import annotations

import codecs
import json
import os
import select
import signal
import sys
import time
from pathlib import Path

import numpy as np

_READ = 1 << 16  # bytes read at a time
_POLL = 0.2  # seconds between looks at a file that has not grown


def add_parser(sub) -> None:
    parser = sub.add_parser("watch", help="score rows as they arrive (a growing CSV file or "
                            "standard input) and print one JSON line per alarm")
    parser.add_argument("model", help="a file written by tsad-fast fit or detector.save")
    parser.add_argument("source", nargs="?", default="-", help="a CSV file to follow as it "
                        "grows, or - for standard input (default)")
    parser.add_argument("--state", metavar="FILE", help="resume the stream saved here, and "
                        "save it here at the end instead of flushing it")
    parser.add_argument("--no-follow", dest="follow", action="store_false",
                        help="end at the end of the file instead of waiting for more rows")
    parser.add_argument("--top", type=int, default=3, help="Moon: the variables named per "
                        "alarm (default 3; 0: none)")
    parser.set_defaults(run=run)


class _Source:
    """Text as it arrives from standard input (until it closes) or a file (from its start;
    at its end, waiting for more unless not ``follow``), until ``stop()`` is called (a signal
    handler may call it: reads wait at most ``_POLL`` seconds, so it is seen at once).
    ``texts()`` yields (text, whether the input ended there)."""

    def __init__(self, source: str, follow: bool):
        self.source, self.follow, self.stopped = source, follow, False
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()

    def stop(self, *_) -> None:
        self.stopped = True

    def texts(self):
        handle = None if self.source == "-" else open(self.source, "rb")
        fd = sys.stdin.fileno() if handle is None else handle.fileno()
        try:
            while not self.stopped:
                if handle is None and not select.select([fd], [], [], _POLL)[0]:
                    continue
                data = os.read(fd, _READ)
                if data:
                    yield self.decoder.decode(data), False
                elif handle is None or not self.follow:
                    break
                else:
                    time.sleep(_POLL)
            yield self.decoder.decode(b"", final=True), True
        finally:
            if handle is not None:
                handle.close()


class _Printer:
    """One JSON line per alarm of a stream's outputs (Moon: its top variables)."""

    def __init__(self, stream, top: int):
        self.stream, self.top = stream, top
        self.explains = type(stream.detector).__name__ == "Moon" and top > 0
        self.recent = np.empty((0, stream.detector.n_features_in_))  # Moon: t - 1 and t

    def rows(self, rows: np.ndarray) -> None:
        if self.explains:
            self.recent = np.concatenate([self.recent, rows])[-len(rows) - 1:]

    def emit(self, out) -> None:
        for t, score, threshold in zip(out.index[out.alarms == 1], out.scores[out.alarms == 1],
                                       out.thresholds[out.alarms == 1]):
            line = {"timestamp": int(t), "score": float(score), "threshold": float(threshold)}
            if self.explains:
                line["top_variables"] = self._top(int(t))
            print(json.dumps(line), flush=True)

    def _top(self, t: int):
        """Moon's explanation of timestamp t (its row and the one before): the ``top``
        variables by fused contribution."""
        first = self.stream.n_rows - len(self.recent)
        rows = self.recent[max(0, t - 1 - first):t + 1 - first]
        explanation = self.stream.detector.explain(rows, len(rows) - 1)
        order = np.argsort(-explanation.contributions)[:self.top]
        return [{"variable": int(v), "contribution": float(explanation.contributions[v])}
                for v in order]


def run(args) -> int:
    from tsad_fast.detectors import load_detector
    from tsad_fast.streams import Stream
    from tsad_fast.tables import LineRows

    resume = args.state is not None and Path(args.state).exists()
    stream = Stream.load(args.state) if resume else load_detector(args.model).stream()
    from_file = args.source != "-"
    reader = LineRows("standard input" if not from_file else repr(args.source),
                      width=stream.detector.n_features_in_,
                      skip=stream.n_rows if from_file else 0)  # a file's rows already scored
    printer = _Printer(stream, args.top)
    source = _Source(args.source, args.follow)
    previous = signal.signal(signal.SIGINT, source.stop)  # Ctrl-C: stop after what was read
    try:
        for text, ended in source.texts():
            # at the end of the input its last line is whole; after Ctrl-C it may be half
            # written, and waits (a later watch --state of the file reads it)
            rows = reader.feed(text, final=ended and not source.stopped)
            printer.rows(rows)
            printer.emit(stream.update(rows))
            if reader.error is not None:  # the rows before a bad one are scored
                break
    finally:
        signal.signal(signal.SIGINT, previous)
    if reader.pending.strip():
        print(f"tsad-fast: the last line had no end yet and was not read: "
              f"{reader.pending.strip()[:80]!r}", file=sys.stderr)
    if args.state is not None:
        stream.save(args.state)
        print(f"{stream.n_rows} rows; stream saved to {args.state}", file=sys.stderr)
    elif stream.n_rows:
        printer.emit(stream.flush())
        print(f"{stream.n_rows} rows scored", file=sys.stderr)
    if reader.error is not None:
        print(f"tsad-fast: error: {reader.error}", file=sys.stderr)
        return 2
    return 0
