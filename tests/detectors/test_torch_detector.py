"""The torch detector template (tsad_fast/detectors/torch_detector.py), on a tiny model written
here: seeded and deterministic without touching the global RNG, the validation split, early
stopping that restores the best weights, every epoch without patience, the thread budget,
thresholder objects (a streaming SPOT makes predict depend on X), persistence of all of it."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from tsad_fast import _threads  # noqa: E402
from tsad_fast.detectors import TorchDetector  # noqa: E402
from tsad_fast.thresholds import Quantile, SPOTThreshold  # noqa: E402
from tsad_fast.windows import sliding_windows, window_scores_to_points  # noqa: E402


class TinyAutoencoder(TorchDetector):
    """Windows of 8 rows through a linear bottleneck; score = reconstruction error."""

    _loss_parts = ("reconstruction",)

    def __init__(self, epochs=5, batch_size=16, lr=1e-2, patience=2, validation_size=0.25,
                 monitor="reconstruction", threshold="3sigma", device="cpu", seed=0, verbose=0,
                 n_threads="auto", bottleneck=2):
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.patience = patience
        self.validation_size = validation_size
        self.monitor = monitor
        self.threshold = threshold
        self.device = device
        self.seed = seed
        self.verbose = verbose
        self.n_threads = n_threads
        self.bottleneck = bottleneck

    def _prepare(self, X, y):
        self.threads_seen_ = torch.get_num_threads()
        return [self._windows(X)]

    def _windows(self, X):
        series = torch.from_numpy(X.astype(np.float32))
        return sliding_windows(series, 8).reshape(-1, 8 * X.shape[1])

    def _build_model(self):
        width = 8 * self.n_features_in_
        return torch.nn.Sequential(torch.nn.Linear(width, self.bottleneck),
                                   torch.nn.Linear(self.bottleneck, width))

    def _loss(self, model, batch, context):
        rec = torch.nn.functional.mse_loss(model(batch[0]), batch[0])
        return 1.5 * rec, {"reconstruction": rec}

    def _after_training(self, X, samples):
        return self._score(X)

    def _score(self, X):
        errors = self._infer(lambda w: ((self.model_(w) - w) ** 2).mean(dim=1), self._windows(X))
        return window_scores_to_points(errors.double().numpy(), 8)

    def _fitted_state(self):
        return {}  # the network is all it learns

    def _restore_fitted(self, state):
        pass


def series(n=400, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return np.c_[np.sin(t / 5), np.cos(t / 7)] + 0.05 * rng.normal(size=(n, 2))


def test_seeded_deterministic_and_global_rng_untouched():
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    a = TinyAutoencoder(seed=4).fit(series())
    after = torch.rand(3)
    torch.testing.assert_close(before, after)  # the fit drew nothing from the global RNG
    b = TinyAutoencoder(seed=4).fit(series())
    np.testing.assert_array_equal(a.decision_scores_, b.decision_scores_)
    c = TinyAutoencoder(seed=5).fit(series())
    assert not np.array_equal(a.decision_scores_, c.decision_scores_)


def test_history_validation_and_early_stopping_restores_the_best():
    model = TinyAutoencoder(epochs=30, patience=2, lr=0.5).fit(series())
    history = model.history_
    assert {"train_loss", "val_loss", "val_reconstruction"} <= set(history[0])
    watched = [h["val_reconstruction"] for h in history]
    best = int(np.argmin(watched))
    assert len(history) < 30  # stopped early: exactly `patience` epochs without improvement
    assert len(history) == best + 1 + 2
    # the restored weights are the best epoch's: its validation loss is reproduced
    samples = model._prepare(series(), None)[0]
    val = samples[len(samples) - int(len(samples) * 0.25):]
    _, parts = model._evaluate(model.model_, [val], None)
    assert parts["reconstruction"] == pytest.approx(watched[best], rel=1e-6)


def test_without_patience_every_epoch_runs_and_no_validation_is_needed():
    model = TinyAutoencoder(epochs=4, patience=None, validation_size=0.0).fit(series())
    assert len(model.history_) == 4 and "val_loss" not in model.history_[0]


def test_an_early_stop_ends_the_progress_bar_at_the_epochs_run(capsys):
    model = TinyAutoencoder(epochs=40, patience=1, lr=0.5, verbose=1).fit(series())
    assert len(model.history_) < 40
    last = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert "stopped early" in last and "100%" in last
    assert f"{len(model.history_)}/{len(model.history_)}" in last


def test_monitor_total_watches_the_objective():
    model = TinyAutoencoder(epochs=3, monitor="total").fit(series())
    h = model.history_[0]
    assert h["val_loss"] == pytest.approx(1.5 * h["val_reconstruction"])


def test_thread_budget_is_set_in_fit_and_restored():
    before = torch.get_num_threads()
    model = TinyAutoencoder(n_threads=1).fit(series())
    assert model.threads_seen_ == 1 and torch.get_num_threads() == before
    auto = TinyAutoencoder().fit(series())
    assert auto.threads_seen_ == _threads.usable_cores()


def _subnormal_products():
    """1e-20 * 1e-20 over 2^20 elements, which torch splits across its pool's threads: the
    count of nonzero (subnormal) results."""
    return int(torch.count_nonzero(torch.full((1 << 20,), 1e-20) * 1e-20))


def test_every_pool_thread_flushes_subnormals_inside_the_budget_and_not_after():
    assert _subnormal_products() == 1 << 20
    with _threads.torch_threads(_threads.usable_cores()):
        assert _subnormal_products() == 0
        with _threads.torch_threads(1):  # nested: the outer block keeps flushing
            assert _subnormal_products() == 0
        assert _subnormal_products() == 0
    assert _subnormal_products() == 1 << 20
    TinyAutoencoder().fit(series())
    assert _subnormal_products() == 1 << 20


def test_streaming_spot_threshold_makes_predict_depend_on_the_series():
    X = series(1200)
    model = TinyAutoencoder(threshold=SPOTThreshold(mode="stream", level=0.9)).fit(X)
    test = series(600, seed=9)
    noisy = test + np.random.default_rng(1).normal(scale=0.5, size=test.shape)
    t_clean = model.thresholder_.threshold(model.decision_function(test))
    t_noisy = model.thresholder_.threshold(model.decision_function(noisy))
    assert t_clean != pytest.approx(t_noisy)
    np.testing.assert_array_equal(model.predict(noisy),
                                  (model.decision_function(noisy) > t_noisy).astype(int))


def test_save_load_keeps_scores_thresholder_and_history(tmp_path):
    X = series()
    model = TinyAutoencoder(threshold=Quantile(0.9)).fit(X)
    model.save(tmp_path / "tiny.pt")
    back = TinyAutoencoder.load(tmp_path / "tiny.pt")
    assert isinstance(back.threshold, Quantile) and back.threshold.q == 0.9
    assert back.threshold_ == model.threshold_ and back.history_ == model.history_
    np.testing.assert_array_equal(back.decision_function(X), model.decision_function(X))
    np.testing.assert_array_equal(back.labels_, model.labels_)


def test_divergence_is_a_clear_error():
    with pytest.raises(FloatingPointError, match="lower lr"):
        TinyAutoencoder(lr=1e30, epochs=3).fit(series() * 1e20)


@pytest.mark.parametrize("params,error,match", [
    (dict(patience=0), ValueError, "patience"),
    (dict(monitor="accuracy"), ValueError, "monitor"),
    (dict(n_threads=0), ValueError, "n_threads"),
    (dict(validation_size=1.0), ValueError, "validation_size"),
    (dict(threshold="median"), ValueError, "threshold"),
    (dict(device="tpu"), ValueError, "device"),
])
def test_bad_parameters(params, error, match):
    with pytest.raises(error, match=match):
        TinyAutoencoder(**params).fit(series())


def test_too_few_samples():
    with pytest.raises(ValueError, match="fewer than 2"):
        TinyAutoencoder(validation_size=0.5).fit(series(9))  # 2 windows, 1 validates
