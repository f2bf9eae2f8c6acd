"""Four Python threads calling a kernel at once get exactly the results of serial calls, on
every compiled backend (the C++ kernels release the GIL, and so do the serial Numba ones)."""
import threading

import numpy as np
import pytest

from tsad_fast import kernels
from tests.conftest import backend_params

N_THREADS = 4


def case(kernel, seed, size=1):
    """A call of ``kernel`` on inputs drawn from ``seed`` (``size`` times longer series and
    more points): backend -> comparable output."""
    rng = np.random.default_rng(seed)
    n = 3000 * size
    score = rng.random(n)
    labels = np.zeros(n)
    labels[rng.choice(n - 100, 8 * size, replace=False)[:, None] + np.arange(40)] = 1
    points, centers = rng.normal(size=(4000 * size, 6)), rng.normal(size=(50, 6))
    stream = rng.normal(size=20_000 * size)
    calls = {
        "vus_areas": lambda b: kernels.vus_areas(labels, score, 200, 250, backend=b),
        "affiliation_sweep": lambda b: kernels.affiliation_sweep(
            labels, score, np.linspace(0, 1, 100), backend=b),
        "spot": lambda b: kernels.spot(stream[:2000], stream, q=1e-3, two_sided=True,
                                       backend=b).upper,
        "nearest_center": lambda b: kernels.nearest_center(points, centers, backend=b),
        "kmeans_assign": lambda b: kernels.kmeans_assign(points, centers, backend=b),
        "granular_balls": lambda b: kernels.granular_balls(points[:1500 * size], backend=b).labels,
        "granular_balls_density": lambda b: kernels.granular_balls(
            points[:1500 * size], rule="density", backend=b).labels,
        "mv_mtf": lambda b: kernels.mv_mtf(points[:2000, :3], backend=b),
    }
    return calls[kernel]


REGISTERED = {"spot": "spot_stream", "mv_mtf": "mtf_transitions",  # registry names
              "granular_balls_density": "granular_balls"}


def params():
    for kernel in ("vus_areas", "affiliation_sweep", "spot", "nearest_center", "kmeans_assign",
                   "granular_balls", "granular_balls_density", "mv_mtf"):
        for p in backend_params(REGISTERED.get(kernel, kernel), reference=False):
            yield pytest.param(kernel, *p.values, marks=p.marks, id=f"{kernel}-{p.id}")


def flat(result):
    if isinstance(result, tuple):
        return [np.asarray(r) for r in result]
    return [np.asarray(result)]


@pytest.mark.parametrize("kernel, backend", list(params()))
def test_four_threads_give_the_serial_results(kernel, backend):
    calls = [case(kernel, seed) for seed in range(N_THREADS)]
    serial = [flat(call(backend)) for call in calls]
    threaded = [None] * N_THREADS
    start = threading.Barrier(N_THREADS)
    errors = []

    def work(i):
        try:
            start.wait()
            for _ in range(2):  # twice, so calls overlap with calls of every other thread
                threaded[i] = flat(calls[i](backend))
        except Exception as exc:  # reported below, in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(N_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for i in range(N_THREADS):
        for got, want in zip(threaded[i], serial[i]):
            np.testing.assert_array_equal(got, want)
