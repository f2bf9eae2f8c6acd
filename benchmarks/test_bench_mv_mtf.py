"""MV-MTF at n = 10,000, c = 38 against a pure-Python transliteration of the published
algorithm (the anchor: per-variable entropy search over quantile bins, then loops over every
ordered pair of variables and every timestamp), in the same run; linear growth in n
(n = 100,000) and quadratic in c; pyts ``MarkovTransitionField`` on one variable (the n x n
image) when pyts is installed.

    python -m pytest benchmarks/test_bench_mv_mtf.py --benchmark-only
"""
import numpy as np
import pytest

from tests.conftest import CPU_BACKENDS, backend_params
from tests.naive import naive_mv_mtf
from tsad_fast.kernels import mv_mtf

BACKENDS = backend_params("mtf_field")
_ANCHOR = {}


def make(n, c, seed=2024):
    rng = np.random.default_rng(seed)
    return np.round(rng.normal(size=(n, c)).cumsum(axis=0), 3)


def published(X, alpha=0.9, candidates=range(6, 12)):
    """The published algorithm in plain Python: bins by maximal entropy, then the field."""
    n, c = X.shape
    edges = []
    for u in range(c):
        column = X[:, u].tolist()
        best, best_h = None, -1.0
        for q in candidates:
            cut = np.percentile(column, [100.0 * i / q for i in range(1, q)]).tolist()
            kept = [cut[0]] + [e for a, e in zip(cut, cut[1:]) if e - a > 1e-8]
            counts = {}
            for x in column:
                b = sum(1 for e in kept if e < x)
                counts[b] = counts.get(b, 0) + 1
            h = -sum(v / n * np.log(v / n) for v in counts.values())
            if h > best_h:
                best, best_h = kept, h
        edges.append(best)
    weights = [[1.0 / max(c - 1, 1)] * c for _ in range(c)]
    return naive_mv_mtf(X.tolist(), edges, alpha, weights, 1.0)


@pytest.fixture(scope="module")
def sizes(request):
    full = not request.config.getoption("benchmark_disable", False)
    return (10_000, 38) if full else (300, 6)


def test_anchor_published_python(timed, sizes):
    n, c = sizes
    X = make(n, c)
    _ANCHOR[sizes] = timed(f"mv_mtf n={n} c={c}", "published algorithm, pure Python (anchor)",
                           lambda: published(X), anchor=True, rounds=1)


@pytest.mark.parametrize("backend", BACKENDS)
def test_tsad_fast(timed, sizes, backend):
    n, c = sizes
    X = make(n, c)
    mv_mtf(X[:50], backend=backend)  # warm-up (numba compilation)
    F = timed(f"mv_mtf n={n} c={c}", f"tsad_fast {backend}", lambda: mv_mtf(X, backend=backend),
              rounds=1 if backend == "numpy" else 5)
    if sizes in _ANCHOR:
        np.testing.assert_allclose(F, _ANCHOR[sizes], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("scale", [(10, 1), (1, 2)], ids=["n x10", "c x2"])
def test_growth_cpp(timed, sizes, scale):
    if "cpp" not in CPU_BACKENDS:
        pytest.skip("cpp backend not built")
    n, c = sizes
    X = make(n * scale[0], c * scale[1])
    mv_mtf(X[:50], backend="cpp")
    timed(f"mv_mtf growth from n={n} c={c}", f"cpp n={n * scale[0]} c={c * scale[1]}",
          lambda: mv_mtf(X, backend="cpp"))


def test_growth_base(timed, sizes):
    if "cpp" not in CPU_BACKENDS:
        pytest.skip("cpp backend not built")
    n, c = sizes
    X = make(n, c)
    timed(f"mv_mtf growth from n={n} c={c}", f"cpp n={n} c={c} (base)",
          lambda: mv_mtf(X, backend="cpp"), anchor=True)


def test_pyts_one_variable(timed, sizes):
    pyts = pytest.importorskip("pyts.image", reason="pyts not installed")
    n, _ = sizes
    x = make(n, 1)[:, 0][None, :]
    timed(f"mv_mtf n={n} c={sizes[1]}", "pyts MarkovTransitionField, 1 variable (n x n)",
          lambda: pyts.MarkovTransitionField(n_bins=8).fit_transform(x), rounds=1)


@pytest.mark.parametrize("phase", ["whole", "binning", "transitions", "field"])
def test_phases_cpp(timed, sizes, phase):
    """Where the C++ time goes: the binning (quantiles, the entropy choice, the bins), the
    transition counts and the field, each timed alone; the anchor is the whole conversion, so
    each ratio is the whole's time over the phase's."""
    if "cpp" not in CPU_BACKENDS:
        pytest.skip("cpp backend not built")
    from tsad_fast import _backend
    from tsad_fast.kernels._numpy import mv_mtf as ref

    n, c = sizes
    X = make(n, c)
    candidates = list(range(6, 12))
    quantiles, digitize, transitions, field = (
        _backend.resolve(name, "cpp")[1]
        for name in ("mtf_quantiles", "mtf_digitize", "mtf_transitions", "mtf_field"))

    def binning():
        Q, at_most = quantiles(X, ref.levels(candidates) / 100.0)
        edges = ref.choose_edges(Q, at_most, n, candidates)
        return edges, digitize(X, ref.padded_edges(edges))

    edges, B = binning()
    n_bins = np.array([e.size + 1 for e in edges], dtype=np.int32)
    W = transitions(B, n_bins)
    weights = np.full((c, c), 1.0 / max(c - 1, 1))
    run = {"whole": lambda: mv_mtf(X, backend="cpp"), "binning": binning,
           "transitions": lambda: transitions(B, n_bins),
           "field": lambda: field(B, W, weights, 0.9, 1.0)}[phase]
    timed(f"mv_mtf phases n={n} c={c} (cpp; ratio = whole / phase)",
          {"whole": "whole mv_mtf (anchor)", "binning": "binning (quantiles, entropy, bins)",
           "transitions": "transition counts", "field": "field"}[phase],
          run, anchor=phase == "whole")
