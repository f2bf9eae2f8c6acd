"""The tsad-fast command line, driven through main(argv)."""
import numpy as np
import pytest

from tsad_fast.cli import main
from tsad_fast.metrics import get_metrics


def test_info(capsys):
    assert main(["info"]) == 0
    assert "backends" in capsys.readouterr().out


def test_spot_on_the_bundled_series(capsys, tmp_path):
    plot = tmp_path / "spot.png"
    args = ["spot", "--backend", "numpy", "--depth", "0"]
    pytest.importorskip("matplotlib")
    assert main(args + ["--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "SPOT on 135_InternalBleeding16" in out and "alarms" in out
    assert plot.stat().st_size > 10_000


def test_evaluate_prints_the_nine_metrics(capsys, tmp_path):
    rng = np.random.default_rng(1)
    labels = np.zeros(800, dtype=int)
    labels[300:340] = 1
    score = rng.random(800) + labels
    np.save(tmp_path / "s.npy", score)
    np.savetxt(tmp_path / "l.csv", labels, fmt="%d")
    assert main(["evaluate", str(tmp_path / "s.npy"), str(tmp_path / "l.csv"), "--window", "20"]) == 0
    out = capsys.readouterr().out
    expected = get_metrics(score, labels, slidingWindow=20)
    for key, value in expected.items():
        assert f"{key}" in out and f"{value:.6f}" in out


def test_errors_are_reported_not_raised(capsys, tmp_path):
    np.save(tmp_path / "s.npy", np.arange(10.0))
    assert main(["evaluate", str(tmp_path / "s.npy"), str(tmp_path / "missing.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    np.savetxt(tmp_path / "zeros.csv", np.zeros(10), fmt="%d")
    assert main(["evaluate", str(tmp_path / "s.npy"), str(tmp_path / "zeros.csv")]) == 2
    assert "no anomaly" in capsys.readouterr().err


def test_demo_trains_gboc_and_writes_the_plot(capsys, tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("matplotlib")
    assert main(["demo", "--epochs", "1", "--window", "20", "--quiet",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for key in ("VUS-PR", "VUS-ROC", "AUC-PR", "Standard-F1", "PA-F1", "Affiliation-F",
                "wall time"):
        assert key in out
    assert (tmp_path / "gboc_machine-1-6.png").stat().st_size > 10_000


def test_demo_reports_bad_data_path(capsys, tmp_path):
    assert main(["demo", "--data", str(tmp_path / "missing.npz"), "--quiet"]) == 2
    assert "error" in capsys.readouterr().err
