"""IForest, PCA, KNN on windows: scores equal scikit-learn's on the same windows, the contract,
persistence, bad input."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("torch")
sklearn = pytest.importorskip("sklearn")

from sklearn.decomposition import PCA as SklearnPCA  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402

from tsad_fast import IForest, KNN, PCA  # noqa: E402
from tsad_fast.config import config_context  # noqa: E402
from tsad_fast.detectors import NotFittedError  # noqa: E402
from tsad_fast.detectors import baselines  # noqa: E402
from tsad_fast.detectors.baselines import average_path_length  # noqa: E402
from tsad_fast.windows import window_scores_to_points  # noqa: E402


def series(seed, n=400, c=3, anomaly=True):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    X = np.c_[[np.sin(2 * np.pi * t / (20 + 7 * k)) for k in range(c)]].T
    X = X + 0.1 * rng.normal(size=(n, c))
    if anomaly:
        X[n // 2:n // 2 + 10, 0] += 4
    return X


def flat(model, X):
    """The flattened z-normalised windows the fitted ``model`` scores for X."""
    return model._flat_windows(model.scaler_.transform(X))


def test_average_path_length_values():
    n = np.array([0, 1, 2, 3, 256])
    expected = [0, 0, 1, 2 * (np.log(2) + np.euler_gamma) - 4 / 3,
                2 * (np.log(255) + np.euler_gamma) - 2 * 255 / 256]
    np.testing.assert_allclose(average_path_length(n), expected)


@given(seed=st.integers(0, 2**31 - 1), max_samples=st.sampled_from(["auto", 40, 0.5]),
       window=st.integers(1, 12))
def test_iforest_equals_sklearn_score_samples(seed, max_samples, window):
    X, T = series(seed, 300), series(seed + 1, 200)
    model = IForest(window=window, n_estimators=20, max_samples=max_samples, seed=seed,
                    n_threads=1).fit(X)
    train_w, test_w = flat(model, X), flat(model, T)
    forest = IsolationForest(n_estimators=20, max_samples=max_samples, random_state=seed).fit(
        train_w)
    expected = window_scores_to_points(-forest.score_samples(test_w), window)
    np.testing.assert_allclose(model.decision_function(T), expected, rtol=1e-12)
    np.testing.assert_allclose(model.decision_scores_, window_scores_to_points(
        -forest.score_samples(train_w), window), rtol=1e-12)


def test_iforest_on_constant_windows_is_a_lone_leaf_forest():
    X = np.ones((50, 2))
    model = IForest(window=5, n_estimators=5, n_threads=1).fit(X)
    forest = IsolationForest(n_estimators=5, random_state=2024).fit(flat(model, X))
    np.testing.assert_allclose(model.decision_scores_[10],
                               -forest.score_samples(flat(model, X))[0])


@given(seed=st.integers(0, 2**31 - 1), n_components=st.sampled_from([0.5, 0.95, 2]))
def test_pca_equals_sklearn_reconstruction(seed, n_components):
    X, T = series(seed), series(seed + 1, 250)
    model = PCA(window=10, n_components=n_components, seed=seed, n_threads=1).fit(X)
    train_w, test_w = flat(model, X), flat(model, T)
    pca = SklearnPCA(n_components=n_components, random_state=seed).fit(train_w)
    error = np.mean((test_w - pca.inverse_transform(pca.transform(test_w))) ** 2, axis=1)
    np.testing.assert_allclose(model.decision_function(T), window_scores_to_points(error, 10),
                               rtol=1e-4, atol=1e-7)


@given(seed=st.integers(0, 2**31 - 1), k=st.integers(1, 6))
def test_knn_equals_brute_force(seed, k):
    X, T = series(seed, 200), series(seed + 1, 120)
    model = KNN(window=8, n_neighbors=k, n_threads=1).fit(X)
    train_w, test_w = flat(model, X), flat(model, T)
    distances = np.sqrt(((test_w[:, None, :].astype(np.float64) - train_w[None]) ** 2).sum(-1))
    expected = np.sort(distances, axis=1)[:, :k].mean(axis=1)
    np.testing.assert_allclose(model.decision_function(T), window_scores_to_points(expected, 8),
                               rtol=1e-4)
    own = np.sqrt(((train_w[:, None, :].astype(np.float64) - train_w[None]) ** 2).sum(-1))
    np.testing.assert_allclose(model.decision_scores_, window_scores_to_points(
        np.sort(own, axis=1)[:, 1:k + 1].mean(axis=1), 8), rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("cls", [IForest, PCA, KNN])
def test_contract_detection_and_persistence(cls, tmp_path):
    X, T = series(0, anomaly=False), series(1)
    model = cls(window=10, n_threads=1).fit(X)
    assert model.decision_scores_.shape == (len(X),) and model.labels_.shape == (len(X),)
    assert np.isfinite(model.threshold_)
    scores = model.decision_function(T)
    assert scores.shape == (len(T),)
    inside = scores[200:210].mean()
    assert inside > np.percentile(scores[:150], 99)  # the shifted stretch scores highest
    path = tmp_path / "model.pt"
    model.save(path)
    loaded = cls.load(path)
    np.testing.assert_array_equal(loaded.decision_function(T), scores)
    np.testing.assert_array_equal(loaded.predict(T), model.predict(T))
    np.testing.assert_array_equal(loaded.labels_, model.labels_)
    assert loaded.get_params() == model.get_params()


@pytest.mark.parametrize("cls", [IForest, PCA, KNN])
def test_bad_input(cls):
    with pytest.raises(NotFittedError):
        cls().decision_function(np.zeros((200, 2)))
    with pytest.raises(ValueError, match="window=100"):
        cls().fit(np.random.default_rng(0).normal(size=(100, 2)))
    with pytest.raises(ValueError, match="X"):
        cls(window=5).fit(np.full((50, 2), np.nan))
    with pytest.raises(ValueError, match="window"):
        cls(window=0).fit(np.zeros((50, 2)))
    model = cls(window=5, n_threads=1).fit(series(0, 60))
    with pytest.raises(ValueError, match="channels"):
        model.decision_function(np.zeros((60, 4)))
    with pytest.raises(ValueError, match="window=5"):
        model.decision_function(np.zeros((4, 3)))


def test_bad_parameters():
    X = series(0, 60)
    with pytest.raises(ValueError, match="n_neighbors"):
        KNN(window=50, n_neighbors=11).fit(X)
    with pytest.raises(ValueError, match="n_components"):
        PCA(window=5, n_components=1.5).fit(X)
    with pytest.raises(ValueError, match="n_estimators"):
        IForest(window=5, n_estimators=0).fit(X)


@pytest.mark.parametrize("cls", [IForest, PCA, KNN])
def test_scoring_in_blocks_equals_scoring_at_once(cls, monkeypatch):
    X, T = series(3, 300), series(4, 257)
    model = cls(window=7, n_threads=1, **({"seed": 0} if cls is not KNN else {})).fit(X)
    whole = model._score_windows(flat(model, T))
    with config_context(window_block_bytes=4 * 7 * T.shape[1] * 10):  # 10 windows a block
        blocked = model._scored_windows(T)
    # float32 BLAS may round a block of one window (a matrix-vector product) differently
    np.testing.assert_allclose(blocked, whole, rtol=1e-6 if cls is PCA else 0)
