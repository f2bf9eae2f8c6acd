"""The supervised baselines (GradientBoosting, Logistic): the window features against a loop,
probabilities equal to scikit-learn's on the same features, the contract, persistence, the
bench registry, bad input."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("torch")
pytest.importorskip("sklearn")

from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from tsad_fast import GradientBoosting, Logistic  # noqa: E402
from tsad_fast.bench.detectors import as_spec  # noqa: E402
from tsad_fast.detectors.supervised import window_features  # noqa: E402
from tsad_fast.metrics import auc_roc  # noqa: E402


def labelled(seed, n=1200, c=4):
    """Noisy sines; anomalies: spikes in channel 1 at random rows (about 4 %)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    X = np.c_[[np.sin(2 * np.pi * t / (15 + 6 * k)) for k in range(c)]].T
    X = X + 0.1 * rng.normal(size=(n, c))
    y = (rng.random(n) < 0.04).astype(int)
    X[y == 1, 1] += 2.0
    return X, y


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 60), st.integers(1, 12), st.integers(1, 4), st.integers(0, 2**31))
def test_window_features_against_a_loop(n, window, c, seed):
    X = np.random.default_rng(seed).normal(size=(n, c)) * 10 + 3
    expected = []
    for t in range(n):
        rows = X[max(0, t - window + 1):t + 1]
        expected.append(np.r_[X[t], rows.mean(0), rows.std(0), X[t] - rows.mean(0)])
    np.testing.assert_allclose(window_features(X, window), np.array(expected), rtol=1e-9,
                               atol=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_probabilities_equal_scikit_learn(seed, class_weight):
    X, y = labelled(seed)
    test, _ = labelled(seed + 10)
    booster = GradientBoosting(max_iter=30, class_weight=class_weight, n_threads=1).fit(X, y)
    logistic = Logistic(class_weight=class_weight, n_threads=1).fit(X, y)
    train_f, test_f = booster._features(X), booster._features(test)
    weights = None
    if class_weight:
        weights = (y.size / (2.0 * np.bincount(y)))[y]
    reference = HistGradientBoostingClassifier(max_iter=30, early_stopping=False,
                                               random_state=2024).fit(train_f, y, weights)
    np.testing.assert_allclose(booster.decision_function(test),
                               reference.predict_proba(test_f)[:, 1], rtol=1e-9, atol=1e-12)
    reference = LogisticRegression(max_iter=1000, random_state=2024).fit(train_f, y, weights)
    np.testing.assert_allclose(logistic.decision_function(test),
                               reference.predict_proba(test_f)[:, 1], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("cls", [GradientBoosting, Logistic])
def test_contract_ranking_and_persistence(cls, tmp_path):
    X, y = labelled(3)
    test, labels = labelled(4)
    model = cls(n_threads=1).fit(X, y)
    assert model.threshold_ == 0.5 and model.labels_.shape == y.shape
    scores = model.decision_function(test)
    assert ((scores >= 0) & (scores <= 1)).all() and auc_roc(labels, scores) > 0.9
    np.testing.assert_array_equal(model.predict(test), (scores > 0.5).astype(int))
    model.save(tmp_path / "m.pt")
    back = cls.load(tmp_path / "m.pt")
    np.testing.assert_array_equal(back.decision_function(test), scores)
    again = cls(n_threads=1).fit(X, y)
    np.testing.assert_array_equal(again.decision_scores_, model.decision_scores_)


@pytest.mark.parametrize("cls", [GradientBoosting, Logistic])
def test_best_f1_cut_on_the_held_out_rows(cls):
    """With ``validation_size``, the classifier trains on the first rows only and the cut is
    the best-F1 cut of the held-out rows' probabilities."""
    from tsad_fast.thresholds import BestF1

    X, y = labelled(6, n=1500)
    model = cls(threshold="best-f1", validation_size=0.3, n_threads=1).fit(X, y)
    alone = cls(n_threads=1).fit(X[:1050], y[:1050])
    np.testing.assert_allclose(model.decision_scores_[:1050], alone.decision_scores_)
    held = model.decision_scores_[1050:]
    assert model.threshold_ == BestF1().fit(held, y[1050:]).threshold_
    y_late = y.copy()
    y_late[1050:] = 0
    with pytest.raises(ValueError, match="the 450 held-out rows hold only class 0"):
        cls(threshold="best-f1", validation_size=0.3, n_threads=1).fit(X, y_late)
    with pytest.raises(ValueError, match="unsupervised"):
        from tsad_fast import PCA
        PCA(window=5, threshold="best-f1").fit(X)


def test_registered_as_supervised():
    assert as_spec("gbdt").supervised and as_spec("logistic").supervised


@pytest.mark.parametrize("cls", [GradientBoosting, Logistic])
def test_bad_input(cls):
    X, y = labelled(5, n=200)
    with pytest.raises(TypeError, match="supervised"):
        cls().fit(X)
    with pytest.raises(ValueError, match="no anomaly"):
        cls().fit(X, np.zeros(200))
    with pytest.raises(ValueError, match="y has 199"):
        cls().fit(X, y[:199])
    with pytest.raises(ValueError, match="X contains"):
        cls().fit(np.where(np.arange(200)[:, None] == 3, np.nan, X), y)
    with pytest.raises(ValueError, match="only class 0 in the 100 rows before"):
        cls(validation_size=0.5).fit(X, np.r_[np.zeros(100), y[100:]])
    with pytest.raises(ValueError, match="class_weight"):
        cls(class_weight="auto").fit(X, y)
    with pytest.raises(ValueError, match="window"):
        cls(window=0).fit(X, y)
    fitted = cls(n_threads=1).fit(X, y)
    with pytest.raises(ValueError, match="channels"):
        fitted.decision_function(X[:, :2])
