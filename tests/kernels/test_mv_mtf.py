"""MV-MTF (SPEC 1.1): the paper's Example 4, every backend against the loop-level oracle of
tests/naive.py, the bin choice, fit/transform, edge cases and bad input."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import backend_params
from tests.naive import naive_mv_mtf
from tsad_fast import _backend
from tsad_fast.kernels import MVMTF, mv_mtf
from tsad_fast.kernels._numpy import mv_mtf as ref

ALL_BACKENDS = backend_params("mtf_field")


def kernels(backend):
    return (_backend.resolve("mtf_transitions", backend)[1],
            _backend.resolve("mtf_field", backend)[1])


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_paper_example_4(backend):
    # X^u and X^u' with the bins of the example ([lo, hi) intervals: edges just below each lo)
    X = np.array([[0.1, 0.2], [0.3, 0.3], [0.05, 0.45], [0.4, 0.3], [0.15, 0.35], [0.2, 0.4]])
    edges = [np.array([0.2, 0.3]) - 1e-9, np.array([0.3, 0.4]) - 1e-9]
    B = ref.digitize(X, edges)
    np.testing.assert_array_equal(B[:, 0] + 1, [1, 3, 1, 3, 1, 2])
    np.testing.assert_array_equal(B[:, 1] + 1, [1, 2, 3, 2, 2, 3])
    transitions, field = kernels(backend)
    W = transitions(B, np.array([3, 3], dtype=np.int32))
    np.testing.assert_allclose(W[0, 1], [[0, 2 / 3, 1 / 3], [0, 0, 0], [0, 1 / 2, 1 / 2]],
                               rtol=0, atol=1e-15)
    cross_only = field(B, W, np.ones((2, 2)), 0.0, 1.0)  # alpha = 0: the cross term m_uu'
    np.testing.assert_allclose(cross_only[1:, 0], [2 / 3, 1 / 2, 2 / 3, 1 / 2, 1 / 3], atol=1e-15)
    assert cross_only[0, 0] == pytest.approx(W[0, 1][B[0, 0], B[0, 1]])  # t = 0: same timestamp


series = st.tuples(st.integers(0, 2**32 - 1), st.integers(2, 200), st.integers(1, 6),
                   st.sampled_from([None, 1, 2]))


def make(seed, n, c, decimals):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, c)).cumsum(axis=0)
    return X if decimals is None else np.round(X, decimals)  # rounding makes quantile ties


@pytest.mark.parametrize("backend", ALL_BACKENDS)
@given(case=series, omega=st.sampled_from(["mean", "reference", "array"]),
       alpha=st.floats(0.0, 1.0))
def test_backends_equal_the_oracle(backend, case, omega, alpha):
    X = make(*case)
    c = X.shape[1]
    if omega == "array":
        omega = np.random.default_rng(case[0]).random((c, c))
    fitted = MVMTF(alpha=alpha, omega=omega, backend="numpy").fit(X)
    weights, scale = fitted._weights(c)
    expected = naive_mv_mtf(X.tolist(), [e.tolist() for e in fitted.edges_], alpha,
                            weights.tolist(), scale)
    F = mv_mtf(X, alpha=alpha, omega=omega, backend=backend)
    np.testing.assert_allclose(F, expected, rtol=1e-12, atol=1e-15)


BINNING_BACKENDS = backend_params("mtf_quantiles", reference=False)


@pytest.mark.parametrize("backend", BINNING_BACKENDS)
@given(case=series, candidates=st.lists(st.integers(2, 14), min_size=1, max_size=5))
def test_binning_kernels_equal_the_reference_bit_for_bit(backend, case, candidates):
    X = make(*case)
    fractions = ref.levels(candidates) / 100.0
    quantiles = _backend.resolve("mtf_quantiles", backend)[1]
    digitize = _backend.resolve("mtf_digitize", backend)[1]
    Q, at_most = ref.mtf_quantiles(X, fractions)
    got_Q, got_at_most = quantiles(X, fractions)
    np.testing.assert_array_equal(got_Q, Q)
    np.testing.assert_array_equal(got_at_most, at_most)
    E = ref.padded_edges(ref.choose_edges(Q, at_most, X.shape[0], candidates))
    np.testing.assert_array_equal(digitize(X, E), ref.mtf_digitize(X, E))
    model = MVMTF(bins=candidates, backend=backend).fit(X)
    for got, expected in zip(model.edges_, ref.bin_edges(X, candidates)):
        np.testing.assert_array_equal(got, expected)


@given(case=series, candidates=st.lists(st.integers(2, 14), min_size=1, max_size=5),
       constant=st.booleans())
def test_bulk_entropy_choice_is_the_per_variable_choice(case, candidates, constant):
    """choose_edges decides most variables from entropies computed all at once; merged edges
    (rounded or constant columns) and close calls go through the definition: same edges."""
    X = make(*case)
    if constant:
        X[:, 0] = 1.5
    Q, at_most = ref.mtf_quantiles(X, ref.levels(candidates) / 100.0)
    for got, want in zip(ref.choose_edges(Q, at_most, X.shape[0], candidates),
                         ref.choose_edges_reference(Q, at_most, X.shape[0], candidates)):
        np.testing.assert_array_equal(got, want)


@given(case=series, candidates=st.lists(st.integers(2, 14), min_size=1, max_size=5))
def test_reference_quantiles_are_numpy_percentiles(case, candidates):
    X = make(*case)
    levels = ref.levels(candidates)
    Q, at_most = ref.mtf_quantiles(X, levels / 100.0)
    np.testing.assert_array_equal(Q, np.percentile(X, levels, axis=0))
    np.testing.assert_array_equal(at_most, (X[:, None, :] <= Q[None]).sum(axis=0))


@pytest.mark.parametrize("backend", BINNING_BACKENDS)
def test_binning_edge_cases(backend):
    quantiles = _backend.resolve("mtf_quantiles", backend)[1]
    digitize = _backend.resolve("mtf_digitize", backend)[1]
    one = np.array([[3.0, -1.0]])  # one row: every quantile is that row
    Q, at_most = quantiles(one, np.array([0.0, 0.5, 1.0]))
    np.testing.assert_array_equal(Q, [[3.0, -1.0]] * 3)
    np.testing.assert_array_equal(at_most, np.ones((3, 2)))
    ties = np.repeat([[1.0], [2.0]], 50, axis=0)  # half ones, half twos: the median is 1.5
    Q, at_most = quantiles(ties, np.array([0.25, 0.5, 0.75]))
    np.testing.assert_array_equal(Q[:, 0], [1.0, 1.5, 2.0])
    np.testing.assert_array_equal(at_most[:, 0], [50, 50, 100])
    E = np.array([[0.0, 1.0, np.inf]])  # padded: x equal to an edge stays in the bin below it
    np.testing.assert_array_equal(digitize(np.array([[-1.0], [0.0], [0.5], [1.0], [9.0]]), E)[:, 0],
                                  [0, 0, 1, 1, 2])
    if backend == "cpp":  # the compiled layer's own guard: its ranks assume increasing fractions
        with pytest.raises(ValueError, match="fractions"):
            quantiles(one, np.array([0.5, 0.25]))


def test_bin_count_maximises_entropy_ties_to_the_smaller():
    rng = np.random.default_rng(1)
    X = np.c_[rng.normal(size=500), rng.integers(0, 3, size=500), np.repeat(np.arange(5), 100)]
    edges = ref.bin_edges(X, range(6, 12))
    for u in range(X.shape[1]):
        entropies = {q: ref.entropy(np.searchsorted(ref.candidate_edges(X[:, u], q), X[:, u]))
                     for q in range(6, 12)}
        best = max(entropies.values())
        first = min(q for q, h in entropies.items() if h == best)
        np.testing.assert_array_equal(edges[u], ref.candidate_edges(X[:, u], first))
    # three distinct values: the merged edges put them in three different bins
    assert edges[1].size <= 3 and np.unique(np.searchsorted(edges[1], X[:, 1])).size == 3
    np.testing.assert_allclose(ref.candidate_edges(np.arange(11.0), 5), [2, 4, 6, 8])


@given(series, st.lists(st.integers(2, 14), min_size=1, max_size=5))
def test_bin_choice_equals_the_brute_force(case, candidates):
    X = make(*case)
    edges = ref.bin_edges(X, candidates)
    for u in range(X.shape[1]):
        best, best_h = None, -np.inf
        for q in sorted(set(candidates)):
            e = ref.candidate_edges(X[:, u], q)
            h = ref.entropy(np.searchsorted(e, X[:, u], side="left"))
            if h > best_h:
                best, best_h = e, h
        np.testing.assert_array_equal(edges[u], best)


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_edge_cases(backend):
    const = np.c_[np.ones(50), np.arange(50.0) % 7]
    F = mv_mtf(const, backend=backend)
    assert np.isfinite(F).all()
    model = MVMTF(backend=backend).fit(const)
    assert model.n_bins_[0] == 2 and np.all(ref.digitize(const, model.edges_)[:, 0] == 0)
    assert mv_mtf(np.array([1.0, 2.0]), backend=backend).shape == (2, 1)  # n = 2, c = 1
    single = mv_mtf(np.sin(np.arange(100.0)), alpha=1.0, backend=backend)
    assert single.shape == (100, 1) and np.all((single >= 0) & (single <= 1))


def test_transform_applies_the_training_bins():
    rng = np.random.default_rng(2)
    train, test = rng.normal(size=(400, 3)), rng.normal(size=(100, 3))
    model = MVMTF().fit(train)
    np.testing.assert_allclose(model.transform(train), mv_mtf(train), rtol=0, atol=0)
    F = model.transform(test)
    B = ref.digitize(test, model.edges_)
    weights, scale = model._weights(3)
    np.testing.assert_allclose(F, ref.mtf_field(B, model.transitions_, weights, 0.9, scale),
                               rtol=1e-12)
    far = test.copy()
    far[50] = 100.0  # above every training edge: the last bin of each variable
    assert np.all(ref.digitize(far, model.edges_)[50] == model.n_bins_ - 1)


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(X=np.full((10, 2), np.nan)), ValueError, "X"),
    (dict(X=np.zeros((1, 2))), ValueError, "at least 2"),
    (dict(X=np.zeros((0, 2))), ValueError, "X"),
    (dict(X="abc"), TypeError, "X"),
    (dict(alpha=1.5), ValueError, "alpha"),
    (dict(alpha="a"), TypeError, "alpha"),
    (dict(bins=[1, 6]), ValueError, "bins"),
    (dict(bins=[]), ValueError, "bins"),
    (dict(bins=5), TypeError, "bins"),
    (dict(omega="median"), ValueError, "omega"),
    (dict(omega=np.ones((3, 3))), ValueError, "omega"),
    (dict(backend="gpu"), ValueError, "backend"),
])
def test_bad_input(kwargs, error, match):
    args = dict(X=np.random.default_rng(0).normal(size=(20, 2)))
    args.update(kwargs)
    with pytest.raises(error, match=match):
        mv_mtf(**args)


def test_transform_checks():
    with pytest.raises(ValueError, match="not fitted"):
        MVMTF().transform(np.zeros((5, 2)))
    model = MVMTF().fit(np.random.default_rng(0).normal(size=(30, 2)))
    with pytest.raises(ValueError, match="variables"):
        model.transform(np.zeros((5, 3)))


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_more_bins_than_a_byte_holds(backend):
    """300 bins: the C++ counts take their wide path (bins above 255), the same field."""
    X = make(0, 2000, 3, None)
    model = MVMTF(bins=[300], backend=backend).fit(X)
    assert model.n_bins_.max() > 256
    np.testing.assert_allclose(model.transform(X), MVMTF(bins=[300], backend="numpy").fit(X)
                               .transform(X), rtol=1e-12, atol=1e-15)


def test_state_round_trip_and_mismatched_state():
    X = np.random.default_rng(3).normal(size=(400, 4))
    fitted = MVMTF(bins=range(4, 8)).fit(X)
    back = MVMTF.from_state(fitted.to_state(), bins=range(4, 8))
    np.testing.assert_array_equal(back.transform(X[:50]), fitted.transform(X[:50]))
    state = fitted.to_state()
    with pytest.raises(ValueError, match="transitions of shape"):
        MVMTF.from_state({**state, "edges": state["edges"][:3]})
    with pytest.raises(ValueError, match="not fitted"):
        MVMTF().to_state()
