"""nearest_center at m = 20,000 queries, k = 1,200 centers, d = 64 against scikit-learn
NearestNeighbors(algorithm="brute") (the anchor) and faiss-cpu IndexFlatL2 (float32; when
installed), in the same run; indices must equal the anchor's. The opt-in ``dtype="float32"``
path is faiss's computation: its indices must equal faiss's but for float32 near-ties.

    python -m pytest benchmarks/test_bench_nearest.py --benchmark-only
"""
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import CPU_BACKENDS, backend_params
from tsad_fast.kernels import nearest_center

BACKENDS = backend_params("nearest_center")

GROUP = "nearest_center m=20000 k=1200 d=64"
_ANCHOR = {}


@pytest.fixture(scope="module")
def data(request):
    full = not request.config.getoption("benchmark_disable", False)
    m, k = (20_000, 1_200) if full else (500, 60)
    rng = np.random.default_rng(2024)
    return rng.normal(size=(m, 64)), rng.normal(size=(k, 64))


def test_anchor_sklearn(timed, data):
    neighbors = pytest.importorskip("sklearn.neighbors", reason="scikit-learn not installed")
    Q, C = data
    _, idx = timed(GROUP, "scikit-learn brute (anchor)",
                   lambda: neighbors.NearestNeighbors(n_neighbors=1, algorithm="brute")
                   .fit(C).kneighbors(Q), anchor=True)
    _ANCHOR["indices"] = idx[:, 0]


def test_faiss(timed, data):
    faiss = pytest.importorskip("faiss", reason="faiss-cpu not installed")
    Q, C = data
    Qf, Cf = Q.astype(np.float32), C.astype(np.float32)

    def run():
        index = faiss.IndexFlatL2(Cf.shape[1])
        index.add(Cf)
        return index.search(Qf, 1)

    _, indices = timed(GROUP, "faiss-cpu IndexFlatL2 (float32)", run)
    _ANCHOR["faiss"] = indices[:, 0]


@pytest.mark.parametrize("backend", backend_params("nearest_center_f32"))
def test_tsad_fast_float32(timed, data, backend):
    Q, C = data
    nearest_center(Q[:8], C, backend=backend, dtype="float32")  # warm-up
    _, indices = timed(GROUP, f"tsad_fast {backend} float32",
                       lambda: nearest_center(Q, C, backend=backend, dtype="float32"))
    if "faiss" in _ANCHOR:
        assert (indices != _ANCHOR["faiss"]).mean() < 1e-3  # float32 near-ties only


@pytest.mark.parametrize("backend", BACKENDS)
def test_tsad_fast(timed, data, backend):
    Q, C = data
    nearest_center(Q[:8], C, backend=backend)  # warm-up
    _, indices = timed(GROUP, f"tsad_fast {backend}", lambda: nearest_center(Q, C, backend=backend),
                       rounds=1 if backend == "numpy" else 5)
    if "indices" in _ANCHOR:
        np.testing.assert_array_equal(indices, _ANCHOR["indices"])


_PEAK = """
import resource, numpy as np
from tsad_fast.kernels import nearest_center
rng = np.random.default_rng(0)
nearest_center(rng.normal(size=(64, 64)), rng.normal(size=(16, 64)), backend="cpp")
Q, C = rng.normal(size=({m}, 64)), rng.normal(size=({k}, 64))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
nearest_center(Q, C, backend="cpp")
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


def test_peak_memory_cpp(full_size):
    """The fused search never forms the m x k matrix (m * k * 8 bytes = 192 MB at full size)."""
    if "cpp" not in CPU_BACKENDS:
        pytest.skip("cpp backend not built")
    m, k = (20_000, 1_200) if full_size else (2_000, 600)
    out = subprocess.run([sys.executable, "-c", _PEAK.format(m=m, k=k)], check=True,
                         capture_output=True, text=True)
    peak_mb = float(out.stdout.strip())
    print(f"\nnearest_center cpp peak resident growth at m={m}, k={k}: {peak_mb:.1f} MB "
          f"(an m x k matrix would be {m * k * 8 / 2**20:.0f} MB)")
    assert peak_mb < max(m * k * 8 / 2**20 / 4, 16.0)
