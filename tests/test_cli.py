"""The tsad-fast command line, driven through main(argv)."""
import numpy as np
import pytest

import tsad_fast
from tsad_fast.cli import main
from tsad_fast.metrics import get_metrics


def test_info(capsys):
    assert main(["info"]) == 0
    assert "backends" in capsys.readouterr().out


def test_spot_on_the_bundled_series(capsys, tmp_path):
    plot = tmp_path / "spot.png"
    args = ["spot", "--backend", "numpy"]
    pytest.importorskip("matplotlib")
    assert main(args + ["--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "SPOT on 135_InternalBleeding16" in out and "alarms" in out
    assert "lower tail" not in out  # the library's default: the upper tail only
    assert plot.stat().st_size > 10_000
    assert main(args + ["--two-sided", "--depth", "10"]) == 0
    assert "biDSPOT on" in capsys.readouterr().out


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
    assert main(["demo", "--epochs", "1", "--stride", "20", "--quiet",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for key in ("VUS-PR", "VUS-ROC", "AUC-PR", "Standard-F1", "PA-F1", "Affiliation-F",
                "wall time"):
        assert key in out
    assert (tmp_path / "gboc_machine-1-6.png").stat().st_size > 10_000


def test_demo_reports_bad_data_path(capsys, tmp_path):
    assert main(["demo", "--data", str(tmp_path / "missing.npz"), "--quiet"]) == 2
    assert "error" in capsys.readouterr().err


def _run(capsys, *argv):
    """(exit code, stdout, stderr) of ``tsad-fast argv``."""
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _spot(capsys, *argv):
    """``tsad-fast spot argv`` on the NumPy backend (SPOT, no drift window): (code, out, err)."""
    return _run(capsys, "spot", *argv, "--backend", "numpy", "--depth", "0")


def _write_csv(path, table, header=None):
    """``table`` as a CSV at ``path``, under a ``header`` row when given."""
    np.savetxt(path, table, delimiter=",", header=header or "", comments="")
    return path


@pytest.fixture
def two_columns():
    """300 rows of (time, value): a ramp, then noise with a spike."""
    rng = np.random.default_rng(3)
    series = rng.normal(size=300)
    series[250] = 12.0
    return np.column_stack([np.arange(300.0), series])


@pytest.mark.parametrize("suffix", [".csv", ".txt", ".npy"])
def test_spot_rejects_several_columns_without_column(capsys, tmp_path, two_columns, suffix):
    path = tmp_path / f"two{suffix}"
    if suffix == ".npy":
        np.save(path, two_columns)
    else:
        np.savetxt(path, two_columns, delimiter="," if suffix == ".csv" else " ")
    code, out, err = _spot(capsys, path)
    assert code == 2 and "alarms" not in out
    assert f"series file {str(path)!r}: has shape (300, 2) (2 columns)" in err
    assert "--column" in err


def test_spot_column_picks_by_index_or_header_name(capsys, tmp_path, two_columns):
    one = _write_csv(tmp_path / "one.csv", two_columns[:, 1])
    table = _write_csv(tmp_path / "table.csv", two_columns, header="time,value")
    code, expected, _ = _spot(capsys, one)
    assert code == 0
    expected = expected.splitlines()[-1]  # the threshold and alarm count
    for column in ("1", "value"):
        code, out, _ = _spot(capsys, table, "--column", column)
        assert code == 0 and f"SPOT on table[{column}]" in out
        assert out.splitlines()[-1] == expected


@pytest.mark.parametrize("column, problem", [
    ("2", "has no column 2 (2 column(s), counted from 0)"),
    ("-1", "has no column -1"),
    ("score", "has no column named 'score' (header: time, value)"),
])
def test_spot_reports_a_bad_column(capsys, tmp_path, two_columns, column, problem):
    table = _write_csv(tmp_path / "table.csv", two_columns, header="time,value")
    code, _, err = _spot(capsys, table, "--column", column)
    assert code == 2 and f"series file {str(table)!r}: {problem}" in err


def test_spot_reads_ucr_files_through_load_ucr(capsys, tmp_path, two_columns):
    ucr = tmp_path / "001_UCR_Anomaly_Tiny_200_250_251.txt"
    np.savetxt(ucr, two_columns[:, 1])
    code, out, _ = _spot(capsys, ucr)
    assert code == 0 and "SPOT on 001_Tiny: calibration 200 points" in out
    assert "alarms inside the labelled anomaly" in out
    code, _, err = _spot(capsys, ucr, "--column", "0")
    assert code == 2 and "--column applies to .csv, .txt and .npy tables" in err


def test_spot_skips_a_header_row(capsys, tmp_path, two_columns):
    plain = _write_csv(tmp_path / "plain.csv", two_columns[:, 1])
    headed = _write_csv(tmp_path / "headed.csv", two_columns[:, 1], header="value")
    results = [_spot(capsys, path) for path in (plain, headed)]
    assert [code for code, _, _ in results] == [0, 0]
    assert "calibration 60 points, stream 240 points" in results[1][1]
    assert results[0][1].splitlines()[-1] == results[1][1].splitlines()[-1]


def test_evaluate_skips_header_rows(capsys, tmp_path):
    rng = np.random.default_rng(1)
    labels = np.zeros(400, dtype=int)
    labels[150:170] = 1
    score = rng.random(400) + labels
    scores = _write_csv(tmp_path / "s.csv", score, header="score")
    truth = tmp_path / "l.txt"
    np.savetxt(truth, labels, fmt="%d", header="label", comments="")
    code, out, err = _run(capsys, "evaluate", scores, truth, "--window", "10", "--pred", truth)
    assert code == 0, err
    assert "400 points, 20 anomalous" in out
    expected = get_metrics(score, labels, slidingWindow=10, pred=labels)
    for key, value in expected.items():
        assert f"{key}" in out and f"{value:.6f}" in out


def test_evaluate_names_both_files_of_different_lengths(capsys, tmp_path):
    labels = np.zeros(50)
    labels[20:25] = 1
    scores = _write_csv(tmp_path / "scores.csv", labels)
    short = _write_csv(tmp_path / "labels.csv", labels[:40])
    code, _, err = _run(capsys, "evaluate", scores, short)
    assert code == 2
    assert f"labels file {str(short)!r} holds 40 values, the scores file {str(scores)!r} 50" in err


def test_a_blank_or_ragged_cell_is_named_by_row_and_column(capsys, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("a,b\n1,2\n\n3,4,5\n")
    code, _, err = _run(capsys, "evaluate", str(path), str(path))
    assert code == 2 and "row 1 (line 4) has 3 columns, the first 2" in err
    path.write_text("a,b\n1,2\n3,\n")
    code, _, err = _run(capsys, "spot", str(path), "--column", "0")
    assert code == 2 and "row 1 (line 3), column 1: '' is not a number" in err


@pytest.mark.parametrize("role", ["scores", "labels", "pred"])
def test_evaluate_names_the_file_holding_nan(capsys, tmp_path, role):
    labels = np.zeros(50)
    labels[20:25] = 1
    files = {name: _write_csv(tmp_path / f"{name}.csv", labels) for name in ("scores", "labels",
                                                                              "pred")}
    bad = labels.copy()
    bad[[3, 40]] = [np.nan, np.inf]
    _write_csv(files[role], bad)
    code, _, err = _run(capsys, "evaluate", files["scores"], files["labels"],
                        "--pred", files["pred"], "--window", "5")
    assert code == 2
    assert (f"{role} file {str(files[role])!r}: contains 2 NaN/inf value(s), the first at "
            "data row 3 (0-based)") in err


@pytest.mark.parametrize("content, problem", [
    ("", "holds no values"),
    ("score\n", "holds no values"),
    ("0.5\n0.7\nhigh\n", "row 2 (line 3), column 0: 'high' is not a number"),
    ("0.1,0.2\n0.3,0.4\n", "has shape (2, 2) (2 columns); expected one column"),
])
def test_evaluate_file_errors_name_the_argument_and_file(capsys, tmp_path, content, problem):
    scores = tmp_path / "scores.csv"
    scores.write_text(content)
    labels = _write_csv(tmp_path / "labels.csv", [0, 1, 0])
    code, _, err = _run(capsys, "evaluate", scores, labels)
    assert code == 2 and f"scores file {str(scores)!r}: {problem}" in err


def test_spot_rejects_a_three_dimensional_array(capsys, tmp_path):
    path = tmp_path / "cube.npy"
    np.save(path, np.zeros((4, 3, 2)))
    code, _, err = _spot(capsys, path)
    assert code == 2
    assert f"series file {str(path)!r}: holds an array of shape (4, 3, 2)" in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"tsad-fast {tsad_fast.__version__}\n"


@pytest.mark.parametrize("command", [[], ["info"], ["demo"], ["spot"], ["evaluate"]])
def test_help_is_plain_text(capsys, command):
    with pytest.raises(SystemExit) as exit_:
        main(command + ["-h"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: tsad-fast") and "``" not in out


@pytest.mark.parametrize("window", ["0", "801"])
def test_evaluate_refuses_windows_outside_the_series(capsys, tmp_path, window):
    labels = np.zeros(800, dtype=int)
    labels[300:340] = 1
    np.save(tmp_path / "s.npy", np.random.default_rng(1).random(800) + labels)
    np.savetxt(tmp_path / "l.csv", labels, fmt="%d")
    code, _, err = _run(capsys, "evaluate", tmp_path / "s.npy", tmp_path / "l.csv",
                        "--window", window)
    assert code == 2 and "--window must lie in [1, 800]" in err


def test_evaluate_shows_its_stages_on_long_evaluations(capsys, tmp_path, monkeypatch):
    from tsad_fast.cli import evaluate as cli

    labels = np.zeros(800, dtype=int)
    labels[300:340] = 1
    np.save(tmp_path / "s.npy", np.random.default_rng(1).random(800) + labels)
    np.savetxt(tmp_path / "l.csv", labels, fmt="%d")
    args = ("evaluate", tmp_path / "s.npy", tmp_path / "l.csv", "--window", "50")
    code, _, err = _run(capsys, *args)
    assert code == 0 and "VUS:" not in err  # short: quiet
    monkeypatch.setattr(cli, "_LONG_EVALUATION", 1000)
    code, _, err = _run(capsys, *args)
    assert code == 0
    stages = [line for line in err.splitlines() if line.strip()]
    assert stages[0].startswith("  VUS: 51 buffer lengths x 250 thresholds") and len(stages) == 4
    assert all(line.endswith(" s") for line in stages)
