"""Thread pools that share the cores with each other and with other processes.

Two rules, measured with a busy process beside the run (``benchmarks/test_bench_threads.py``):

* OpenMP threads that wait by spinning burn the cores that other threads need. torch's CPU
  build and the C++ kernels both use OpenMP; with a busy process beside it, a two-thread torch
  training step slows down far more with the default (spinning) wait than with
  ``OMP_WAIT_POLICY=PASSIVE``. Importing ``tsad_fast`` therefore sets ``OMP_WAIT_POLICY=PASSIVE``
  unless the variable is already set. OpenMP runtimes read it when they load, so it reaches
  torch only when ``tsad_fast`` is imported before torch (``torch_spins()`` tells).
* A detector runs torch with the thread count that fits its model (:func:`torch_threads`):
  tiny recurrent steps gain nothing from a second thread and lose everything when it is
  descheduled, larger convolutions and attention gain from every core. The count is fixed by
  the model and the cores the process may use, never by the load of the moment, so a seeded
  run gives the same scores on a busy machine as on an idle one.

And one rule for the numbers they compute: inside :func:`torch_threads`, every thread of
torch's pool flushes subnormal floats to zero (x86's FTZ and DAZ modes, restored afterwards).
Training drives some values below float32's smallest normal number (1.2e-38), where they no
longer matter, and each product with one takes the processor's slow path: on SMD rows,
training steps of Moon's network would otherwise grow several times slower within a few tens
of steps.
"""
from __future__ import annotations

import ctypes
import functools
import os
import sys
import threading
from contextlib import contextmanager
from typing import Callable, Iterator, Optional

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


@functools.lru_cache(maxsize=None)
def _openmp_runtime() -> Optional[ctypes.CDLL]:
    """The OpenMP runtime torch's CPU library runs on, as ``GOMP_parallel`` resolves from it
    (several runtimes may be loaded: the one torch ships, the system's, scikit-learn's; torch
    uses whichever its library was linked to at load); None without one (Windows, a build
    without OpenMP). Found once per process."""
    import torch

    folder = os.path.join(os.path.dirname(torch.__file__), "lib")
    for name in ("libtorch_cpu.so", "libtorch_cpu.dylib"):
        try:
            library = ctypes.CDLL(os.path.join(folder, name))
            parallel = library.GOMP_parallel
        except (OSError, AttributeError):
            continue
        parallel.argtypes = [_TEAM_TASK, ctypes.c_void_p, ctypes.c_uint, ctypes.c_uint]
        parallel.restype = None
        return library
    return None


_TEAM_TASK = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


def _on_every_thread(task: Callable[[], None]) -> None:
    """Run ``task`` once on each thread of the calling thread's OpenMP team (the threads
    torch's next parallel region uses), or on the calling thread alone without a runtime."""
    runtime = _openmp_runtime()
    if runtime is None:
        task()
        return
    errors = []

    def run(_):
        try:
            task()
        except BaseException as error:  # noqa: BLE001  (re-raised on the calling thread)
            errors.append(error)

    runtime.GOMP_parallel(_TEAM_TASK(run), None, 0, 0)
    if errors:
        raise errors[0]


_FLUSH_LOCK = threading.Lock()


def _flushes() -> bool:
    """Whether the calling thread flushes subnormal floats to zero (its float32 conversion of
    a subnormal number gives zero)."""
    import torch

    return torch.tensor(1e-39, dtype=torch.float32).item() == 0.0


@contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run the block with torch's intra-op pool at ``n`` threads whose subnormal floats are
    flushed to zero, both restored afterwards (see the module's notes)."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    flush = not _flushes() and torch.set_flush_denormal(True)
    if flush:
        with _FLUSH_LOCK:
            _on_every_thread(lambda: torch.set_flush_denormal(True))
    try:
        yield
    finally:
        if flush:
            with _FLUSH_LOCK:
                _on_every_thread(lambda: torch.set_flush_denormal(False))
        torch.set_num_threads(previous)


_CONTROLLER: list = []  # [(loaded modules when built, threadpoolctl.ThreadpoolController)]


def blas_threads(n: int):
    """A ``with`` block in which BLAS and OpenMP pools (threadpoolctl) use at most ``n``
    threads. The controller that finds the pools is built once and again only after new
    modules were imported (finding them reads the process's memory map: milliseconds, which a
    stream's one-row update cannot pay)."""
    from threadpoolctl import ThreadpoolController

    if not _CONTROLLER or _CONTROLLER[0][0] != len(sys.modules):
        _CONTROLLER[:] = [(len(sys.modules), ThreadpoolController())]
    return _CONTROLLER[0][1].limit(limits=n)
