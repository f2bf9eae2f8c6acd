"""Moon: the network's shapes and OS-CNN channel rule, the detector contract on seeded data,
persistence, bad input."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from tsad_fast import Moon  # noqa: E402
from tsad_fast.detectors import NotFittedError  # noqa: E402
from tsad_fast.metrics import auc_roc  # noqa: E402
from tsad_fast.nn.multimodal_cnn import MultimodalCNN, os_channels, os_kernel_sizes  # noqa: E402

SMALL = dict(os_budget=(64, 2048), epochs=4, batch_size=32, verbose=0)


def test_os_cnn_rule():
    assert os_kernel_sizes(38) == [1, 2, 3, 5, 7]  # RF = 9.5
    assert os_kernel_sizes(4) == [1] and os_kernel_sizes(1000)[-1] == 89  # RF capped at 89
    assert os_channels([1, 2, 3, 5, 7]) == (56, 45, 280)  # 1024 // 18, 229376 // (280 * 18)


def test_network_shapes_and_shared_blocks():
    net = MultimodalCNN(12, budget=(64, 2048))
    logits = net(torch.randn(5, 12), torch.rand(5, 12))
    assert logits.shape == (5, 2)
    # one set of convolution weights serves both modalities; attention weights get gradients
    logits.sum().backward()
    assert net.query.weight.grad is not None and net.query.weight.grad.abs().sum() > 0
    assert net.blocks[0].layer.convs[0].weight.grad is not None
    assert net(torch.randn(5, 12)).shape == (5, 2)  # one modality alone (the ablation)


def labelled(n, c, seed):
    rng = np.random.default_rng(seed)
    X = 0.3 * rng.normal(size=(n, c))
    y = np.zeros(n, dtype=int)
    for start in range(50, n - 20, 120):
        X[start:start + 12, start % c] += 3.0
        y[start:start + 12] = 1
    return X, y


@pytest.fixture(scope="module")
def fitted():
    X, y = labelled(900, 8, 0)
    return Moon(**SMALL).fit(X, y), X, y


def test_contract_and_detection(fitted):
    model, X, y = fitted
    assert model.decision_scores_.shape == (900,) and model.threshold_ == 0.5
    assert np.all((model.decision_scores_ >= 0) & (model.decision_scores_ <= 1))
    np.testing.assert_array_equal(model.labels_, model.decision_scores_ > 0.5)
    Xt, yt = labelled(600, 8, 1)
    scores = model.decision_function(Xt)
    assert auc_roc(yt, scores) > 0.9
    np.testing.assert_array_equal(scores, model.decision_function(Xt))
    assert model.predict(Xt).shape == (600,)


def test_best_f1_cut_on_the_held_out_timestamps():
    from tsad_fast.thresholds import BestF1

    X, y = labelled(600, 5, 3)
    model = Moon(**{**SMALL, "epochs": 1, "threshold": "best-f1",
                    "validation_size": 0.4}).fit(X, y)
    held = slice(600 - 240, None)
    assert model.threshold_ == BestF1().fit(model.decision_scores_[held], y[held]).threshold_


def test_a_cut_that_cannot_be_fitted_stops_before_training(monkeypatch):
    X, y = labelled(600, 5, 3)
    y[-200:] = 0  # the held-out rows hold one class

    def train(*args):
        raise AssertionError("training started")

    monkeypatch.setattr(Moon, "_train", train)
    with pytest.raises(ValueError, match="held-out rows hold only class 0"):
        Moon(**{**SMALL, "threshold": "best-f1", "validation_size": 0.2}).fit(X, y)


def test_training_rows_of_one_class_are_refused_before_training(monkeypatch):
    X, y = labelled(600, 5, 3)
    y[:480] = 0  # every anomaly lies in the held-out last 20 %

    def train(*args):
        raise AssertionError("training started")

    monkeypatch.setattr(Moon, "_train", train)
    with pytest.raises(ValueError, match="only class 0 in the 480 rows Moon trains on"):
        Moon(**{**SMALL, "threshold": "best-f1", "validation_size": 0.2}).fit(X, y)


def test_balanced_sampling_trains_on_every_anomaly_and_as_many_normal_rows():
    X, y = labelled(600, 5, 4)
    model = Moon(**{**SMALL, "sampling": "balanced"})
    model._check_params()
    target = torch.from_numpy(y)
    order = torch.Generator().manual_seed(0)
    first, second = (model._epoch_samples([None, None, target], order) for _ in range(2))
    for picked in (first, second):
        assert picked.unique().numel() == picked.numel() == 2 * int(y.sum())
        assert int(target[picked].sum()) == int(y.sum())
    assert not torch.equal(first.sort().values, second.sort().values)  # normals drawn afresh
    Xt, yt = labelled(600, 5, 5)
    assert auc_roc(yt, model.fit(X, y).decision_function(Xt)) > 0.9


def test_seeded():
    X, y = labelled(300, 5, 2)
    a = Moon(**{**SMALL, "epochs": 1}).fit(X, y).decision_scores_
    b = Moon(**{**SMALL, "epochs": 1}).fit(X, y).decision_scores_
    np.testing.assert_array_equal(a, b)


def test_save_load(fitted, tmp_path):
    model, X, _ = fitted
    model.save(tmp_path / "moon.pt")
    again = Moon.load(tmp_path / "moon.pt")
    np.testing.assert_array_equal(again.decision_function(X[:100]), model.decision_function(X[:100]))


def test_loads_a_version_1_file(fitted, tmp_path):
    """Files of format 1 (Moon's threshold fixed at 0.5 and not saved, no threshold or
    training parameters) load with the same scores."""
    model, X, _ = fitted
    from tsad_fast.detectors import persistence
    from tests.detectors.legacy import write_torch_file

    model.save(tmp_path / "now.pt")
    payload = persistence.read(tmp_path / "now.pt")
    new = ("threshold", "patience", "validation_size", "monitor", "n_threads", "sampling")
    v1 = {**payload,
          "params": {k: v for k, v in payload["params"].items() if k not in new},
          "state": {k: v for k, v in payload["state"].items() if k != "thresholder"}}
    write_torch_file(tmp_path / "v1.pt", v1, version=1)
    back = Moon.load(tmp_path / "v1.pt")
    assert back.threshold_ == 0.5 and back.threshold.value == 0.5
    np.testing.assert_array_equal(back.decision_function(X[:100]), model.decision_function(X[:100]))


@pytest.mark.parametrize("y, error, match", [
    (None, TypeError, "supervised"),
    (np.zeros(300), ValueError, "both normal"),
    (np.ones(300), ValueError, "both normal"),
    (np.r_[np.zeros(299), 2.0], ValueError, "only 0 and 1"),
    (np.zeros(10), ValueError, "labels for"),
])
def test_bad_labels(y, error, match):
    X, _ = labelled(300, 4, 3)
    with pytest.raises(error, match=match):
        Moon(**SMALL).fit(X, y)


def test_bad_input_and_params(fitted):
    model, X, y = fitted
    with pytest.raises(ValueError, match="channels"):
        model.decision_function(X[:, :3])
    with pytest.raises(ValueError, match="X"):
        Moon(**SMALL).fit(np.full((20, 2), np.nan), np.r_[np.zeros(10), np.ones(10)])
    with pytest.raises(ValueError, match="os_budget"):
        Moon(**{**SMALL, "os_budget": (0, 10)}).fit(X, y)
    with pytest.raises(ValueError, match="lr"):
        Moon(**{**SMALL, "lr": -1.0}).fit(X, y)
    with pytest.raises(ValueError, match="batch_size"):
        Moon(**{**SMALL, "batch_size": 1}).fit(X, y)
    with pytest.raises(ValueError, match="modality"):
        Moon(**{**SMALL, "modality": "image"}).fit(X, y)
    with pytest.raises(ValueError, match="sampling"):
        Moon(**{**SMALL, "sampling": "oversample"}).fit(X, y)
    with pytest.raises(ValueError, match="channels"):
        model.inputs(X[:, :3])
    with pytest.raises(ValueError, match="NaN"):
        model.inputs(np.full((4, X.shape[1]), np.nan))
    with pytest.raises(NotFittedError):
        Moon().inputs(X)
    with pytest.raises(ValueError, match="n_types"):
        Moon(**{**SMALL, "n_types": 0}).fit(X, y)
    with pytest.raises(NotFittedError):
        Moon().decision_function(X)


def test_explain_finds_the_shifted_variable(fitted):
    model, _, _ = fitted
    from tsad_fast.explain.multimodal import Explainable

    assert isinstance(model, Explainable)
    Xt, yt = labelled(600, 8, 1)
    start = 50 + 120 * 2  # a labelled segment: variable start % 8 is shifted by +3
    t = start + 5
    assert yt[t] == 1
    exp = model.explain(Xt, t, n_coalitions=None)
    assert exp.contributions.shape == exp.raw_shap.shape == exp.mtf_shap.shape == (8,)
    assert exp.ranking[0] == start % 8
    np.testing.assert_array_equal(exp.ranking, np.argsort(-exp.contributions, kind="stable"))
    fused = 0.8 * exp.raw_shap + 0.2 * exp.raw_shap.sum() * exp.mtf_shap / 8
    np.testing.assert_allclose(exp.contributions, fused, rtol=1e-12)
    # the raw part is exact Kernel SHAP: it adds up to f(x) - mean f(background)
    raw, mtf = model.inputs(Xt)
    background = torch.from_numpy(model.background_.astype(np.float32))

    def prob(raw_rows):
        with torch.no_grad():
            logits = model.model_(raw_rows, mtf[t].expand(len(raw_rows), -1))
        return torch.softmax(logits, 1)[:, 1].double().numpy()

    assert exp.raw_shap.sum() == pytest.approx(prob(raw[t:t + 1])[0] - prob(background).mean(),
                                               abs=1e-6)
    assert exp.score == pytest.approx(model.decision_function(Xt)[t], abs=1e-6)
    assert len(model.explain(Xt, [t, t + 1], n_coalitions=64)) == 2


def test_explain_bad_input(fitted):
    model, X, _ = fitted
    with pytest.raises(ValueError, match="t must be"):
        model.explain(X, len(X))
    with pytest.raises(ValueError, match="omega"):
        model.explain(X, 0, omega=2.0)
    with pytest.raises(ValueError, match="n_gradient_samples"):
        model.explain(X, 0, n_gradient_samples=0)
    with pytest.raises(ValueError, match="variable_names"):
        from tsad_fast.explain import write_report
        write_report([model.explain(X, 0, n_coalitions=16)], "unused", ["only one"])


def test_critical_point_and_report(fitted, tmp_path):
    pytest.importorskip("matplotlib")
    model, _, _ = fitted
    Xt, _ = labelled(600, 8, 1)
    t = 50 + 120 * 2 + 5
    exp = model.explain(Xt, t, n_coalitions=None)
    assert 1 <= exp.critical_point <= 8
    # Definition 4: k is the first prefix whose replacement resolves the anomaly
    assert start_var(t) in exp.top_variables
    normal = model.explain(Xt, 10, n_coalitions=64)  # not flagged: no critical point
    assert model.decision_function(Xt)[10] <= 0.5 and normal.critical_point == 0
    written = model.report([exp, normal], tmp_path / "report", [f"m{i}" for i in range(8)])
    data = __import__("json").loads(written["json"].read_text())
    assert data["anomalies"][0]["timestamp"] == t
    assert data["anomalies"][0]["top_variables"][0]["name"] == f"m{start_var(t)}"
    assert data["anomalies"][0]["type"] == exp.anomaly_type >= 0
    assert data["anomalies"][1]["type"] == -1
    assert "| timestamp |" in written["markdown"].read_text()
    assert written["png"].stat().st_size > 5_000


def start_var(t):
    return (50 + 120 * ((t - 50) // 120)) % 8


@pytest.mark.parametrize("modality", ["raw", "mtf"])
def test_one_modality_ablation(modality, tmp_path):
    X, y = labelled(900, 8, 0)
    model = Moon(**SMALL, modality=modality).fit(X, y)
    Xt, yt = labelled(600, 8, 1)
    assert auc_roc(yt, model.decision_function(Xt)) > 0.8
    model.save(tmp_path / "moon.pt")
    np.testing.assert_array_equal(Moon.load(tmp_path / "moon.pt").decision_function(Xt),
                                  model.decision_function(Xt))
    with pytest.raises(ValueError, match="modality='both'"):
        model.explain(Xt, 0)


def two_kinds(n, seed):
    """Anomalies of two kinds: variable 0 shifted up (even segments), variable 5 (odd)."""
    rng = np.random.default_rng(seed)
    X = 0.3 * rng.normal(size=(n, 8))
    y = np.zeros(n, dtype=int)
    kinds = {}
    for i, start in enumerate(range(50, n - 20, 100)):
        X[start:start + 12, 0 if i % 2 == 0 else 5] += 3.0
        y[start:start + 12] = 1
        kinds[start + 6] = i % 2
    return X, y, kinds


def test_anomaly_types_separate_the_kinds(tmp_path):
    X, y, _ = two_kinds(1000, 4)
    model = Moon(**SMALL, n_types=2).fit(X, y)
    assert model.type_centers_.shape == (2, 8)
    Xt, _, kinds = two_kinds(1000, 5)
    found = {t: model.explain(Xt, t, n_coalitions=32).anomaly_type for t in kinds}
    by_kind = [{found[t] for t in kinds if kinds[t] == k} for k in (0, 1)]
    assert len(by_kind[0]) == len(by_kind[1]) == 1 and by_kind[0] != by_kind[1]
    assert model.explain(Xt, 10, n_coalitions=32).anomaly_type == -1  # not flagged
    model.save(tmp_path / "moon.pt")
    np.testing.assert_array_equal(Moon.load(tmp_path / "moon.pt").type_centers_,
                                  model.type_centers_)


def test_run_moon_adapter_matches_the_detector(capsys):
    from tsad_fast.compat.tsb_ad import run_Moon

    X, y = labelled(900, 8, 0)
    scores = run_Moon(X[:600], y[:600], X[600:], **{**SMALL, "epochs": 1})
    expected = Moon(**{**SMALL, "epochs": 1}).fit(X[:600], y[:600]).decision_function(X[600:])
    np.testing.assert_array_equal(scores, expected)
    assert scores.shape == (300,) and capsys.readouterr().err.startswith("run_Moon: ")
    with pytest.raises(ValueError, match="y"):
        run_Moon(X[:600], np.zeros(600), X[600:], **SMALL)  # labels with no anomaly
