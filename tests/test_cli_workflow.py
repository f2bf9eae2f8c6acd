"""`tsad-fast fit`, `score` and `watch` end to end, as subprocesses, on tables a user writes."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from tsad_fast.detectors import load_detector

CLI = [sys.executable, "-m", "tsad_fast.cli"]


def _run(args, cwd, stdin=None, timeout=60):
    return subprocess.run(CLI + args, cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=timeout)


def _alarms(stdout: str):
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    """train.csv and test.csv with a header, labels.csv, and a PCA fitted by `tsad-fast fit`."""
    folder = tmp_path_factory.mktemp("workflow")
    rng = np.random.default_rng(0)
    t = np.arange(1300)
    X = np.sin(t[:, None] / 9.0 + np.arange(3)) + 0.1 * rng.normal(size=(1300, 3))
    X[1100:1110, 1] += 3.0
    labels = np.zeros(1300)
    labels[1100:1110] = 1
    np.savetxt(folder / "train.csv", X[:700], delimiter=",", header="a,b,c", comments="")
    np.savetxt(folder / "test.csv", X[700:], delimiter=",", header="a,b,c", comments="")
    np.savetxt(folder / "labels.csv", labels[700:], fmt="%d")
    done = _run(["fit", "pca", "train.csv", "--out", "pca.tsad", "--set", "window=20"], folder)
    assert done.returncode == 0, done.stderr
    return folder, X[700:], labels[700:]


def test_fit_and_score_write_the_detectors_scores_and_alarms(tables):
    folder, test, _ = tables
    done = _run(["score", "pca.tsad", "test.csv", "--out", "scores.csv", "--labels",
                 "labels.csv", "--plot", "scores.png"], folder)
    assert done.returncode == 0, done.stderr
    assert "VUS-PR" in done.stdout and (folder / "scores.png").stat().st_size > 0
    detector = load_detector(folder / "pca.tsad")
    assert detector.window == 20
    table = np.loadtxt(folder / "scores.csv", delimiter=",", skiprows=1)
    expected = detector.decision_function(test)
    np.testing.assert_array_equal(table[:, 0], np.arange(len(test)))
    np.testing.assert_allclose(table[:, 1], expected, rtol=1e-12)
    np.testing.assert_array_equal(table[:, 2], expected > detector.threshold_)
    assert table[:, 2].sum() > 0


def test_watch_standard_input_prints_the_alarms_of_score(tables):
    folder, test, _ = tables
    detector = load_detector(folder / "pca.tsad")
    expected = np.flatnonzero(detector.decision_function(test) > detector.threshold_)
    text = (folder / "test.csv").read_text()
    done = _run(["watch", "pca.tsad", "-"], folder, stdin=text)
    assert done.returncode == 0, done.stderr
    alarms = _alarms(done.stdout)
    assert [a["timestamp"] for a in alarms] == expected.tolist()
    assert all(a["score"] > a["threshold"] for a in alarms)
    assert f"{len(test)} rows scored" in done.stderr


def test_watch_resumes_a_growing_file_from_its_state(tables):
    folder, test, _ = tables
    detector = load_detector(folder / "pca.tsad")
    expected = np.flatnonzero(detector.decision_function(test) > detector.threshold_)
    growing = folder / "growing.csv"
    lines = (folder / "test.csv").read_text().splitlines(keepends=True)
    growing.write_text("".join(lines[:451]))  # header and 450 rows
    first = _run(["watch", "pca.tsad", "growing.csv", "--no-follow", "--state", "s.tsad"],
                 folder)
    assert first.returncode == 0 and "450 rows; stream saved" in first.stderr
    with open(growing, "a") as handle:
        handle.write("".join(lines[451:]))
    second = _run(["watch", "pca.tsad", "growing.csv", "--no-follow", "--state", "s.tsad"],
                  folder)
    assert second.returncode == 0, second.stderr
    assert f"{len(test)} rows; stream saved" in second.stderr
    from tsad_fast.streams import Stream

    rest = Stream.load(folder / "s.tsad").flush()  # the last rows' scores
    seen = [a["timestamp"] for a in _alarms(first.stdout) + _alarms(second.stdout)]
    seen += rest.index[rest.alarms == 1].tolist()
    assert seen == expected.tolist()


def test_watch_stops_cleanly_on_ctrl_c_after_the_rows_it_read(tables):
    folder, test, _ = tables
    growing = folder / "live.csv"
    lines = (folder / "test.csv").read_text().splitlines(keepends=True)
    growing.write_text("".join(lines[:201]))
    watcher = subprocess.Popen(CLI + ["watch", "pca.tsad", "live.csv"], cwd=folder,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(4.0)  # start-up, then it waits for the file to grow
        with open(growing, "a") as handle:
            handle.write("".join(lines[201:301]) + "0.5,0.5")  # 100 rows and a line half written
        time.sleep(1.5)
        watcher.send_signal(signal.SIGINT)
        out, err = watcher.communicate(timeout=30)
    finally:
        watcher.kill()
    assert watcher.returncode == 0, err
    assert "300 rows scored" in err and "'0.5,0.5'" in err  # the half line is left


def test_bad_rows_name_the_file_row_and_column(tables):
    folder, _, _ = tables
    (folder / "bad.csv").write_text("a,b,c\n1,2,3\n4,x,6\n")
    done = _run(["fit", "pca", "bad.csv", "--out", "m.tsad"], folder)
    assert done.returncode == 2
    assert "bad.csv" in done.stderr and "row 1" in done.stderr and "column 1" in done.stderr
    rows = "".join(f"{i},{i},{i}\n" for i in range(30))
    done = _run(["watch", "pca.tsad", "-", "--state", "bad-state.tsad"], folder,
                stdin=rows + "1,2\n" + rows)
    assert done.returncode == 2
    assert "standard input: row 30 has 2 columns, expected 3" in done.stderr
    from tsad_fast.streams import Stream

    assert Stream.load(folder / "bad-state.tsad").n_rows == 30  # the rows before it kept
    done = _run(["watch", "pca.tsad", "-"], folder, stdin="1,2,nan\n")
    assert done.returncode == 2 and "row 0, column 2: 'nan' is not finite" in done.stderr
    done = _run(["fit", "moon", "bad.csv", "--out", "m.tsad"], folder)
    assert done.returncode == 2 and "bad.csv" in done.stderr


def test_fit_reads_parquet_and_needs_labels_for_a_supervised_detector(tables):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    folder, test, labels = tables
    pq.write_table(pa.table({name: test[:, i] for i, name in enumerate("abc")}),
                   folder / "test.parquet")
    np.savetxt(folder / "labels.txt", labels, fmt="%d")
    done = _run(["fit", "logistic", "test.parquet", "--out", "lr.tsad"], folder)
    assert done.returncode == 2 and "--labels" in done.stderr
    done = _run(["fit", "logistic", "test.parquet", "--labels", "labels.txt", "--out", "lr.tsad",
                 "--set", "window=5"], folder)
    assert done.returncode == 0, done.stderr
    assert load_detector(folder / "lr.tsad").n_features_in_ == 3
    pq.write_table(pa.table({"a": ["x", "y"]}), folder / "text.parquet")
    done = _run(["fit", "pca", "text.parquet", "--out", "m.tsad"], folder)
    assert done.returncode == 2 and "column 0 ('a')" in done.stderr
    assert not os.path.exists(folder / "m.tsad")


def test_watch_names_moons_top_variables(tables):
    folder, test, labels = tables
    np.savetxt(folder / "labels.txt", labels, fmt="%d")
    done = _run(["fit", "moon", "test.csv", "--labels", "labels.txt", "--out", "moon.tsad",
                 "--set", "os_budget=[32, 256]", "--set", "epochs=3", "--set", "threshold=0.05",
                 "--quiet"], folder)
    assert done.returncode == 0, done.stderr
    done = _run(["watch", "moon.tsad", "--top", "2"], folder,
                stdin="".join((folder / "test.csv").read_text().splitlines(True)[390:411]))
    assert done.returncode == 0, done.stderr
    alarms = _alarms(done.stdout)
    assert alarms and all(len(a["top_variables"]) == 2 for a in alarms)
    assert all(a["top_variables"][0]["variable"] == 1 for a in alarms)  # the shifted channel
