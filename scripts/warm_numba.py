"""Compile every Numba kernel once on tiny inputs, so that numba's on-disk cache (``cache=True``)
holds them before the test-suite runs: a fresh checkout otherwise compiles each one inside
whichever test first calls it. Prints the seconds each took."""
import time

import numpy as np

import tsad_fast  # noqa: F401  (registers the kernels)
from tsad_fast import kernels
from tsad_fast.metrics import affiliation_f1

rng = np.random.default_rng(0)
Z = rng.normal(size=(200, 4))
labels = np.zeros(300)
labels[100:120] = 1
score = rng.random(300)
CALLS = {
    "nearest_center": lambda: kernels.nearest_center(Z, Z[:5], backend="numba"),
    "nearest_center_f32": lambda: kernels.nearest_center(Z, Z[:5], backend="numba",
                                                         dtype="float32"),
    "kmeans_assign": lambda: kernels.kmeans_assign(Z, Z[:5], backend="numba"),
    "granular_balls dm": lambda: kernels.granular_balls(Z, backend="numba"),
    "granular_balls density": lambda: kernels.granular_balls(Z, backend="numba", rule="density"),
    "mv_mtf": lambda: kernels.MVMTF(backend="numba").fit(Z).transform(Z),
    "spot": lambda: kernels.spot(score[:200], score[200:], q=1e-2, backend="numba"),
    "spot two-sided drift": lambda: kernels.spot(score[:200], score[200:], q=1e-2, depth=5,
                                                 two_sided=True, backend="numba"),
    "vus_areas": lambda: kernels.vus_areas(labels, score, 10, 20, backend="numba"),
    "affiliation": lambda: affiliation_f1(labels, pred=(score > 0.5).astype(int),
                                          backend="numba"),
}

for name, call in CALLS.items():
    start = time.perf_counter()
    call()
    print(f"numba {name}: {time.perf_counter() - start:.1f} s")
