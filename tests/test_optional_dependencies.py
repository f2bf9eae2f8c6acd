"""The core (kernels, metrics, thresholds) works with NumPy, SciPy and Numba alone; the
detectors and plots need their extras and say which, in a fresh interpreter where torch,
scikit-learn, tqdm and matplotlib cannot be imported."""
import subprocess
import sys
import textwrap

BLOCK = textwrap.dedent("""
    import sys

    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"No module named {name!r} (blocked by the test)")

    sys.meta_path.insert(0, Block())
""")


def run(code: str, blocked=("torch", "sklearn", "tqdm", "matplotlib")):
    return subprocess.run([sys.executable, "-c", f"BLOCKED = {set(blocked)!r}" + BLOCK
                           + textwrap.dedent(code)], capture_output=True, text=True)


def test_core_runs_without_the_extras():
    result = run("""
        import numpy as np
        import tsad_fast
        from tsad_fast.kernels import nearest_center, spot
        from tsad_fast.metrics import get_metrics
        from tsad_fast.thresholds import SPOTThreshold
        x = np.random.default_rng(0).normal(size=3000)
        labels = (np.arange(3000) % 500 < 20).astype(int)
        assert 0 <= get_metrics(x, labels, slidingWindow=20)["VUS-PR"] <= 1
        assert nearest_center(np.zeros((2, 3)), np.ones((1, 3)))[1].tolist() == [0, 0]
        assert SPOTThreshold().fit(x).threshold_ > 2
        heavy = {"torch", "sklearn", "tqdm", "matplotlib"} & set(sys.modules)
        assert not heavy, heavy
        print("ok")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_baselines_fit_save_and_load_without_torch(tmp_path):
    result = run(f"""
        import numpy as np
        from tsad_fast import PCA, IForest, KNN, GradientBoosting
        X = np.random.default_rng(0).normal(size=(300, 3))
        for detector in (PCA(window=10), IForest(window=10, n_estimators=5), KNN(window=10)):
            detector.fit(X).save({str(tmp_path)!r} + "/model")
            back = type(detector).load({str(tmp_path)!r} + "/model")
            assert np.array_equal(back.decision_function(X), detector.decision_function(X))
        y = (np.arange(300) % 50 < 5).astype(int)
        assert GradientBoosting(max_iter=5).fit(X, y).predict(X).shape == (300,)
        assert "torch" not in sys.modules
        print("ok")
    """, blocked=("torch", "tqdm", "matplotlib"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_baselines_name_the_baselines_extra():
    result = run("""
        import numpy as np
        from tsad_fast import PCA
        PCA(window=5).fit(np.zeros((50, 2)))
    """)
    assert result.returncode != 0
    assert 'tsad_fast.PCA needs sklearn: pip install "tsad-fast[baselines]"' in result.stderr


def test_detectors_name_the_torch_extra():
    result = run("from tsad_fast import GBOC")
    assert result.returncode != 0
    assert 'pip install "tsad-fast[torch]"' in result.stderr


def test_plots_name_the_plot_extra():
    result = run("""
        from tsad_fast.cli import main
        sys.exit(main(["spot", "--backend", "numpy", "--plot", "never.png"]))
    """)
    assert result.returncode == 2  # a clean CLI error, no traceback
    assert result.stderr.startswith("tsad-fast: error:")
    assert 'pip install "tsad-fast[plot]"' in result.stderr


def test_bench_names_the_bench_extra(tmp_path):
    result = run(f"""
        from tsad_fast.cli import main
        sys.exit(main(["bench", {str(tmp_path)!r}, "--detectors", "pca", "--out", "r.parquet"]))
    """, blocked=("distributed", "dask"))
    assert result.returncode == 2
    assert result.stderr.startswith("tsad-fast: error:")
    assert 'pip install "tsad-fast[bench]"' in result.stderr
