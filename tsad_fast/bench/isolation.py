"""Run one call in a forked child process with a time limit (POSIX).

A Dask task cannot be stopped once it runs, so a task with a time limit runs in a child forked
from the worker: the worker waits for the child's JSON result, and kills the child when the
limit passes. The worker imports the heavy modules before forking (only imports, no
computation, so no thread pool of OpenMP or BLAS exists yet to be copied half-locked), and the
child dies with the worker (``PR_SET_PDEATHSIG`` on Linux) if the worker is lost.
"""
from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
import warnings
from typing import Any, Callable


class TaskTimeout(Exception):
    """The call ran past its time limit and its process was killed."""


def forking_supported() -> bool:
    return hasattr(os, "fork")


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _child(write_fd: int, parent: int, fn: Callable[[Any], Any], arg: Any) -> None:
    code = 1
    try:
        _die_with_parent(parent)
        payload = json.dumps(fn(arg)).encode()
        view = memoryview(payload)
        while view:
            view = view[os.write(write_fd, view):]
        code = 0
    finally:
        os._exit(code)  # never return into the worker's code


def call_with_timeout(fn: Callable[[Any], Any], arg: Any, timeout: float) -> Any:
    """``fn(arg)`` (its result must be JSON-serialisable) in a forked child; TaskTimeout after
    ``timeout`` seconds, ChildProcessError when the child dies without a result (a crash)."""
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    with warnings.catch_warnings():  # Python 3.12+ warns on fork in threaded processes: the
        warnings.simplefilter("ignore", DeprecationWarning)  # child runs only fn, see above
        pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(write_fd, parent, fn, arg)
    os.close(write_fd)
    chunks, deadline, timed_out = [], time.monotonic() + timeout, False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], left)
            if ready:
                chunk = os.read(read_fd, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_fd)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if timed_out:
        raise TaskTimeout(f"ran past the time limit of {timeout:g} s")
    if status != 0 or not chunks:
        how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"exit code {os.WEXITSTATUS(status)}")
        raise ChildProcessError(f"the task's process ended without a result ({how})")
    return json.loads(b"".join(chunks))
