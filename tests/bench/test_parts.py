"""The grid's parts without a cluster: inputs and protocols, detector specs, one task's row,
the store, the time limit, the summary, the command line."""
import json
import os
import signal
import time
import warnings

import numpy as np
import pytest

pytest.importorskip("torch")
pd = pytest.importorskip("pandas")

from tsad_fast import datasets  # noqa: E402
from tsad_fast.bench import isolation  # noqa: E402
from tsad_fast.bench.detectors import DetectorSpec, as_spec, build  # noqa: E402
from tsad_fast.bench.inputs import SeriesRef, expand, load  # noqa: E402
from tsad_fast.bench.report import summarize
from tsad_fast.plots import plot_vus_pr_box  # noqa: E402
from tsad_fast.bench.store import ResultStore  # noqa: E402
from tsad_fast.bench.task import Task, run_row  # noqa: E402
from tsad_fast.cli import main  # noqa: E402
from tsad_fast.cli.bench import bench_detectors  # noqa: E402
from tsad_fast.detectors import GBOC, PCA  # noqa: E402

from tests.bench.grid_data import tsbad_csv  # noqa: E402

UCR = datasets.DATA_DIR / "135_UCR_Anomaly_InternalBleeding16_1200_4187_4199.txt"
SMD = datasets.DATA_DIR / f"{datasets.BUNDLED_SMD}.npz"


# --- inputs ------------------------------------------------------------------------------------
def test_expand_directories_files_and_refusals(tmp_path):
    first = tsbad_csv(tmp_path, 2)
    second = tsbad_csv(tmp_path, 1)
    (tmp_path / "notes.txt").write_text("not a series")
    refs = expand([tmp_path, UCR])
    assert [r.name for r in refs] == [second.stem, first.stem, UCR.stem]
    assert [r.kind for r in refs] == ["tsbad", "tsbad", "ucr"]
    assert expand(str(SMD))[0] == SeriesRef(SMD.stem, str(SMD.resolve()), "smd")
    with pytest.raises(ValueError, match="does not exist"):
        expand(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="notes.txt"):
        expand(tmp_path / "notes.txt")
    with pytest.raises(ValueError, match="named"):
        expand([first, first])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="holds no"):
        expand(empty)


def test_protocols_cut_the_series_as_documented(tmp_path):
    tsbad = expand(tsbad_csv(tmp_path, 1, n=600, train=250))[0]
    split = load(tsbad, "train-test")
    assert split.fit.shape == (250, 2) and split.test.shape == (600, 2)
    assert split.labels.sum() == 15 and split.fit_labels.shape == (250,)
    np.testing.assert_array_equal(split.fit, split.test[:250])
    ucr = load(expand(UCR)[0], "train-test")
    assert ucr.fit.shape == (1200, 1) and ucr.test.shape == (7501 - 1200, 1)
    assert ucr.labels[4187 - 1 - 1200] == 1 and ucr.labels.sum() == 4199 - 4187 + 1
    smd = datasets.bundled_smd()
    split = load(expand(SMD)[0], "train-test")
    np.testing.assert_array_equal(split.fit, smd.train)
    np.testing.assert_array_equal(split.labels, smd.labels)
    paper = load(expand(SMD)[0], "moon-paper")
    np.testing.assert_array_equal(paper.fit, smd.test[:10_000])
    np.testing.assert_array_equal(paper.fit_labels, smd.labels[:10_000])
    np.testing.assert_array_equal(paper.test, smd.test[10_000:15_000])
    assert paper.dim_labels.shape == (5000, 38)
    split60 = load(expand(SMD)[0], "split60")
    cut = int(0.6 * len(smd.labels))
    assert split60.fit.shape[0] == cut and split60.test.shape[0] == len(smd.labels) - cut
    with pytest.raises(ValueError, match="15,000"):
        load(tsbad, "moon-paper")
    with pytest.raises(ValueError, match="protocol"):
        load(tsbad, "leave-one-out")


# --- detector specs ----------------------------------------------------------------------------
def test_specs_from_names_dicts_and_callables():
    assert as_spec("PCA") == DetectorSpec("pca", "pca", {}, False)
    assert as_spec("moon").supervised
    spec = as_spec({"label": "pca-90", "detector": "pca", "params": {"n_components": 0.9}})
    assert spec.params_json() == '{"n_components": 0.9}'
    custom = as_spec({"detector": PCA, "supervised": True})
    assert custom.label == "PCA" and custom.supervised
    from tsad_fast.detectors import GradientBoosting  # the class's own tag, when not given
    assert as_spec({"detector": GradientBoosting}).supervised and not as_spec(PCA).supervised
    with pytest.raises(ValueError, match="unknown detector"):
        as_spec("lof")
    with pytest.raises(ValueError, match="unknown key"):
        as_spec({"detector": "pca", "param": {}})
    with pytest.raises(TypeError, match="serializable"):
        as_spec({"detector": "pca", "params": {"threshold": object()}})
    with pytest.raises(TypeError, match="callable"):
        as_spec({"detector": 3})


def test_build_adds_seed_threads_and_silence_unless_set():
    model = build(as_spec({"detector": "pca", "params": {"seed": 7}}), seed=1, threads=2)
    assert (model.seed, model.n_threads) == (7, 2)
    gboc = build(as_spec("gboc"), seed=3, threads=2)
    assert isinstance(gboc, GBOC) and (gboc.seed, gboc.verbose, gboc.n_threads) == (3, 0, 1)
    assert build(as_spec("scan"), seed=3, threads=2).n_threads == 2


# --- one task ----------------------------------------------------------------------------------
def test_a_task_row_skips_errs_and_never_raises(tmp_path):
    ref = expand(tsbad_csv(tmp_path, 1))[0]
    ok = run_row(Task(ref, as_spec("pca")))
    assert ok["status"] == "ok" and 0 < ok["VUS-PR"] <= 1 and ok["n_fit"] == 250
    json.dumps(ok)  # a row crosses processes as JSON
    bad = run_row(Task(ref, as_spec({"detector": "pca", "params": {"n_components": 5.5}})))
    assert bad["status"] == "error" and "n_components" in bad["error"]
    assert bad["error"].startswith("ValueError")
    supervised = run_row(Task(expand(SMD)[0], as_spec("moon")))
    assert supervised["status"] == "skipped" and "no labels" in supervised["error"]
    quiet = tmp_path / "quiet"
    quiet.mkdir()
    flat = expand(tsbad_csv(quiet, 2, anomaly=(0, 0)))[0]
    skipped = run_row(Task(flat, as_spec("pca")))
    assert skipped["status"] == "skipped" and "no anomaly" in skipped["error"]


def test_a_supervised_task_reports_f1_at_its_cut_and_at_one_half():
    spec = as_spec({"detector": "logistic",
                    "params": {"threshold": "best-f1", "validation_size": 0.3}})
    row = run_row(Task(expand(SMD)[0], spec, protocol="split60"))
    assert row["status"] == "ok", row["error"]
    assert 0 <= row["Standard-F1@0.5"] <= 1 and 0 <= row["Standard-F1"] <= 1
    half = run_row(Task(expand(SMD)[0], as_spec("logistic"), protocol="split60"))
    assert half["Standard-F1"] == half["Standard-F1@0.5"]  # the default cut is 0.5


# --- store -------------------------------------------------------------------------------------
def test_store_journals_deduplicates_and_writes_atomically(tmp_path):
    out = tmp_path / "r.parquet"
    store = ResultStore(out)
    assert store.append({"key": "a", "VUS-PR": 0.5, "status": "ok"})
    assert not store.append({"key": "a", "VUS-PR": 0.9, "status": "ok"})
    with open(store.journal, "ab") as handle:  # a run killed while writing a line
        handle.write(b'{"key": "b", "VUS')
    with pytest.raises(ValueError, match="resume"):
        ResultStore(out)
    with pytest.warns(UserWarning, match="incomplete"):
        resumed = ResultStore(out, resume=True)
    assert len(resumed) == 1 and "a" in resumed and "b" not in resumed
    resumed.append({"key": "c", "VUS-PR": float("nan"), "status": "error"})
    lines = resumed.journal.read_text().splitlines()
    assert json.loads(lines[-1])["key"] == "c"  # not glued to the broken line
    frame = resumed.write(order=["c", "a"])
    assert list(frame["key"]) == ["c", "a"] and not resumed.journal.exists()
    assert list(pd.read_parquet(out)["key"]) == ["c", "a"]
    assert len(ResultStore(out, resume=True)) == 2
    with pytest.raises(ValueError, match=".parquet or .csv"):
        ResultStore(tmp_path / "r.json")


# --- time limits -------------------------------------------------------------------------------
def _double(x):
    return {"twice": 2 * x}


def _sleep(seconds):
    time.sleep(seconds)


def _crash(_):
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel kills a process out of memory


@pytest.mark.skipif(not isolation.forking_supported(), reason="needs os.fork")
def test_call_with_timeout_returns_kills_and_reports_crashes():
    assert isolation.call_with_timeout(_double, 21, 30) == {"twice": 42}
    start = time.perf_counter()
    with pytest.raises(isolation.TaskTimeout, match="0.5 s"):
        isolation.call_with_timeout(_sleep, 30, 0.5)
    assert time.perf_counter() - start < 10
    with pytest.raises(ChildProcessError, match=f"signal {int(signal.SIGKILL)}"):
        isolation.call_with_timeout(_crash, None, 30)


# --- summary -----------------------------------------------------------------------------------
def test_summary_means_medians_and_ranks(tmp_path):
    frame = pd.DataFrame({
        "series": ["s1", "s1", "s2", "s2", "s3", "s3"],
        "detector": ["a", "b", "a", "b", "a", "b"],
        "status": ["ok", "ok", "ok", "ok", "ok", "timeout"],
        "VUS-PR": [0.9, 0.5, 0.2, 0.4, 0.7, np.nan],
        "VUS-ROC": [0.95, 0.6, 0.5, 0.7, 0.8, np.nan],
        "fit_seconds": [1.0, 2.0, 3.0, 4.0, 5.0, np.nan]})
    summary = summarize(frame)
    assert list(summary.index) == ["a", "b"]
    a, b = summary.loc["a"], summary.loc["b"]
    assert (a["tasks"], a["ok"], b["ok"], b["failed"]) == (3, 3, 2, 1)
    assert a["VUS-PR mean"] == pytest.approx(0.6) and a["VUS-PR median"] == pytest.approx(0.7)
    assert a["rank"] == pytest.approx((1 + 2 + 1) / 3) and b["rank"] == pytest.approx(1.5)
    path = plot_vus_pr_box(frame, tmp_path / "box.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- command line ------------------------------------------------------------------------------
def test_cli_detectors_and_settings():
    parsed = bench_detectors("scan, PCA", ["scan.epochs=1", "scan.kernels=[1, 2]",
                                            "pca.threshold=spot"])
    assert parsed == [{"detector": "scan", "params": {"epochs": 1, "kernels": [1, 2]}},
                      {"detector": "pca", "params": {"threshold": "spot"}}]
    for bad in ("knn.k=3", "scan=1", "scan.=1"):
        with pytest.raises(ValueError, match="--set"):
            bench_detectors("scan,pca", [bad])


def test_cli_reports_bad_input_without_starting_a_cluster(tmp_path, capsys):
    assert main(["bench", str(tmp_path / "nothing"), "--detectors", "pca", "--out",
                 str(tmp_path / "r.parquet")]) == 2
    assert "does not exist" in capsys.readouterr().err
    data = tsbad_csv(tmp_path, 1)
    assert main(["bench", str(data), "--detectors", "pca", "--out", str(tmp_path / "r.txt")]) == 2
    assert ".parquet or .csv" in capsys.readouterr().err
    assert main(["bench", str(data), "--detectors", "pca", "--out",
                 str(tmp_path / "r.csv"), "--workers", "0"]) == 2
    assert "workers" in capsys.readouterr().err
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["bench", str(data), "--detectors", "pca", "--out",
                     str(tmp_path / "r.csv"), "--timeout", "-1"]) == 2
    assert "timeout" in capsys.readouterr().err


def test_moved_names_still_work_with_a_deprecation_warning():
    import tsad_fast.bench
    import tsad_fast.demo
    from tsad_fast import plots

    with pytest.warns(DeprecationWarning, match="plot_vus_pr_box"):
        assert tsad_fast.bench.box_plot is plots.plot_vus_pr_box
    with pytest.warns(DeprecationWarning, match="tsad_fast.plots.plot_detection"):
        assert tsad_fast.demo.plot_detection is plots.plot_detection
