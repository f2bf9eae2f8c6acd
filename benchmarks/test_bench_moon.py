"""Moon against the machine's floor (issue 16).

* Inference: scoring rows of the bundled SMD machine (c = 38, MV-MTF conversion included) by a
  Moon of SPEC 2.2's size, one epoch on the first 3,000 rows. The group's anchor is a float32
  matrix product (torch, same threads) of as many FLOPs as the scoring's network (torch's
  FlopCounterMode: 0.36 GFLOP a timestamp), so the printed ratio is the fraction of the
  machine's float32 matmul peak that the scoring reaches.
* Explanation: ``Moon.explain`` of the highest-scoring of 5,000 timestamps (256 coalitions,
  64 expected-gradient samples, the critical-point search, the anomaly type) against
  ``shap.KernelExplainer`` (the anchor; ``pip install shap``) computing the raw modality's Kernel
  SHAP alone with the same coalition budget on the model function the published code hands it
  (the network on every coalition row at once, the MV-MTF row held).

    python -m pytest benchmarks/test_bench_moon.py --benchmark-only -s
"""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from benchmarks.conftest import raw_model_function  # noqa: E402
from tsad_fast import Moon  # noqa: E402
from tsad_fast.datasets import bundled_smd  # noqa: E402
from tsad_fast.thresholds import Quantile  # noqa: E402

INFERENCE = "Moon inference, SMD c=38 (ratio = fraction of float32 matmul peak)"
EXPLAIN = "Moon.explain, one anomaly, 256 coalitions"


@pytest.fixture(scope="module")
def moon(request):
    """(fitted Moon, rows to score, the highest-scoring of them): SPEC sizes when timing,
    small otherwise."""
    full = not request.config.getoption("benchmark_disable", False)
    data = bundled_smd()
    X, y = data.test, data.labels.astype(np.int64)
    # the training scores' 99th percentile as the decision threshold, so that the explained
    # timestamp of a one-epoch model is flagged and the critical point and type are computed
    params = dict(epochs=1, verbose=0, threshold=Quantile(0.99))
    if not full:
        params["os_budget"] = (64, 2048)
    model = Moon(**params).fit(X[:3000], y[:3000])
    X = X[3000:8000 if full else 3400]
    return model, X, int(np.argmax(model.decision_function(X)))


def network_flops(model, rows: int) -> float:
    """FLOPs of the network on ``rows`` timestamps (counted on one batch of 128)."""
    c = model.n_features_in_
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model.model_(torch.zeros(128, c), torch.zeros(128, c))
    return counter.get_total_flops() / 128 * rows


def test_anchor_float32_peak(timed, moon, full_size):
    model, X, _ = moon
    rows = 1000 if full_size else 64
    flops = network_flops(model, rows)
    n = 2048
    a, b = torch.randn(n, n), torch.randn(n, n)
    repeats = max(1, round(flops / (2 * n ** 3)))

    def matmuls():
        for _ in range(repeats):
            torch.mm(a, b)

    with model._thread_budget():
        matmuls()  # warm up
        timed(INFERENCE, f"float32 matmul, same FLOPs, {torch.get_num_threads()} threads (anchor)",
              matmuls, anchor=True)
    print(f"\nnetwork: {flops / rows / 1e9:.3f} GFLOP a timestamp; matmul: "
          f"{repeats * 2 * n ** 3 / 1e9:.0f} GFLOP")


def test_moon_inference(timed, moon, full_size):
    model, X, _ = moon
    rows = 1000 if full_size else 64
    reference = model.decision_function(X[:rows])  # warm up, and the scores to keep
    scores = timed(INFERENCE, f"Moon.decision_function, {rows} rows",
                   lambda: model.decision_function(X[:rows]))
    np.testing.assert_array_equal(scores, reference)


def test_anchor_shap_kernel_explainer(timed, moon):
    shap = pytest.importorskip("shap", reason="shap (the anchor) is not installed")
    model, X, t = moon
    f = raw_model_function(model, X, t)
    explainer = shap.KernelExplainer(f, model.background_)
    with model._thread_budget():
        values = timed(EXPLAIN, "shap.KernelExplainer, raw SHAP only (anchor)",
                       lambda: explainer.shap_values(X[t], nsamples=256, silent=True),
                       anchor=True, rounds=1)
    assert np.asarray(values).sum() == pytest.approx(f(X[t:t + 1])[0]
                                                     - f(model.background_).mean(), abs=1e-5)


def test_moon_explain(timed, moon):
    model, X, t = moon
    explanation = timed(EXPLAIN, "Moon.explain (SHAP, gradients, critical point, type)",
                        lambda: model.explain(X, t, n_coalitions=256), rounds=1)
    assert explanation.critical_point >= 1 and explanation.anomaly_type >= 0
