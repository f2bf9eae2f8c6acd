"""Dataset readers on small files written here, and the bundled UCR series."""
import numpy as np
import pytest

from tsad_fast import datasets


def test_bundled_ucr_series():
    series = datasets.bundled_ucr()
    assert series.values.shape == (7501,) and series.train_end == 1200
    # the archive's 1-based inclusive anomaly 4187..4199 -> labels[4186:4199]
    np.testing.assert_array_equal(np.flatnonzero(series.labels), np.arange(4186, 4199))


def _write_smd(root, machine, train, test, labels, interpretation=None):
    for part, data, fmt in [("train", train, "%.6f"), ("test", test, "%.6f"),
                            ("test_label", labels, "%d")]:
        (root / part).mkdir(exist_ok=True)
        np.savetxt(root / part / f"{machine}.txt", data, fmt=fmt, delimiter=",")
    if interpretation is not None:
        (root / "interpretation_label").mkdir(exist_ok=True)
        (root / "interpretation_label" / f"{machine}.txt").write_text(interpretation)


def test_smd_published_layout(tmp_path):
    rng = np.random.default_rng(0)
    train, test = rng.random((50, 4)), rng.random((40, 4))
    labels = np.zeros(40, dtype=int)
    labels[10:15] = 1
    _write_smd(tmp_path, "machine-9-9", train, test, labels, "10-15:1,3\n")
    m = datasets.load_smd(tmp_path, "machine-9-9")
    np.testing.assert_allclose(m.test, test, atol=1e-6)
    assert m.train.shape == (50, 4) and m.labels.sum() == 5
    expected = np.zeros((40, 4), dtype=np.int8)
    expected[10:15, [0, 2]] = 1
    np.testing.assert_array_equal(m.dim_labels, expected)
    np.savez(tmp_path / "machine-9-9.npz", train=train, test=test, label=labels,
             dim_label=expected)
    again = datasets.load_smd_npz(tmp_path / "machine-9-9.npz")
    np.testing.assert_array_equal(again.dim_labels, expected)
    with pytest.raises(ValueError, match="does not exist"):
        datasets.load_smd(tmp_path, "machine-0-0")


def test_interpretation_errors():
    with pytest.raises(ValueError, match="start-end"):
        datasets.parse_interpretation(["10:1"], 20, 3)
    with pytest.raises(ValueError, match="outside"):
        datasets.parse_interpretation(["10-30:1"], 20, 3)
    with pytest.raises(ValueError, match="outside"):
        datasets.parse_interpretation(["1-3:4"], 20, 3)


def test_tsbad_csv(tmp_path):
    rng = np.random.default_rng(1)
    data = rng.random((30, 2))
    labels = np.zeros(30, dtype=int)
    labels[20:23] = 1
    path = tmp_path / "001_Demo_id_1_Sensor_tr_12_1st_20.csv"
    with open(path, "w") as f:
        f.write("a,b,Label\n")
        for row, y in zip(data, labels):
            f.write(f"{row[0]:.8f},{row[1]:.8f},{y}\n")
    s = datasets.load_tsbad_csv(path)
    assert s.train.shape == (12, 2) and s.test.shape == (18, 2)
    np.testing.assert_array_equal(s.labels, labels[12:])
    bad = tmp_path / "001_Demo_id_1_Sensor.csv"
    bad.write_text("a,Label\n1,0\n")
    with pytest.raises(ValueError, match="naming"):
        datasets.load_tsbad_csv(bad)
    nolabel = tmp_path / "002_Demo_id_1_Sensor_tr_1_1st_1.csv"
    nolabel.write_text("a,b\n1,0\n2,1\n")
    with pytest.raises(ValueError, match="Label"):
        datasets.load_tsbad_csv(nolabel)


def test_ucr_name_checked(tmp_path):
    path = tmp_path / "series.txt"
    path.write_text("1\n2\n")
    with pytest.raises(ValueError, match="UCR"):
        datasets.load_ucr(path)


def test_ucr_series_with_nan_rejected(tmp_path):
    path = tmp_path / "001_UCR_Anomaly_Demo_2_3_3.txt"
    path.write_text("1\nnan\n2\n4\n")
    with pytest.raises(ValueError, match="NaN"):
        datasets.load_ucr(path)


def test_bundled_smd_machine():
    machine = datasets.bundled_smd()
    assert machine.name == datasets.BUNDLED_SMD
    assert machine.train.shape[1] == machine.test.shape[1] == 38
    assert machine.train.shape[0] > 20_000 and machine.labels.shape == (machine.test.shape[0],)
    assert 0 < machine.labels.mean() < 0.2
    # interpretation labels only inside labelled anomalies, and present in every segment
    assert machine.dim_labels.shape == machine.test.shape
    assert not machine.dim_labels[machine.labels == 0].any()
    edges = np.flatnonzero(np.diff(np.r_[0, machine.labels, 0]))
    assert all(machine.dim_labels[a:b].any() for a, b in zip(edges[::2], edges[1::2]))


def test_ucr_series_one_row_or_one_column_but_not_a_table(tmp_path):
    path = tmp_path / "001_UCR_Anomaly_Demo_2_3_3.txt"
    np.savetxt(path, np.arange(6.0)[None])  # all on one line, as some archive files are
    assert datasets.load_ucr(path).values.tolist() == list(range(6))
    np.savetxt(path, np.arange(12.0).reshape(6, 2))
    with pytest.raises(ValueError, match=r"shape \(6, 2\)") as error:
        datasets.load_ucr(path)
    assert str(path) in str(error.value)  # the full path, not just the name


@pytest.mark.parametrize("row, problem", [
    ("0.5,,0", "row 2 (line 4), column 1: '' is not a number"),
    ("0.5,0.1", "row 2 (line 4) has 2 columns, the first 3"),
    ("0.5,x,0", "row 2 (line 4), column 1: 'x' is not a number"),
    ("0.5,nan,0", "contains 1 NaN/inf value(s), the first at row 2, column 1"),
])
def test_a_bad_cell_of_a_tsbad_csv_is_named_by_file_row_and_column(tmp_path, row, problem):
    path = tmp_path / "001_toy_id_1_Synthetic_tr_2_1st_3.csv"
    path.write_text("V0,V1,Label\n0.1,0.2,0\n0.3,0.4,0\n" + row + "\n0.7,0.8,1\n")
    with pytest.raises(ValueError, match="001_toy") as error:
        datasets.load_tsbad_csv(path, whole=True)
    assert problem in str(error.value)


def test_a_nonfinite_array_is_named_by_row_and_column():
    from tsad_fast._validation import as_series

    X = np.zeros((10, 3))
    X[4, 1], X[7, 2] = np.nan, np.inf
    with pytest.raises(ValueError, match=r"X contains 2 NaN/inf value\(s\), the first at row 4, "
                                         "column 1"):
        as_series(X, "X")
    with pytest.raises(ValueError, match="the first at row 4, column 0"):
        as_series(X[:, 1], "X")  # one channel: its rows
