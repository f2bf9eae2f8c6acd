"""Classical baselines on sliding windows, with the detectors' contract (:mod:`.base`).

Each z-normalises the series with the training statistics, flattens every window of ``window``
rows into one row of ``window * c`` values (float32), scores the windows and spreads the window
scores to timestamps the TSB-AD way (:func:`~tsad_fast.windows.window_scores_to_points`):

* :class:`IForest`: isolation forest (scikit-learn fits it); the score is the forest's anomaly
  score ``2 ** (-E[path length] / c(max_samples))``, i.e. scikit-learn's negated
  ``score_samples``;
* :class:`PCA`: mean squared error of the reconstruction from the principal components that
  keep ``n_components`` of the variance (a fraction) or that many components (an int);
* :class:`KNN`: mean Euclidean distance to the ``n_neighbors`` nearest training windows (a
  training window's distance to itself is left out of its own score).

The learned state is plain arrays (the forest's nodes, the components, the training windows),
so ``save``/``load`` go through the weights-only file of every detector and a loaded detector
scores exactly as the fitted one: scoring always runs on those arrays.
"""
from __future__ import annotations

import abc
from typing import Any, Dict

import numpy as np

from tsad_fast._validation import as_series, check_int, check_real
from tsad_fast.config import get_config
from tsad_fast.detectors.array_detector import ArrayDetector
from tsad_fast.detectors.forests import FIELDS, empty_forest, sum_of_leaves
from tsad_fast.windows import sliding_windows, window_scores_to_points




class WindowBaseline(ArrayDetector):
    """Template: subclasses implement ``_fit_windows`` (training window scores), ``_score_windows``,
    ``_model_state`` and ``_restore_model`` on flattened windows (n_windows, window * c)."""

    def _check_params(self) -> None:
        check_int(self.window, "window", 1)
        self._check_threads()

    @abc.abstractmethod
    def _fit_windows(self, windows: np.ndarray) -> np.ndarray:
        """Learn from the flattened training windows; return their scores."""

    @abc.abstractmethod
    def _score_windows(self, windows: np.ndarray) -> np.ndarray:
        """Scores of flattened windows (n_windows, window * c)."""

    def _flat_windows(self, Z: np.ndarray) -> np.ndarray:
        """(n - window + 1, window * c) float32: window i covers rows i .. i + window - 1 of the
        z-normalised series Z (n, c)."""
        view = sliding_windows(Z, self.window)
        return np.ascontiguousarray(view.reshape(view.shape[0], -1), dtype=np.float32)

    def _scored_windows(self, X: np.ndarray) -> np.ndarray:
        """Scores (n - window + 1,) of the windows of X (n, c), flattened and scored a block
        of about the configured ``window_block_bytes`` at a time: memory stays O(n c) for any series length."""
        if X.shape[0] < self.window:
            raise ValueError(f"X has {X.shape[0]} rows, fewer than window={self.window}")
        Z = self.scaler_.transform(X)
        n_windows = X.shape[0] - self.window + 1
        block = max(1, get_config()["window_block_bytes"] // (4 * self.window * X.shape[1]))
        scores = np.empty(n_windows)
        for start in range(0, n_windows, block):
            stop = min(n_windows, start + block)
            rows = Z[start:stop + self.window - 1]
            scores[start:stop] = self._score_windows(self._flat_windows(rows))
        return scores

    def fit(self, X, y=None):
        """Learn from X (n, c), n >= window + 1 (at least two windows); ``y`` is ignored."""
        self._check_params()
        X = as_series(X, "X")
        self._check_rows(X, self.window + 1, f"window={self.window} needs at least "
                         f"{self.window + 1} for two training windows")
        self.n_features_in_ = X.shape[1]
        self._fit_scaler(X)
        with self._thread_limits():
            window_scores = self._fit_windows(self._flat_windows(self.scaler_.transform(X)))
        self.decision_scores_ = window_scores_to_points(window_scores, self.window)
        self._set_threshold(self.decision_scores_)
        return self

    def _score(self, X: np.ndarray) -> np.ndarray:
        with self._thread_limits():
            return window_scores_to_points(self._scored_windows(X), self.window)

    def _stream_scorer(self):
        from tsad_fast.streams import SlidingScores

        return SlidingScores(self.n_features_in_, self.window, self._scored_windows)



def average_path_length(n_samples: np.ndarray) -> np.ndarray:
    """c(n), the mean path length of an unsuccessful binary-search-tree search among n points
    (Liu et al., 2008): 0 for n <= 1, 1 for n = 2, else 2 (ln(n - 1) + Euler's gamma) -
    2 (n - 1) / n."""
    n = np.asarray(n_samples, dtype=np.float64)
    out = np.where(n == 2, 1.0, 0.0)
    big = n > 2
    out[big] = 2.0 * (np.log(n[big] - 1.0) + np.euler_gamma) - 2.0 * (n[big] - 1.0) / n[big]
    return out


class IForest(WindowBaseline):
    """Isolation forest on sliding windows.

    Parameters: ``window`` (rows per window), ``n_estimators`` (trees), ``max_samples``
    (windows per tree: an int, a fraction, or ``"auto"`` = min(256, n_windows)), ``threshold``
    (see :class:`~tsad_fast.detectors.GBOC`), ``seed``, ``n_threads`` (fitting and BLAS threads;
    ``"auto"``: every usable core).

    Attributes after ``fit`` besides the contract's: ``forest_``, the trees as padded node
    arrays (:mod:`.forests`; a leaf's value is its depth plus c(its training windows)), and
    ``max_samples_``.
    """

    def __init__(self, window: int = 100, n_estimators: int = 200, max_samples="auto",
                 threshold="3sigma", seed: int = 2024, n_threads="auto"):
        self.window = window
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.threshold = threshold
        self.seed = seed
        self.n_threads = n_threads

    def _fit_windows(self, windows: np.ndarray) -> np.ndarray:
        ensemble = self._sklearn_part("sklearn.ensemble")

        check_int(self.n_estimators, "n_estimators", 1)
        forest = ensemble.IsolationForest(
            n_estimators=self.n_estimators, max_samples=self.max_samples, random_state=self.seed,
            n_jobs=self._threads()).fit(windows)
        self.max_samples_ = int(forest.max_samples_)
        trees = [estimator.tree_ for estimator in forest.estimators_]
        self.forest_ = empty_forest(len(trees), max(tree.node_count for tree in trees))
        for t, tree in enumerate(trees):  # every tree sees every column (max_features=1.0)
            m = tree.node_count
            left, right = tree.children_left, tree.children_right
            internal = left >= 0
            self.forest_["left"][t, :m], self.forest_["right"][t, :m] = left, right
            self.forest_["feature"][t, :m] = np.where(internal, tree.feature, 0)
            self.forest_["split"][t, :m] = tree.threshold
            depth = np.zeros(m)
            for node in range(m):  # children always follow their parent in the node order
                if internal[node]:
                    depth[left[node]] = depth[right[node]] = depth[node] + 1
            self.forest_["value"][t, :m] = depth + average_path_length(tree.n_node_samples)
        return self._score_windows(windows)

    def _score_windows(self, windows: np.ndarray) -> np.ndarray:
        """Anomaly score in (0, 1] per window: 2 ** (-mean leaf depth / c(max_samples))."""
        mean_depth = sum_of_leaves(self.forest_, windows) / self.forest_["left"].shape[0]
        return 2.0 ** (-mean_depth / average_path_length(np.array([self.max_samples_]))[0])

    def _model_state(self) -> Dict[str, Any]:
        return {**self.forest_, "max_samples": self.max_samples_}

    def _restore_model(self, state: Dict[str, Any]) -> None:
        self.forest_ = {name: state[name] for name in FIELDS}
        self.max_samples_ = int(state["max_samples"])


class PCA(WindowBaseline):
    """Reconstruction error from principal components of the training windows.

    Parameters: ``window``, ``n_components`` (a fraction in (0, 1): keep the components that
    explain that share of the variance; an int: that many), ``threshold``, ``seed`` (the SVD
    solver's), ``n_threads`` (BLAS threads).

    Attributes after ``fit``: ``mean_`` (window * c,), ``components_`` (k, window * c).
    """

    def __init__(self, window: int = 100, n_components=0.95, threshold="3sigma",
                 seed: int = 2024, n_threads="auto"):
        self.window = window
        self.n_components = n_components
        self.threshold = threshold
        self.seed = seed
        self.n_threads = n_threads

    def _fit_windows(self, windows: np.ndarray) -> np.ndarray:
        decomposition = self._sklearn_part("sklearn.decomposition")

        if isinstance(self.n_components, (int, np.integer)) and not isinstance(
                self.n_components, bool):
            check_int(self.n_components, "n_components", 1)
        else:
            check_real(self.n_components, "n_components", 0.0, 1.0, low_open=True,
                       high_open=True)
        model = decomposition.PCA(n_components=self.n_components,
                                  random_state=self.seed).fit(windows)
        self.mean_, self.components_ = model.mean_, model.components_
        return self._score_windows(windows)

    def _score_windows(self, windows: np.ndarray) -> np.ndarray:
        """Mean squared reconstruction error per window."""
        centred = windows - self.mean_
        residual = centred - (centred @ self.components_.T) @ self.components_
        return np.mean(residual.astype(np.float64) ** 2, axis=1)

    def _model_state(self) -> Dict[str, Any]:
        return {"mean": self.mean_, "components": self.components_}

    def _restore_model(self, state: Dict[str, Any]) -> None:
        self.mean_, self.components_ = state["mean"], state["components"]


class KNN(WindowBaseline):
    """Mean distance to the nearest training windows (exact, brute force).

    Parameters: ``window``, ``n_neighbors``, ``threshold``, ``n_threads`` (BLAS and search
    threads). Attributes after ``fit``: ``train_windows_`` (n_windows, window * c) float32.
    """

    def __init__(self, window: int = 100, n_neighbors: int = 5, threshold="3sigma",
                 n_threads="auto"):
        self.window = window
        self.n_neighbors = n_neighbors
        self.threshold = threshold
        self.n_threads = n_threads

    def _index(self):
        neighbors = self._sklearn_part("sklearn.neighbors")

        return neighbors.NearestNeighbors(algorithm="brute", n_jobs=self._threads()).fit(
            self.train_windows_)

    def _fit_windows(self, windows: np.ndarray) -> np.ndarray:
        check_int(self.n_neighbors, "n_neighbors", 1)
        if windows.shape[0] <= self.n_neighbors:
            raise ValueError(f"n_neighbors={self.n_neighbors} needs more than that many "
                             f"training windows, X gives {windows.shape[0]}")
        self.train_windows_ = windows
        # the nearest neighbour of a training window is itself (distance 0): left out
        distances = self._index().kneighbors(windows, n_neighbors=self.n_neighbors + 1)[0]
        return distances[:, 1:].mean(axis=1)

    def _score_windows(self, windows: np.ndarray) -> np.ndarray:
        return self._index().kneighbors(windows, n_neighbors=self.n_neighbors)[0].mean(axis=1)

    def _model_state(self) -> Dict[str, Any]:
        return {"train_windows": self.train_windows_}

    def _restore_model(self, state: Dict[str, Any]) -> None:
        self.train_windows_ = state["train_windows"]
