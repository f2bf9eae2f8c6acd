"""Explaining one anomaly: Kernel SHAP of a Moon model's raw row (c = 38, SMD machine-1-6, 10
normal background rows, 2048 coalitions) by ``shap.KernelExplainer`` (anchor) and by the
in-house ``tsad_fast.explain.kernel_shap``, on the same model and the same model function.

The model is a small Moon (os_budget (64, 2048), one epoch) so that the explainers' own work is
what is measured rather than the network's forward passes, which both call on the same rows
(coalitions x background rows each).

    python -m pytest benchmarks/test_bench_shap.py --benchmark-only
"""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from benchmarks.conftest import raw_model_function  # noqa: E402
from tsad_fast import Moon  # noqa: E402
from tsad_fast.datasets import bundled_smd  # noqa: E402
from tsad_fast.explain import kernel_shap  # noqa: E402

GROUP = "Kernel SHAP of one anomaly, c=38, 2048 coalitions"


@pytest.fixture(scope="module")
def problem(request):
    full = not request.config.getoption("benchmark_disable", False)
    data = bundled_smd()
    rows = 10_000 if full else 3_000  # --benchmark-disable: a quick correctness run
    X, y = data.test[:rows], data.labels[:rows].astype(np.int64)
    model = Moon(os_budget=(64, 2048), epochs=1, verbose=0).fit(X, y)
    t = int(np.argmax(model.decision_scores_))
    f = raw_model_function(model, X, t)
    n_coalitions = 2048 if full else 64
    return f, X[t], model.background_, n_coalitions


@pytest.fixture
def shap():
    return pytest.importorskip("shap", reason="shap (the anchor) is not installed")


def test_anchor_shap_kernel_explainer(timed, shap, problem):
    f, x, background, n_coalitions = problem
    explainer = shap.KernelExplainer(f, background)
    values = timed(GROUP, "shap.KernelExplainer (anchor)",
                   lambda: explainer.shap_values(x, nsamples=n_coalitions, silent=True),
                   anchor=True, rounds=1)
    values = np.asarray(values).ravel()
    assert values.sum() == pytest.approx(f(x[None])[0] - f(background).mean(), abs=1e-6)


def test_tsad_fast_kernel_shap(timed, problem):
    f, x, background, n_coalitions = problem
    values = timed(GROUP, "tsad_fast kernel_shap",
                   lambda: kernel_shap(f, x, background, n_coalitions=n_coalitions), rounds=3)
    assert values.shape == x.shape
    assert values.sum() == pytest.approx(f(x[None])[0] - f(background).mean(), abs=1e-6)
