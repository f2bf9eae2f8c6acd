"""Thread pools that share the cores with each other and with other processes.

Two rules, measured on this project's 2-core machines (``benchmarks/test_bench_threads.py``):

* OpenMP threads that wait by spinning burn the cores that other threads need. torch's CPU
  build and the C++ kernels both use OpenMP; with a busy process beside it, a two-thread torch
  training step took 3.5x its idle time with the default (spinning) wait and 1.7x with
  ``OMP_WAIT_POLICY=PASSIVE``. Importing ``tsad_fast`` therefore sets ``OMP_WAIT_POLICY=PASSIVE``
  unless the variable is already set. OpenMP runtimes read it when they load, so it reaches
  torch only when ``tsad_fast`` is imported before torch (``torch_spins()`` tells).
* A detector runs torch with the thread count that fits its model (:func:`torch_threads`):
  tiny recurrent steps gain nothing from a second thread and lose everything when it is
  descheduled, larger convolutions and attention gain from every core. The count is fixed by
  the model and the cores the process may use, never by the load of the moment, so a seeded
  run gives the same scores on a busy machine as on an idle one.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Iterator

_POLICY = "OMP_WAIT_POLICY"
_USER_SET_POLICY = _POLICY in os.environ
_TORCH_LOADED_BEFORE = "torch" in sys.modules
if not _USER_SET_POLICY:
    os.environ[_POLICY] = "PASSIVE"


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def torch_spins() -> bool:
    """Whether torch's OpenMP threads wait by spinning: torch was loaded before ``tsad_fast``
    set the passive policy, and the user set none."""
    return _TORCH_LOADED_BEFORE and not _USER_SET_POLICY


_WARNED = []


def warned_once() -> bool:
    """False the first time it is called in a process, True afterwards (one warning each)."""
    if _WARNED:
        return True
    _WARNED.append(True)
    return False


@contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run the block with torch's intra-op pool at ``n`` threads, restored afterwards."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
