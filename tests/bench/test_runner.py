"""The grid on a real LocalCluster of two worker processes: rows and metrics, a worker killed
mid-run, an interrupted run resumed, a malformed file, a time limit."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

from tsad_fast.bench import run_bench  # noqa: E402
from tsad_fast.bench.detectors import as_spec  # noqa: E402
from tsad_fast.bench.inputs import expand, load  # noqa: E402
from tsad_fast.bench.task import METRICS  # noqa: E402
from tsad_fast.detectors import IForest, KNN, PCA  # noqa: E402
from tsad_fast.metrics import find_length_rank, get_metrics  # noqa: E402
from tsad_fast.thresholds import SPOTThreshold  # noqa: E402

from tests.bench.grid_data import tsbad_csv  # noqa: E402
from tests.bench.slow_detectors import SlowPCA  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
QUIET = dict(progress=False, report=False, plot=False)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    for index in range(4):
        tsbad_csv(folder, index + 1, anomaly=(380 + 20 * index, 395 + 20 * index))
    return folder


def journal_rows(out: Path):
    journal = out.with_name(out.name + ".partial.jsonl")
    if not journal.exists():
        return []
    return [json.loads(line) for line in journal.read_text().splitlines() if line.strip()]


def test_four_series_three_detectors_give_twelve_rows_with_the_right_metrics(cluster, data,
                                                                           tmp_path):
    out = tmp_path / "results.parquet"
    frame = run_bench(data, ["pca", "iforest", "knn"], out, scheduler=cluster.scheduler_address,
                      progress=False, report=False)
    assert len(frame) == 12 and frame["key"].is_unique
    assert (frame["status"] == "ok").all(), frame[["status", "error"]]
    assert set(frame["detector"]) == {"pca", "iforest", "knn"}
    stored = pd.read_parquet(out)
    pd.testing.assert_frame_equal(stored, frame)
    assert (tmp_path / "results_vus_pr.png").stat().st_size > 0
    assert not (tmp_path / "results.parquet.partial.jsonl").exists()
    classes = {"pca": PCA, "iforest": IForest, "knn": KNN}
    for ref in expand(data):
        split = load(ref, "train-test")
        assert split.fit.shape[0] == 250 and split.test.shape[0] == 600  # TSB-AD's protocol
        for name, cls in classes.items():
            model = cls(n_threads=1).fit(split.fit)
            scores = model.decision_function(split.test)
            pred = SPOTThreshold(mode="stream").fit(model.decision_scores_).predict(scores)
            sliding = min(find_length_rank(split.test[:, 0], rank=1), 600)
            expected = get_metrics(scores, split.labels, slidingWindow=sliding, pred=pred)
            row = frame[(frame["series"] == ref.name) & (frame["detector"] == name)].iloc[0]
            assert row["sliding_window"] == sliding
            for key in METRICS:
                assert row[key] == pytest.approx(expected[key], rel=1e-9, abs=1e-12), (name, key)
            tp = int(np.sum((pred == 1) & (split.labels == 1)))
            assert row["Recall"] == pytest.approx(tp / split.labels.sum())
            assert row["fit_seconds"] > 0 and row["peak_rss_mb"] > 0


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(cluster, data, tmp_path):
    out = tmp_path / "results.parquet"
    detectors = [{"label": "slow", "detector": SlowPCA, "params": {"delay": 1.5}}, "pca", "knn"]
    killed = {}

    def kill_a_busy_worker():
        with distributed.Client(cluster) as client:
            pids = client.run(os.getpid)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not killed:
                busy = [address for address, keys in client.processing().items()
                        if keys and address in pids and journal_rows(out)]
                if busy:
                    killed["rows_before"] = len(journal_rows(out))
                    killed["pid"] = pids[busy[0]]
                    os.kill(pids[busy[0]], signal.SIGKILL)
                time.sleep(0.05)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    frame = run_bench(data, detectors, out, scheduler=cluster.scheduler_address, **QUIET)
    killer.join()
    assert killed and killed["rows_before"] < 12
    assert len(frame) == 12 and frame["key"].is_unique
    assert (frame["status"] == "ok").all(), frame[["status", "error"]]
    assert frame.groupby("detector").size().to_dict() == {"slow": 4, "pca": 4, "knn": 4}


def test_an_interrupted_run_resumes_with_the_missing_rows_only(cluster, data, tmp_path):
    out = tmp_path / "results.parquet"
    script = (
        "import tsad_fast\n"
        "from tsad_fast.bench import run_bench\n"
        "from tests.bench.slow_detectors import SlowPCA\n"
        f"run_bench({str(data)!r}, [{{'label': 'slow', 'detector': SlowPCA, "
        f"'params': {{'delay': 1.0}}}}, 'pca', 'knn'], {str(out)!r}, "
        f"scheduler={cluster.scheduler_address!r}, progress=False, report=False, plot=False)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    run = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.monotonic() + 120
        while len(journal_rows(out)) < 3 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        run.send_signal(signal.SIGKILL)  # no clean-up: the journal is all that is left
    finally:
        run.wait()
    assert not out.exists()
    before = {row["key"]: row for row in journal_rows(out)}
    assert 3 <= len(before) < 12
    frame = run_bench(data, [{"label": "slow", "detector": SlowPCA, "params": {"delay": 1.0}},
                             "pca", "knn"], out, scheduler=cluster.scheduler_address,
                      resume=True, **QUIET)
    assert frame.attrs["n_run"] == 12 - len(before)
    assert len(frame) == 12 and frame["key"].is_unique and (frame["status"] == "ok").all()
    for key, row in before.items():  # the rows of the first run are kept as they were
        kept = frame[frame["key"] == key].iloc[0]
        assert (kept["worker"], kept["finished_at"]) == (row["worker"], row["finished_at"])
    again = run_bench(data, ["pca"], out, scheduler=cluster.scheduler_address, resume=True,
                      **QUIET)
    assert again.attrs["n_run"] == 0 and len(again) == 12


def test_a_malformed_csv_is_one_error_row_and_the_rest_complete(cluster, data, tmp_path):
    bad = data / "009_broken_id_9_Synthetic_tr_100_1st_150.csv"
    bad.write_text("V0,V1,Label\n" + "0.5,oops,0\n" * 300)
    frame = run_bench(data, ["pca"], tmp_path / "r.csv", scheduler=cluster.scheduler_address,
                      **QUIET)
    assert len(frame) == 5
    errors = frame[frame["status"] == "error"]
    assert list(errors["series"]) == [bad.stem]
    assert "ValueError" in errors["error"].iloc[0] and "oops" in errors["error"].iloc[0]
    assert (frame.loc[frame["series"] != bad.stem, "status"] == "ok").all()


def test_timeout_kills_the_task_and_the_grid_goes_on(cluster, data, tmp_path):
    hang = as_spec({"label": "hang", "detector": SlowPCA, "params": {"delay": 60.0}})
    start = time.perf_counter()
    frame = run_bench(data / "001_toy_id_1_Synthetic_tr_250_1st_380.csv", [hang, "pca"],
                      tmp_path / "r.parquet", scheduler=cluster.scheduler_address, timeout=4,
                      **QUIET)
    assert time.perf_counter() - start < 45
    by = frame.set_index("detector")
    assert by.loc["hang", "status"] == "timeout" and "4 s" in by.loc["hang", "error"]
    assert np.isnan(by.loc["hang", "VUS-PR"])
    assert by.loc["pca", "status"] == "ok" and by.loc["pca", "VUS-PR"] > 0


def test_failures_are_printed_and_run_again_on_resume(cluster, data, tmp_path, capsys):
    bad = data / "009_broken_id_9_Synthetic_tr_250_1st_380.csv"
    bad.write_text("V0,V1,Label\n" + "0.5,oops,0\n" * 300)
    out = tmp_path / "r.parquet"
    run_bench(data, ["pca"], out, scheduler=cluster.scheduler_address, progress=False,
              plot=False)
    printed = capsys.readouterr().out
    assert f"error: {bad.stem} / pca: ValueError" in printed and "oops" in printed
    tsbad_csv(data, 9, anomaly=(380, 395))  # the same name, now a readable file
    bad.unlink()
    (data / "009_toy_id_9_Synthetic_tr_250_1st_380.csv").rename(bad)
    again = run_bench(data, ["pca"], out, scheduler=cluster.scheduler_address, resume=True,
                      **QUIET)
    assert again.attrs["n_run"] == 1  # only the failed task ran again
    assert len(again) == 5 and (again["status"] == "ok").all()


def test_wrong_names_and_parameters_are_refused_before_any_task(tmp_path):
    plain = tmp_path / "data.csv"
    plain.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=r"data.csv.*_tr_N_1st_M\.csv"):
        run_bench(plain, ["pca"], tmp_path / "r.parquet", **QUIET)
    toy = tsbad_csv(tmp_path, 1, anomaly=(380, 395))
    with pytest.raises(ValueError, match="detector 'pca'.*bogus"):
        run_bench(toy, [{"detector": "pca", "params": {"bogus": 1}}], tmp_path / "r.parquet",
                  **QUIET)
    with pytest.raises(ValueError, match="detector 'knn'.*window"):
        run_bench(toy, [{"detector": "knn", "params": {"window": 0}}],
                  tmp_path / "r.parquet", **QUIET)
    assert not list(tmp_path.glob("r.parquet*"))


def test_the_command_line_names_its_own_resume_option(cluster, data, tmp_path, capsys):
    from tsad_fast.cli import main

    out = tmp_path / "r.parquet"
    out.write_bytes(b"")  # results of an earlier run
    assert main(["bench", str(data), "--detectors", "pca", "--out", str(out), "--quiet",
                 "--no-plot"]) == 2
    error = capsys.readouterr().err
    assert "add --resume" in error and "resume=True" not in error
