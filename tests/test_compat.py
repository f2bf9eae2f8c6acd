"""Drop-in pieces: the reference-signature SPOT classes (tsad_fast.compat.spot) and
accelerate(), which swaps tsad_fast into TSB-AD and into copies of the reference spot.py."""
import sys
import textwrap

import numpy as np
import pytest

from tests.conftest import make_stream
from tests.test_thresholds import assert_matches_reference, golden_cases
from tsad_fast import cli
from tsad_fast.compat import spot as shim
from tsad_fast.compat.accelerate import accelerate, run_script
from tsad_fast.metrics import find_length_rank


@pytest.fixture(autouse=True)
def restore_swapped_functions():
    """accelerate() rebinds get_metrics in loaded modules (and loads TSB-AD's): put every
    binding back."""
    try:
        import TSB_AD.evaluation.metrics  # noqa: F401
    except ImportError:
        pass
    held = {name: module.__dict__["get_metrics"] for name, module in list(sys.modules.items())
            if module is not None and "get_metrics" in getattr(module, "__dict__", {})}
    yield
    for name, function in held.items():
        if name in sys.modules:
            sys.modules[name].get_metrics = function


@pytest.mark.parametrize("cls,kind,seed,q,depth,n_init,n,expected", list(golden_cases()))
def test_shim_reproduces_the_reference(cls, kind, seed, q, depth, n_init, n, expected):
    series = make_stream(kind, seed, n_init + n)
    model = getattr(shim, cls)(q, depth) if depth else getattr(shim, cls)(q)
    model.fit(series[:n_init], series[n_init:])
    model.initialize(level=0.98, verbose=False)
    assert_matches_reference(model.run(), expected)


def test_shim_signatures_and_defaults():
    d = shim.dSPOT(1e-3, 7)  # the reference's positional order: (q, depth)
    assert (d.q, d.depth, d.n_points, d.compat) == (1e-3, 7, 10, True)
    assert shim.SPOT().q == 1e-4 and shim.bidSPOT().depth == 10 and shim.biSPOT().compat


def test_min_extrema_is_the_negated_series_at_one_minus_level(capsys):
    x = make_stream("normal", 3, 5000)
    a = shim.SPOT(1e-3)
    a.fit(x[:4000], x[4000:]).initialize(0.02, min_extrema=True)
    assert "Initial threshold" in capsys.readouterr().out  # verbose=True, as the reference
    b = shim.SPOT(1e-3, compat=True)
    b.fit(-x[:4000], -x[4000:]).initialize(0.98, verbose=False)
    ra, rb = a.run(), b.run()
    np.testing.assert_array_equal(ra["alarms"], rb["alarms"])
    np.testing.assert_allclose(ra["thresholds"], rb["thresholds"])


def test_static_run():
    x = make_stream("normal", 4, 6000)
    model = shim.SPOT(1e-3)
    model.fit(x[:5000], x[5000:]).initialize(0.98, verbose=False)
    t, z = model.init_threshold, model.extreme_quantile
    quiet = model.run(with_alarm=False, dynamic=False)
    assert quiet["alarms"].size == 0 and np.all(quiet["thresholds"] == z)
    loud = model.run(dynamic=False)
    above = np.flatnonzero(x[5000:] > t)
    np.testing.assert_array_equal(loud["alarms"], above)
    assert above.size and np.all(loud["thresholds"][:above[0]] == z)
    assert np.all(loud["thresholds"][above[0]:] == t)
    with pytest.raises(TypeError, match="dynamic"):
        model.run(dynamic="no")


def write(path, text):
    path.write_text(textwrap.dedent(text))
    return path


def test_spot_copies_are_swapped_loaded_or_imported_later(tmp_path, capsys, monkeypatch):
    write(tmp_path / "spot.py", """
        class SPOT:
            def __init__(self, q=1e-4):
                self.q = q
        class dSPOT(SPOT):
            pass
    """)
    script = write(tmp_path / "script.py", """
        import sys
        import spot
        print(spot.SPOT.__module__, spot.dSPOT.__module__, sys.argv[1:])
    """)
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.delitem(sys.modules, "spot", raising=False)
    assert cli.main(["accelerate", str(script), "--flag", "1"]) == 0
    assert capsys.readouterr().out.split() == ["tsad_fast.compat.spot"] * 2 + ["['--flag',", "'1']"]
    # a copy loaded before accelerate() is swapped in place
    module = sys.modules["spot"]
    module.SPOT = type("SPOT", (), {})
    assert "spot.SPOT" in accelerate() and module.SPOT is shim.SPOT
    monkeypatch.delitem(sys.modules, "spot")


def test_accelerate_cli_rejects_a_missing_script(tmp_path, capsys):
    assert cli.main(["accelerate", str(tmp_path / "missing.py")]) == 2
    assert "missing.py" in capsys.readouterr().err
    with pytest.raises(ValueError, match="script"):
        run_script(str(tmp_path))


def tsb_ad_flow(get_metrics, x, labels):
    """TSB-AD's main.py after the detector: 3-sigma boolean pred, get_metrics."""
    window = find_length_rank(x, rank=1)  # TSB-AD's (the parity tests pin it)
    # a detector's scores: distance of each point to its window mean (deterministic)
    kernel = np.ones(window) / window
    output = np.abs(x - np.convolve(x, kernel, mode="same"))
    return get_metrics(output, labels, slidingWindow=window,
                       pred=output > (np.mean(output) + 3 * np.std(output)))


def test_accelerate_swaps_tsb_ad_get_metrics_with_identical_results(monkeypatch):
    tsb_metrics = pytest.importorskip("TSB_AD.evaluation.metrics")
    from tsad_fast.datasets import bundled_ucr
    from tsad_fast.metrics import get_metrics as fast

    original = tsb_metrics.get_metrics
    user = type(sys)("user_pipeline")  # a user's module that imported TSB-AD's function
    user.get_metrics = original
    monkeypatch.setitem(sys.modules, "user_pipeline", user)
    series = bundled_ucr()
    x, labels = series.values[2500:5500], series.labels[2500:5500]  # the anomaly and around
    assert original is not fast
    expected = tsb_ad_flow(original, x, labels)
    swapped = accelerate()
    assert "TSB_AD.evaluation.metrics.get_metrics" in swapped
    assert "user_pipeline.get_metrics" in swapped
    assert tsb_metrics.get_metrics is fast and user.get_metrics is fast
    got = tsb_ad_flow(tsb_metrics.get_metrics, x, labels)
    assert accelerate() == []  # idempotent
    assert set(got) == set(expected)
    for key in expected:
        assert got[key] == pytest.approx(expected[key], abs=1e-9), key
