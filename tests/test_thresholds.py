"""The SPOT classes and spot_thresholds against the reference spot.py (ads-evt): stored golden
outputs always, and a live comparison when ads-evt is installed. Parity is run with
compat=True (SPEC 1.4); the reference's Grimshaw roots are approximate (one joint L-BFGS-B
run), ours exact, hence thresholds within 5e-3 relative and identical alarms."""
from pathlib import Path

import numpy as np
import pytest

import tsad_fast
from tests.conftest import backend_params, make_stream
from tsad_fast.compat.spot import SPOT, biSPOT, bidSPOT, dSPOT
from tsad_fast.thresholds import spot_thresholds

GOLDEN = Path(__file__).with_name("data") / "spot_adsevt.npz"
CLASSES = {"SPOT": SPOT, "biSPOT": biSPOT, "dSPOT": dSPOT, "bidSPOT": bidSPOT}
REF_RTOL = 5e-3


def golden_cases():
    with np.load(GOLDEN, allow_pickle=False) as data:
        n_init, n = int(data["n_init"]), int(data["n"])
        i = 0
        while f"case{i}_meta" in data:
            cls, kind, seed, q, depth = data[f"case{i}_meta"]
            expected = {k.split("_", 1)[1]: data[k] for k in data.files
                        if k.startswith(f"case{i}_") and not k.endswith("_meta")}
            yield pytest.param(cls, kind, int(seed), float(q), int(depth), n_init, n, expected,
                               id=f"{cls}-{kind}")
            i += 1


def run_ours(cls, series, n_init, q, depth, backend="auto"):
    kwargs = dict(q=q, compat=True, backend=backend)
    if depth:
        kwargs["depth"] = depth
    model = CLASSES[cls](**kwargs)
    model.fit(series[:n_init], series[n_init:])
    model.initialize(level=0.98, verbose=False)
    return model.run()


def assert_matches_reference(ours, reference):
    """Identical alarms; thresholds within 5e-3 of the largest reference threshold in
    magnitude (DSPOT thresholds, drift mean plus z_q, cross 0 where relative errors mean
    nothing)."""
    assert set(ours) == set(reference)
    np.testing.assert_array_equal(ours["alarms"], np.asarray(reference["alarms"]))
    for key in ours:
        if key != "alarms":
            want = np.asarray(reference[key])
            np.testing.assert_allclose(ours[key], want, rtol=REF_RTOL,
                                       atol=REF_RTOL * np.abs(want).max())


@pytest.mark.parametrize("cls,kind,seed,q,depth,n_init,n,expected", list(golden_cases()))
def test_golden_reference_outputs(cls, kind, seed, q, depth, n_init, n, expected):
    series = make_stream(kind, seed, n_init + n)
    assert_matches_reference(run_ours(cls, series, n_init, q, depth), expected)


@pytest.mark.parametrize("cls", sorted(CLASSES))
def test_live_against_ads_evt(cls):
    ads_evt = pytest.importorskip("ads_evt", reason="ads-evt (the reference) is not installed")
    depth = 10 if "d" in cls[:3] else 0
    kind = "drift" if depth else "normal"
    for seed in (101, 102):
        series = make_stream(kind, seed, 6000)
        ref = getattr(ads_evt, cls)(q=1e-3, **({"depth": depth} if depth else {}))
        ref.fit(series[:5000], series[5000:])
        ref.initialize(level=0.98)
        assert_matches_reference(run_ours(cls, series, 5000, 1e-3, depth), ref.run())


def test_class_api_and_init_forms():
    series = make_stream("normal", 5, 4000)
    a = SPOT(q=1e-3).fit(series[:3000], series[3000:]).initialize(0.98, verbose=False)
    assert a.init_threshold == pytest.approx(np.sort(series[:3000])[int(0.98 * 3000)])
    first = a.run()
    assert set(first) == {"thresholds", "alarms"} and first["thresholds"].shape == (1000,)
    assert a.extreme_quantile == first["thresholds"][-1]
    np.testing.assert_array_equal(a.run()["thresholds"], first["thresholds"])  # re-runnable
    b = SPOT(q=1e-3).fit(3000, series).initialize(0.98)       # int: first n calibrate
    np.testing.assert_array_equal(b.run()["thresholds"], first["thresholds"])
    c = SPOT(q=1e-3).fit(0.75, series).initialize(0.98)       # float: that fraction
    np.testing.assert_array_equal(c.run()["thresholds"], first["thresholds"])
    d = SPOT(q=1e-3).fit(series[:3000], series[3000:3500]).add(series[3500:]).initialize(0.98)
    np.testing.assert_array_equal(d.run()["thresholds"], first["thresholds"])
    two = biSPOT(q=1e-3).fit(series[:3000], series[3000:]).initialize(0.98).run()
    assert set(two) == {"upper_thresholds", "lower_thresholds", "alarms"}
    assert np.all(two["lower_thresholds"] < two["upper_thresholds"])
    assert set(bidSPOT(depth=5).fit(series[:3000], series[3000:]).initialize().tails()) == {
        "upper", "lower"}


def test_class_misuse_is_reported():
    with pytest.raises(RuntimeError, match="fit"):
        SPOT().initialize()
    with pytest.raises(RuntimeError, match="initialize"):
        SPOT().fit(np.arange(100.0), np.arange(10.0)).run()
    with pytest.raises(ValueError, match="init_data"):
        SPOT().fit(50, np.arange(10.0))
    with pytest.raises(ValueError, match="depth"):
        dSPOT(depth=0)
    with pytest.raises(ValueError, match="level"):
        SPOT().fit(np.arange(100.0), []).initialize(level=1.5)


@pytest.mark.parametrize("backend", backend_params("spot_stream"))
def test_spot_thresholds_harness_threshold(backend):
    series = make_stream("exponential", 9, 12000)
    result = spot_thresholds(series[:10000], series[10000:], backend=backend)
    assert result.backend == backend
    assert result.threshold == pytest.approx(result.upper.mean())
    assert result.threshold > np.quantile(series[:10000], 0.98)
    np.testing.assert_array_equal(result.alarms, np.flatnonzero(
        series[10000:] > np.concatenate([[result.upper_tail.initial_quantile], result.upper[:-1]])))


def test_top_level_exports():
    assert tsad_fast.spot_thresholds is spot_thresholds
    assert "SPOT" not in tsad_fast.__all__ and "SPOT" not in tsad_fast.thresholds.__all__


@pytest.mark.parametrize("where", ["tsad_fast", "tsad_fast.thresholds",
                                   "tsad_fast.thresholds.spot"])
def test_moved_spot_names_warn_and_keep_their_defaults(where, capsys):
    """The SPOT classes once in tsad_fast and tsad_fast.thresholds: a DeprecationWarning naming
    the new home, and the results they gave (compat=False, (q, n_points, depth), quiet)."""
    import importlib

    module = importlib.import_module(where)
    series = make_stream("exponential", 3, 6000)
    for name in ("SPOT", "dSPOT"):
        with pytest.warns(DeprecationWarning, match=f"tsad_fast.compat.spot.{name}"):
            legacy = getattr(module, name)
        assert issubclass(legacy, getattr(tsad_fast.compat.spot, name))
        args = (1e-3, 10, 7) if name == "dSPOT" else (1e-3, 10)
        old = legacy(*args).fit(series[:5000], series[5000:]).initialize(0.98).run()
        assert capsys.readouterr().out == ""
        new = getattr(tsad_fast.compat.spot, name)(1e-3, *args[2:], compat=False)
        want = new.fit(series[:5000], series[5000:]).initialize(0.98, verbose=False).run()
        np.testing.assert_array_equal(old["alarms"], want["alarms"])
        np.testing.assert_array_equal(old["thresholds"], want["thresholds"])
        assert legacy(*args).compat is False
    with pytest.raises(AttributeError):
        getattr(module, "NoSuchSPOT")
