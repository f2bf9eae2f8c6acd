"""SPOT kernel: every backend against the NumPy reference, the reference against the loop-level
oracle (tests/naive.py), invariants and bad input."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import backend_params, make_stream
from tests.naive import naive_spot
from tsad_fast.kernels import spot
from tsad_fast.kernels.spot import SpotState

VARIANTS = {  # name: (depth, two_sided)
    "spot": (0, False),
    "bispot": (0, True),
    "dspot": (10, False),
    "bidspot": (7, True),
}


def assert_close_thresholds(got, want, scale, rtol):
    """Thresholds equal to ``rtol`` relative, or ``rtol * scale`` where DSPOT's drift mean plus
    z_q cancels towards 0."""
    err = np.abs(got - want) / np.maximum(np.abs(want), scale)
    assert err.max(initial=0) <= rtol, err.max()


def assert_same(result, reference, scale, rtol):
    """Same alarms, thresholds and tail fits.

    ``rtol`` is 1e-9 on well-posed fits. Random small peak sets sometimes give degenerate fits:
    the best GPD root at the singularity theta = -1/max(Y) (gamma -> -1), where w jumps across 0
    within one ulp of theta and d(gamma)/d(theta) ~ 1e7, so gamma is defined only to ~1e-7 in
    float64 and z_q to ~1e-8; the randomised test holds those to 1e-6.
    """
    np.testing.assert_array_equal(result.alarms, reference.alarms)
    assert_close_thresholds(result.upper, reference.upper, scale, rtol)
    if reference.lower is not None:
        assert_close_thresholds(result.lower, reference.lower, scale, rtol)
    for got, want in [(result.upper_tail, reference.upper_tail),
                      (result.lower_tail, reference.lower_tail)]:
        if want is None:
            assert got is None
            continue
        assert got.n_peaks == want.n_peaks
        np.testing.assert_allclose(
            [got.init_threshold, got.initial_quantile, got.quantile],
            [want.init_threshold, want.initial_quantile, want.quantile], rtol=rtol)
        # gamma and sigma = gamma / theta are ill-conditioned near theta = 0 and theta = -1/max(Y)
        np.testing.assert_allclose([got.gamma, got.sigma], [want.gamma, want.sigma], rtol=1e-5,
                                   atol=1e-12)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["normal", "exponential", "pareto", "drift"]),
    variant=st.sampled_from(sorted(VARIANTS)),
    seed=st.integers(0, 2**32 - 1),
    n_init=st.integers(200, 1200),
    n=st.integers(0, 1500),
    q=st.sampled_from([1e-2, 1e-3, 1e-4]),
    level=st.sampled_from([0.9, 0.95, 0.98]),
    compat=st.booleans(),
    with_alarm=st.booleans(),
    scale=st.sampled_from([1e-3, 1.0, 250.0]),
)
def test_compiled_backend_matches_reference(compiled_backend, kind, variant, seed, n_init, n, q,
                                            level, compat, with_alarm, scale):
    depth, two_sided = VARIANTS[variant]
    series = scale * make_stream(kind, seed, n_init + n)
    kwargs = dict(q=q, level=level, depth=depth, two_sided=two_sided, compat=compat,
                  with_alarm=with_alarm)
    reference = spot(series[:n_init], series[n_init:], backend="numpy", **kwargs)
    result = spot(series[:n_init], series[n_init:], backend=compiled_backend, **kwargs)
    assert result.backend == compiled_backend
    assert_same(result, reference, scale=np.abs(series).max(), rtol=1e-6)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("kind", ["normal", "exponential", "pareto", "drift"])
def test_compiled_backend_matches_reference_to_1e9(compiled_backend, variant, kind):
    depth, two_sided = VARIANTS[variant]
    series = make_stream(kind, 2024, 7000)
    kwargs = dict(q=1e-3, level=0.98, depth=depth, two_sided=two_sided)
    reference = spot(series[:5000], series[5000:], backend="numpy", **kwargs)
    result = spot(series[:5000], series[5000:], backend=compiled_backend, **kwargs)
    assert_same(result, reference, scale=np.abs(series).max(), rtol=1e-9)



def test_a_reversed_search_interval_skips_the_trivial_root(compiled_backend):
    """One search point and a peak near 1e9: the first interval runs from +1e-9 to -1e-9 and
    its root search may land on theta = 0, a candidate with sigma = 0 / 0 that every backend
    skips (Numba raised ZeroDivisionError)."""
    init = np.r_[np.arange(10.0), 1e9]
    got = spot(init, [], level=0.5, n_points=1, backend=compiled_backend).upper_tail
    want = spot(init, [], level=0.5, n_points=1, backend="numpy").upper_tail
    assert got.gamma == pytest.approx(want.gamma, rel=1e-9)
    assert got.quantile == pytest.approx(want.quantile, rel=1e-9)

@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("kind,compat", [("normal", False), ("pareto", True), ("drift", True),
                                         ("exponential", False)])
def test_reference_matches_naive_oracle(variant, kind, compat):
    depth, two_sided = VARIANTS[variant]
    series = make_stream(kind, 7, 1300)
    kwargs = dict(q=1e-3, level=0.95, depth=depth, two_sided=two_sided, compat=compat)
    upper, lower, alarms = naive_spot(series[:800], series[800:], **kwargs)
    result = spot(series[:800], series[800:], backend="numpy", **kwargs)
    np.testing.assert_array_equal(result.alarms, alarms)
    atol = 1e-9 * np.abs(series).max()
    np.testing.assert_allclose(result.upper, upper, rtol=1e-9, atol=atol)
    if two_sided:
        np.testing.assert_allclose(result.lower, lower, rtol=1e-9, atol=atol)


@pytest.mark.parametrize("backend", backend_params("spot_stream"))
def test_default_likelihood_is_scale_equivariant(backend):
    series = make_stream("normal", 3, 6000)
    base = spot(series[:4000], series[4000:], q=1e-3, backend=backend)
    assert base.upper_tail.gamma != 0  # a GPD root wins, not the exponential candidate
    for a in (1e-3, 1e3):
        scaled = spot(a * series[:4000], a * series[4000:], q=1e-3, backend=backend)
        np.testing.assert_allclose(scaled.upper, a * base.upper, rtol=1e-6)
        np.testing.assert_array_equal(scaled.alarms, base.alarms)


@pytest.mark.parametrize("backend", backend_params("spot_stream"))
def test_compat_reproduces_scale_dependence(backend):
    # SPEC 1.4: with the reference's sign error the exponential candidate's likelihood grows
    # with the data's scale, so x1000 moves z_q / scale (measured here: 3.59 -> 3.91 at q=1e-4)
    series = np.random.default_rng(0).normal(size=20000)

    def z(a, compat):
        r = spot(a * series, np.empty(0), q=1e-4, compat=compat, backend=backend)
        return r.upper_tail.initial_quantile / a

    assert z(1, True) == pytest.approx(z(1, False), rel=1e-12)  # same candidate at scale 1
    assert z(1000, False) == pytest.approx(z(1, False), rel=1e-9)
    assert z(1000, True) - z(1, True) > 0.2


@pytest.mark.parametrize("backend", backend_params("spot_stream"))
def test_stream_semantics(backend):
    series = make_stream("normal", 11, 3000)
    result = spot(series[:2000], series[2000:], q=1e-3, backend=backend)
    stream = series[2000:]
    # an alarm is a value above the threshold in force before it; thresholds only move at peaks
    previous = np.concatenate([[result.upper_tail.initial_quantile], result.upper[:-1]])
    np.testing.assert_array_equal(result.alarms, np.flatnonzero(stream > previous))
    moved = np.flatnonzero(result.upper != previous)
    assert np.all(stream[moved] > result.upper_tail.init_threshold)
    # with_alarm=False: nothing is an alarm, every exceedance becomes a peak
    free = spot(series[:2000], stream, q=1e-3, with_alarm=False, backend=backend)
    assert free.alarms.size == 0
    assert free.upper_tail.n_peaks == result.upper_tail.n_peaks + result.alarms.size


@pytest.mark.parametrize("backend", backend_params("spot_stream"))
def test_edge_cases_that_work(backend):
    # empty stream: calibration only
    r = spot(make_stream("normal", 1, 500), [], backend=backend)
    assert r.upper.shape == (0,) and r.alarms.shape == (0,)
    assert r.upper_tail.initial_quantile == r.upper_tail.quantile
    # a single peak in the calibration data
    init = np.zeros(100)
    init[17] = 1.0
    r = spot(init, [0.5, 2.0, 0.0], level=0.5, backend=backend)
    assert r.upper_tail.initial_quantile > 0 and np.isfinite(r.upper).all()
    # ties at the top, int input, (n, 1) column input
    ints = np.arange(300) % 17
    r = spot(ints[:, None], ints[::-1], level=0.9, backend=backend)
    assert np.isfinite(r.upper).all()


BAD_INPUT = [
    (dict(init_data=np.ones(1000)), ValueError, "init_data"),           # constant: no peaks
    (dict(init_data=[np.nan] + [0.0] * 99), ValueError, "init_data"),
    (dict(data=[0.0, np.inf]), ValueError, "data"),
    (dict(init_data=[]), ValueError, "init_data"),
    (dict(init_data=np.zeros((10, 3))), ValueError, "init_data"),
    (dict(init_data=["a", "b"]), TypeError, "init_data"),
    (dict(init_data=None), TypeError, "init_data"),
    (dict(q=0.0), ValueError, "q"),
    (dict(q=1.5), ValueError, "q"),
    (dict(q="x"), TypeError, "q"),
    (dict(level=1.0), ValueError, "level"),
    (dict(n_points=0), ValueError, "n_points"),
    (dict(depth=-1), ValueError, "depth"),
    (dict(depth=5000), ValueError, "depth"),
    (dict(init_data=np.arange(10.0)), ValueError, "init_data"),         # too short for the level
    (dict(init_data=np.array([-1e308, 1e308] * 100)), ValueError, "float64 range"),
    (dict(backend="gpu"), ValueError, "backend"),
]


@pytest.mark.parametrize("change,error,match", BAD_INPUT)
def test_bad_input(change, error, match):
    args = dict(init_data=make_stream("normal", 0, 1000), data=make_stream("normal", 1, 100))
    args.update(change)
    init, data = args.pop("init_data"), args.pop("data")
    with pytest.raises(error, match=match):
        spot(init, data, **args)


# --- SpotState: the stream in pieces ----------------------------------------------------------
@pytest.mark.parametrize("backend", backend_params("spot_resume"))
@pytest.mark.parametrize("variant", sorted(VARIANTS))
@settings(max_examples=8)
@given(chunks=st.lists(st.integers(0, 400), min_size=1, max_size=6), seed=st.integers(0, 99))
def test_state_in_pieces_equals_one_run(backend, variant, chunks, seed):
    """Thresholds, alarms and the final fit of SPOT over a stream given in any pieces are those
    of one run over the whole stream (same backend)."""
    depth, two_sided = VARIANTS[variant]
    init, data = make_stream("drift" if depth else "pareto", seed, 600), \
        make_stream("drift" if depth else "pareto", seed + 1, 900 if backend != "numpy" else 300)
    whole = spot(init, data, q=1e-2, depth=depth, two_sided=two_sided, backend=backend)
    state = SpotState.calibrate(init, q=1e-2, depth=depth, two_sided=two_sided, backend=backend)
    uppers, lowers, alarms, start = [], [], [], 0
    for size in chunks + [data.size]:
        part = state.update(data[start:start + size])
        uppers.append(part.upper)
        lowers.append(part.lower if two_sided else np.empty(0))
        alarms.append(part.alarms + start)
        start = min(start + size, data.size)
    np.testing.assert_array_equal(np.concatenate(alarms), whole.alarms)
    assert_close_thresholds(np.concatenate(uppers), whole.upper, 1.0, 1e-12)
    if two_sided:
        assert_close_thresholds(np.concatenate(lowers), whole.lower, 1.0, 1e-12)
    assert part.upper_tail.n_peaks == whole.upper_tail.n_peaks
    assert part.upper_tail.quantile == pytest.approx(whole.upper_tail.quantile, rel=1e-12)


@pytest.mark.parametrize("backend", backend_params("spot_resume"))
def test_state_restored_resumes(backend):
    init, data = make_stream("drift", 3, 800), make_stream("drift", 4, 400)
    a = SpotState.calibrate(init, q=1e-2, depth=5, two_sided=True, backend=backend)
    a.update(data[:150])
    b = SpotState.calibrate(init, q=1e-2, depth=5, two_sided=True, backend=backend)
    b.restore(a.state())
    first, second = a.update(data[150:]), b.update(data[150:])
    np.testing.assert_array_equal(first.upper, second.upper)
    np.testing.assert_array_equal(first.alarms, second.alarms)
    with pytest.raises(ValueError, match="state"):
        b.restore({"t": [0.0]})
    with pytest.raises(ValueError, match="state"):
        SpotState.calibrate(init, q=1e-2, backend=backend).restore(a.state())  # two tails


def test_state_refuses_bad_values():
    state = SpotState.calibrate(make_stream("normal", 0, 1000), q=1e-3)
    with pytest.raises(ValueError, match="data"):
        state.update([0.0, np.nan])
    with pytest.raises(ValueError, match="init_scores"):
        SpotState.calibrate(np.ones(100), name="init_scores")


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@settings(max_examples=5, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunks=st.lists(st.integers(1, 120), min_size=1, max_size=4), seed=st.integers(0, 99))
def test_compiled_state_in_pieces_matches_the_reference(compiled_backend, variant, chunks, seed):
    """A compiled backend's SpotState, fed in pieces, against one run of the NumPy reference."""
    depth, two_sided = VARIANTS[variant]
    kind = "drift" if depth else "normal"
    init, data = make_stream(kind, seed, 500), make_stream(kind, seed + 1, 300)
    reference = spot(init, data, q=1e-2, depth=depth, two_sided=two_sided, backend="numpy")
    state = SpotState.calibrate(init, q=1e-2, depth=depth, two_sided=two_sided,
                                backend=compiled_backend)
    parts, start = [], 0
    for size in chunks + [data.size]:
        parts.append((start, state.update(data[start:start + size])))
        start = min(start + size, data.size)
    alarms = np.concatenate([part.alarms + offset for offset, part in parts])
    np.testing.assert_array_equal(alarms, reference.alarms)
    assert_close_thresholds(np.concatenate([p.upper for _, p in parts]), reference.upper, 1.0,
                            1e-6)
    if two_sided:
        assert_close_thresholds(np.concatenate([p.lower for _, p in parts]), reference.lower,
                                1.0, 1e-6)
