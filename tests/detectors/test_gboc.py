"""GBOC: the detector contract, detection on seeded data, determinism, persistence, bad input."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from tsad_fast import GBOC  # noqa: E402
from tsad_fast.compat.tsb_ad import run_GBOC  # noqa: E402
from tsad_fast.config import config_context  # noqa: E402
from tsad_fast.detectors import NotFittedError  # noqa: E402
from tsad_fast.metrics import auc_roc  # noqa: E402

FAST = dict(window=8, hidden=8, n_layers=2, epochs=2, inner_epochs=3, batch_size=64, verbose=0)


def periodic(n, seed, anomaly=None):
    """Three channels: two sines and noise; ``anomaly=(start, stop)`` shifts the first sine
    out of its range."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    X = np.c_[np.sin(2 * np.pi * t / 25), np.cos(2 * np.pi * t / 40), 0.1 * rng.normal(size=n)]
    X[:, :2] += 0.05 * rng.normal(size=(n, 2))
    labels = np.zeros(n, dtype=int)
    if anomaly is not None:
        a, b = anomaly
        X[a:b, 0] = 2.5 + 0.05 * rng.normal(size=b - a)
        labels[a:b] = 1
    return X, labels


@pytest.fixture(scope="module")
def fitted():
    X, _ = periodic(1200, 0)
    return GBOC(**FAST).fit(X), X


def test_contract_attributes(fitted):
    model, X = fitted
    assert model.decision_scores_.shape == (len(X),)
    assert np.isfinite(model.decision_scores_).all() and (model.decision_scores_ >= 0).all()
    assert model.threshold_ == pytest.approx(model.decision_scores_.mean()
                                             + 3 * model.decision_scores_.std())
    np.testing.assert_array_equal(model.labels_, model.decision_scores_ > model.threshold_)
    assert model.n_balls_ == model.centers_.shape[0] >= 1
    assert model.centers_.shape[1] == FAST["hidden"] * FAST["n_layers"]
    assert model.n_features_in_ == 3
    assert 1 <= len(model.history_) <= FAST["epochs"] * FAST["inner_epochs"]
    assert {h["epoch"] for h in model.history_} == set(range(1, FAST["epochs"] + 1))


def test_detects_a_broken_period(fitted):
    model, _ = fitted
    X, labels = periodic(1000, 1, anomaly=(600, 650))
    scores = model.decision_function(X)
    assert scores.shape == (1000,)
    assert auc_roc(labels, scores) > 0.9
    pred = model.predict(X)
    assert set(np.unique(pred)) <= {0, 1} and pred[600:650].mean() > pred[:500].mean()


def test_decision_function_leaves_the_model_unchanged(fitted):
    model, _ = fitted
    X, _ = periodic(300, 2)
    before = (model.threshold_, model.decision_scores_.copy(), model.centers_.copy())
    first = model.decision_function(X)
    np.testing.assert_array_equal(first, model.decision_function(X))
    assert model.threshold_ == before[0]
    np.testing.assert_array_equal(model.decision_scores_, before[1])
    np.testing.assert_array_equal(model.centers_, before[2])


@pytest.mark.parametrize("score", ["balls", "balls+reconstruction"])
def test_scoring_batch_by_batch_equals_scoring_all_codes(fitted, monkeypatch, score):
    """The scores, computed one inference batch at a time, equal the distances of all codes to
    their nearest center (plus the reconstruction errors, in training units) written out."""
    from tsad_fast.windows import sliding_windows, window_scores_to_points

    model, X = fitted
    monkeypatch.setattr(model, "score", score)
    # torch's float32 products may round differently with the batch size: the same batches,
    # many of them, the last one short
    with config_context(inference_batch={"GBOC": 37}):
        windows = sliding_windows(model._standardized(X), model.window)
        codes = model._encode(model.model_, windows)
        distances = np.sqrt(((codes[:, None, :] - model.centers_[None]) ** 2).sum(-1)).min(1)
        want = distances
        if score != "balls":
            with torch.no_grad():
                errors = torch.cat([((model.model_(w)[1] - model.model_.target(w)) ** 2)
                                    .reshape(len(w), -1).mean(1)
                                    for w in windows.split(37)]).double().numpy()
            want = distances / model.score_scale_[0] + errors / model.score_scale_[1]
        got = model.decision_function(X)
    np.testing.assert_allclose(got, window_scores_to_points(want, 8), rtol=1e-9, atol=1e-12)

def test_seeded_and_deterministic():
    X, _ = periodic(600, 3)
    a = GBOC(**FAST, seed=7).fit(X).decision_scores_
    b = GBOC(**FAST, seed=7).fit(X).decision_scores_
    c = GBOC(**FAST, seed=8).fit(X).decision_scores_
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_global_torch_rng_untouched():
    X, _ = periodic(400, 4)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    GBOC(**FAST).fit(X)
    torch.testing.assert_close(torch.rand(3), expected)


def test_training_lowers_the_loss():
    X, _ = periodic(1200, 5)
    history = GBOC(**{**FAST, "epochs": 3, "patience": None}).fit(X).history_
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    assert all(h["n_balls"] >= 1 for h in history)


def test_save_load_round_trip(fitted, tmp_path):
    model, _ = fitted
    path = tmp_path / "gboc.pt"
    model.save(path)
    again = GBOC.load(path)
    X, _ = periodic(300, 6)
    np.testing.assert_array_equal(again.decision_function(X), model.decision_function(X))
    assert again.threshold_ == model.threshold_ and again.get_params() == model.get_params()


class _Payload:
    def __reduce__(self):
        return (print, ("this must never run",))


def test_load_never_unpickles_code(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"format": "tsad_fast.detector", "payload": _Payload()}, str(path))
    with pytest.raises(ValueError, match="not a readable"):
        GBOC.load(path)


def test_load_rejects_foreign_files(tmp_path):
    path = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(2)}, str(path))
    with pytest.raises(ValueError, match="not a tsad_fast detector"):
        GBOC.load(path)


def test_spot_threshold():
    X, _ = periodic(800, 7)
    model = GBOC(**FAST, threshold="spot").fit(X)
    assert model.threshold_ > np.quantile(model.decision_scores_, 0.98)


def test_univariate_input():
    X, _ = periodic(500, 8)
    model = GBOC(**FAST).fit(X[:, 0])
    assert model.decision_function(X[:, 0]).shape == (500,)


def test_tsb_ad_adapter(capsys):
    X, _ = periodic(700, 9)
    scores = run_GBOC(X[:400], X[400:], window=16, hidden=8, epochs=2, inner_epochs=2)
    assert scores.shape == (300,) and np.isfinite(scores).all()
    captured = capsys.readouterr()
    assert captured.err.startswith("run_GBOC: ") and "of 2 epochs" in captured.err
    assert len(captured.err.strip().splitlines()) == 1  # the summary only: no epoch bar
    run_GBOC(X[:400], X[400:], window=16, hidden=8, epochs=1, inner_epochs=1, verbose=1)
    assert "pass" in capsys.readouterr().err  # verbose reaches the detector: tqdm's bar


@pytest.mark.parametrize("params, match", [
    (dict(window=0), "window"), (dict(lam=1.5), "lam"), (dict(threshold="max"), "threshold"),
    (dict(validation_size=1.0), "validation_size"), (dict(lr=0.0), "lr"),
    (dict(device="tpu"), "device"), (dict(epochs=0), "epochs"),
    (dict(decoder="mlp"), "decoder"), (dict(ball_loss="max"), "ball_loss"),
    (dict(optimizer="sgd"), "optimizer"), (dict(protocol="online"), "protocol"),
    (dict(rule="kmeans"), "rule"), (dict(inner_epochs=0), "inner_epochs"),
    (dict(max_ball_points=0), "max_ball_points"), (dict(radius_factor=0.0), "radius_factor"),
    (dict(lr_gamma=0.0), "lr_gamma"), (dict(weight_decay=-1.0), "weight_decay"),
    (dict(split_size=1), "split_size"), (dict(monitor="ball"), "monitor"),
    (dict(score="distance"), "score"),
])
def test_bad_parameters(params, match):
    X, _ = periodic(200, 10)
    with pytest.raises(ValueError, match=match):
        GBOC(**{**FAST, **params}).fit(X)


def test_bad_parameter_types():
    X, _ = periodic(200, 10)
    with pytest.raises(TypeError, match="window"):
        GBOC(**{**FAST, "window": 2.5}).fit(X)


def test_bad_input(fitted):
    model, _ = fitted
    X, _ = periodic(200, 11)
    with pytest.raises(ValueError, match="X contains"):
        GBOC(**FAST).fit(np.where(np.arange(200)[:, None] == 5, np.nan, X))
    with pytest.raises(ValueError, match="fewer than 2 training windows"):
        GBOC(**FAST).fit(X[:8])
    with pytest.raises(ValueError, match="empty"):
        GBOC(**FAST).fit(np.empty((0, 3)))
    with pytest.raises(TypeError, match="X"):
        GBOC(**FAST).fit("not an array")
    with pytest.raises(ValueError, match="channels"):
        model.decision_function(X[:, :2])
    with pytest.raises(ValueError, match="fewer than window"):
        model.decision_function(X[:5])
    with pytest.raises(ValueError, match="inf"):
        model.decision_function(np.where(np.arange(200)[:, None] == 3, np.inf, X))


def test_constant_series_gives_finite_scores():
    X = np.ones((300, 2))
    model = GBOC(**FAST).fit(X)
    assert np.isfinite(model.decision_scores_).all()
    assert model.predict(X).sum() == 0


def test_not_fitted():
    with pytest.raises(NotFittedError):
        GBOC().decision_function(np.zeros((200, 2)))
    with pytest.raises(NotFittedError):
        GBOC().save("never-written.pt")


def test_loads_a_version_1_file(fitted, tmp_path):
    """Files written before thresholders were objects (format 1: a float threshold, GBOC's
    SPOT settings as spot_q / spot_level) load with the same scores and threshold."""
    model, X = fitted
    from tsad_fast.detectors import persistence
    from tests.detectors.legacy import write_torch_file

    model.save(tmp_path / "now.pt")
    payload = persistence.read(tmp_path / "now.pt")
    params = {k: v for k, v in payload["params"].items() if k not in ("threshold", "stride",
                                                                       "n_threads")}
    state = {k: v for k, v in payload["state"].items() if k != "thresholder"}
    v1 = {**payload,
          "params": {**params, "threshold": "spot", "spot_q": 1e-2, "spot_level": 0.9},
          "state": {**state, "threshold": 0.75}}
    write_torch_file(tmp_path / "v1.pt", v1, version=1)
    back = GBOC.load(tmp_path / "v1.pt")
    assert back.threshold_ == 0.75 and back.thresholder_.q == 1e-2 and back.threshold.level == 0.9
    np.testing.assert_array_equal(back.decision_function(X[:300]), model.decision_function(X[:300]))


def test_numpy_scalar_parameters_save_and_load(tmp_path):
    from tsad_fast.thresholds import Quantile

    X, _ = periodic(300, 4)
    model = GBOC(**{**FAST, "lam": np.float64(0.25), "epochs": np.int64(1)},
                 threshold=Quantile(np.float64(0.9))).fit(X)
    model.save(tmp_path / "scalars.pt")
    back = GBOC.load(tmp_path / "scalars.pt")
    assert back.lam == 0.25 and back.threshold.q == 0.9 and back.threshold_ == model.threshold_


def test_defaults_are_the_authors_configuration():
    """SPEC 2.1: window 10, 3 LSTM layers of 32 (code: every layer's final state, 96 dims),
    0.9 / 0.1 element-mean losses, AdamW 1e-4 with weight decay 1e-5 and StepLR(5, 0.9), batch
    32, 10 inner passes, the density rule on <= 5,000 codes; issue 23's measured departures:
    the whole window reconstructed, the reconstruction error added to the score, 2 epochs."""
    params = GBOC().get_params()
    expected = dict(window=10, hidden=32, n_layers=3, decoder="window", lam=0.1, ball_loss="mean",
                    optimizer="adamw", lr=1e-4, weight_decay=1e-5, lr_step=5, lr_gamma=0.9,
                    batch_size=32, epochs=2, inner_epochs=10, rule="density", min_support=8,
                    split_size=20, radius_factor=2.0, max_ball_points=5000,
                    protocol="inductive", monitor="total", score="balls+reconstruction")
    assert {k: params[k] for k in expected} == expected
    from tsad_fast.nn.lstm_autoencoder import LSTMAutoencoder

    z, reconstruction = LSTMAutoencoder(5, 10)(torch.zeros(4, 10, 5))
    assert z.shape == (4, 96) and reconstruction.shape == (4, 5)  # the authors' decoder
    z, reconstruction = LSTMAutoencoder(5, 10, decoder="window")(torch.zeros(4, 10, 5))
    assert reconstruction.shape == (4, 10, 5)


@pytest.mark.parametrize("decoder", ["last", "window"])
def test_loss_is_the_authors_objective(decoder):
    """(1 - lam) * MSE(reconstruction) + lam * mean over codes and dims of (z - center)^2,
    written out here from the network's parts (the last step or the whole window)."""
    from tsad_fast.nn.lstm_autoencoder import LSTMAutoencoder

    torch.manual_seed(0)
    model = GBOC(**FAST, decoder=decoder)
    net = LSTMAutoencoder(3, FAST["window"], FAST["hidden"], FAST["n_layers"], decoder)
    x = torch.randn(6, FAST["window"], 3)
    centers = torch.randn(4, FAST["hidden"] * FAST["n_layers"])
    nearest = torch.tensor([0, 3, 1, 1, 2, 0])
    with torch.no_grad():
        loss, parts = model._loss(net, [x, nearest], centers)
        z = net.encode(x)
        out = net.decoder(z)
        rec = ((out - x[:, -1]) ** 2).mean() if decoder == "last" else \
            ((out.view(6, FAST["window"], 3) - x) ** 2).mean()
        ball = ((z - centers[nearest]) ** 2).mean()
    torch.testing.assert_close(loss, 0.9 * rec + 0.1 * ball)
    torch.testing.assert_close(parts["reconstruction"], rec)
    summed = GBOC(**{**FAST, "ball_loss": "sum", "lam": 0.5})
    with torch.no_grad():
        total, _ = summed._loss(net, [x, nearest], centers)
    torch.testing.assert_close(total, 0.5 * rec + 0.5 * ((z - centers[nearest]) ** 2).sum(1).mean())


def test_transductive_scores_follow_the_scored_series_own_statistics(fitted):
    """The authors' protocol: a scored series is z-normalised with its own statistics and the
    balls are rebuilt on its own codes, so rescaling it (by a power of two: exact) changes
    nothing; the inductive scores move with the scale."""
    model, X = fitted
    params = {**model.get_params(), "protocol": "transductive"}
    trans = GBOC(**params).fit(X)
    test, _ = periodic(600, 12, anomaly=(300, 330))
    scaled = 4.0 * test + 8.0
    np.testing.assert_allclose(trans.decision_function(scaled), trans.decision_function(test),
                               rtol=1e-5, atol=1e-6)
    assert not np.allclose(model.decision_function(scaled), model.decision_function(test))
    assert trans.decision_scores_.shape == (len(X),) and trans.n_balls_ >= 1


def test_combined_score_saves_and_loads(tmp_path):
    X, _ = periodic(800, 17)
    model = GBOC(**FAST, score="balls+reconstruction").fit(X)
    assert model.score_scale_.shape == (2,) and np.all(model.score_scale_ > 0)
    np.testing.assert_allclose(model.decision_scores_.mean(), 2.0, rtol=0.05)  # 1 + 1, padded
    model.save(tmp_path / "combined.pt")
    back = GBOC.load(tmp_path / "combined.pt")
    np.testing.assert_array_equal(back.decision_function(X), model.decision_function(X))


def test_max_ball_points_samples_the_codes():
    X, _ = periodic(1200, 13)
    few = GBOC(**{**FAST, "max_ball_points": 60}).fit(X)
    assert 1 <= few.n_balls_ <= 60 // (few.min_support + 1) + 7  # sqrt(60) coarse balls
    all_codes = GBOC(**{**FAST, "max_ball_points": None}).fit(X)
    assert all_codes.n_balls_ > few.n_balls_


def test_dm_rule_and_legacy_network_train():
    X, _ = periodic(800, 14)
    model = GBOC(**{**FAST, "rule": "dm", "decoder": "window", "optimizer": "adam",
                    "lr_step": 0, "inner_epochs": 1, "epochs": 3}).fit(X)
    assert len(model.history_) == 3 and np.isfinite(model.decision_scores_).all()


def test_files_of_the_earlier_network_still_load(tmp_path):
    """A file written before ``decoder`` existed (the MLP window decoder, the DM rule) loads
    with its network and scores as before."""
    from tsad_fast.detectors import persistence
    from tsad_fast.detectors.gboc import _LEGACY

    X, _ = periodic(600, 15)
    legacy = GBOC(**{**FAST, **_LEGACY, "epochs": 1}).fit(X)
    legacy.save(tmp_path / "new.pt")
    payload = persistence.read(tmp_path / "new.pt")
    payload["params"] = {k: v for k, v in payload["params"].items()
                         if k not in GBOC().get_params() or k in (
                             "window", "stride", "hidden", "n_layers", "lam", "lr",
                             "batch_size", "epochs", "patience", "validation_size",
                             "min_support", "prune_kappa", "threshold", "monitor", "device",
                             "seed", "verbose", "backend", "n_threads")}
    assert "decoder" not in payload["params"]
    persistence.write(tmp_path / "old.pt", payload)
    back = GBOC.load(tmp_path / "old.pt")
    assert back.decoder == "window" and back.rule == "dm"
    np.testing.assert_array_equal(back.decision_function(X), legacy.decision_function(X))


def test_scores_depend_on_the_thread_count_only_in_float32_rounding():
    """Torch may split a reduction by thread and round its float32 sums differently (it does
    on AVX2 processors, not on AVX-512 ones): the same thread count gives the same scores, two
    counts agree to float32 rounding."""
    X, _ = periodic(700, 16)
    one = GBOC(**FAST, n_threads=1).fit(X)
    two = GBOC(**FAST, n_threads=2).fit(X)
    again = GBOC(**FAST, n_threads=2).fit(X)
    np.testing.assert_array_equal(two.decision_scores_, again.decision_scores_)
    np.testing.assert_allclose(one.decision_scores_, two.decision_scores_, rtol=1e-5)
    np.testing.assert_allclose(one.decision_function(X[:300]), two.decision_function(X[:300]),
                               rtol=1e-5)
