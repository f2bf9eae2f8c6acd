"""Python threads over the compiled kernels: 8 calls in one thread (anchor) against the same
8 calls spread over 4 threads, each kernel limited to one OpenMP thread so that the threads
are the only parallelism. The ratio is the speed-up the released GIL gives (at most the core
count: 2 on the project's machines). Inputs: tests/reliability/test_threads.py, ten times
longer when timing.

    python -m pytest benchmarks/test_bench_gil.py --benchmark-only
"""
import threading

import pytest

from tests.conftest import backend_params
from tests.reliability.test_threads import REGISTERED, case

threadpoolctl = pytest.importorskip("threadpoolctl")

KERNELS = ["vus_areas", "affiliation_sweep", "spot", "kmeans_assign", "granular_balls"]
N_CALLS, N_THREADS = 8, 4


def run_calls(calls, backend):
    with threadpoolctl.threadpool_limits(1, user_api="openmp"):  # this thread's OpenMP
        for call in calls:
            call(backend)


def in_threads(calls, backend):
    share = [calls[i::N_THREADS] for i in range(N_THREADS)]
    threads = [threading.Thread(target=run_calls, args=(part, backend)) for part in share]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def params():
    for kernel in KERNELS:
        for p in backend_params(REGISTERED.get(kernel, kernel), reference=False):
            if p.id != "cuda":
                yield pytest.param(kernel, *p.values, marks=p.marks, id=f"{kernel}-{p.id}")


@pytest.mark.parametrize("kernel, backend", list(params()))
@pytest.mark.parametrize("threads", [1, N_THREADS], ids=["serial", "threads"])
def test_threads(timed, full_size, kernel, backend, threads):
    calls = [case(kernel, seed, size=10 if full_size else 1) for seed in range(N_CALLS)]
    run_calls(calls[:1], backend)  # compiled (Numba) and warm
    group = f"{N_CALLS} calls of {kernel} [{backend}], 1 OpenMP thread each"
    if threads == 1:
        timed(group, "1 Python thread (anchor)", lambda: run_calls(calls, backend), anchor=True)
    else:
        timed(group, f"{N_THREADS} Python threads", lambda: in_threads(calls, backend))
