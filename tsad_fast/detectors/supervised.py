"""Supervised baselines beside Moon: what a user with the same labelled rows would train
instead, with the detectors' contract (``fit(X, y)``, ``decision_function`` = P(anomaly)).

Features of each timestamp t (:func:`window_features`): its row x_t and, over the window of
``window`` rows ending at t (the rows there are, before the first full window), the mean, the
standard deviation and x_t minus the mean: 4 C values, standardised with the training
statistics. Two classifiers read them:

* :class:`GradientBoosting`: scikit-learn's ``HistGradientBoostingClassifier``, kept after
  ``fit`` as its trees' padded node arrays (:mod:`.forests`), so it saves, loads and scores
  without pickle;
* :class:`Logistic`: a logistic regression (L2, ``C``), kept as its coefficients.

``class_weight="balanced"`` weights each class by the inverse of its frequency. ``threshold``
decides on P(anomaly): a number (default 0.5, the classifier's decision), ``"best-f1"`` (the
cut with the best F1 on the last ``validation_size`` of the rows, which the classifier does
not train on; on the training rows when ``validation_size`` is 0) or a thresholder.
"""
from __future__ import annotations

import abc
from typing import Any, Dict

import numpy as np

from tsad_fast._validation import as_series, check_int, check_labels, check_real
from tsad_fast.detectors.array_detector import ArrayDetector
from tsad_fast.detectors.forests import FIELDS, empty_forest, sum_of_leaves


def window_features(X: np.ndarray, window: int) -> np.ndarray:
    """(n, 4 c) float64 of X (n, c): ``[x_t, mean, std, x_t - mean]`` over rows
    ``max(0, t - window + 1) .. t``."""
    n = X.shape[0]
    X = X.astype(np.float64)
    sums = np.vstack([np.zeros((1, X.shape[1])), np.cumsum(X, axis=0)])
    squares = np.vstack([np.zeros((1, X.shape[1])), np.cumsum(X * X, axis=0)])
    stop = np.arange(1, n + 1)
    start = np.maximum(stop - window, 0)
    count = (stop - start)[:, None]
    mean = (sums[stop] - sums[start]) / count
    # the variance from running sums, clipped at 0 where rounding leaves it slightly negative
    std = np.sqrt(np.maximum((squares[stop] - squares[start]) / count - mean * mean, 0.0))
    return np.hstack([X, mean, std, X - mean])


class SupervisedBaseline(ArrayDetector):
    """Template: subclasses implement ``_fit_classifier(features, y, weights)``,
    ``_raw(features)`` (the log-odds of an anomaly), ``_model_state`` and ``_restore_model``."""

    supervised = True

    def _check_params(self) -> None:
        check_int(self.window, "window", 1)
        check_real(self.validation_size, "validation_size", 0.0, 1.0, high_open=True)
        if self.class_weight not in (None, "balanced"):
            raise ValueError(f"class_weight must be None or 'balanced', got "
                             f"{self.class_weight!r}")
        self._check_threads()

    @abc.abstractmethod
    def _fit_classifier(self, features: np.ndarray, y: np.ndarray, weights) -> None:
        """Fit on standardised features (n, 4 c), labels (n,) and sample weights (or None)."""

    @abc.abstractmethod
    def _raw(self, features: np.ndarray) -> np.ndarray:
        """The log-odds of an anomaly (n,) of standardised features."""

    def _features(self, X: np.ndarray) -> np.ndarray:
        return self.scaler_.transform(window_features(X, self.window))

    def fit(self, X, y=None):
        """Learn from X (n, c) and its labels y (n,) of 0 (normal) and 1 (anomaly), both
        present."""
        self._check_params()
        X = as_series(X, "X", min_length=2)
        if y is None:
            raise TypeError(f"{type(self).__name__} is supervised: fit(X, y) needs the labels y")
        y = check_labels(y, X.shape[0], "y", against="X").astype(np.int64)
        self.n_features_in_ = X.shape[1]
        n_fit = X.shape[0] - int(X.shape[0] * self.validation_size)
        if y[:n_fit].min() == y[:n_fit].max():
            raise ValueError(f"y holds only class {y[0]} in the {n_fit} rows before the last "
                             f"validation_size={self.validation_size} of X: nothing to learn "
                             "from; lower validation_size")
        features = window_features(X, self.window)
        features = self._fit_scaler(features[:n_fit]).transform(features)
        weights = None
        if self.class_weight == "balanced":
            counts = np.bincount(y[:n_fit], minlength=2)
            weights = (n_fit / (2.0 * counts))[y[:n_fit]]
        with self._thread_limits():
            self._fit_classifier(features[:n_fit], y[:n_fit], weights)
        self.decision_scores_ = self._probability(features)
        self._set_threshold(self.decision_scores_, y,
                            slice(n_fit, None) if n_fit < X.shape[0] else slice(None))
        return self

    def _probability(self, features: np.ndarray) -> np.ndarray:
        from scipy.special import expit

        return expit(self._raw(features))

    def _score(self, X: np.ndarray) -> np.ndarray:
        return self._probability(self._features(X))

    def _stream_scorer(self):
        from tsad_fast.streams import CausalScores

        return CausalScores(self.n_features_in_, self.window - 1,
                            lambda rows, start: self._probability(self._features(rows)[start:]))



class GradientBoosting(SupervisedBaseline):
    """Gradient-boosted trees (scikit-learn's histogram booster) on :func:`window_features`.

    Parameters: ``window`` (rows of the statistics, 10), ``max_iter`` (boosting rounds, 200),
    ``learning_rate`` (0.1), ``max_leaf_nodes`` (31), ``class_weight`` (None or
    ``"balanced"``), ``threshold`` (0.5), ``validation_size`` (0.0), ``seed``, ``n_threads``.

    Attributes after ``fit`` besides the contract's: ``forest_`` (the trees, :mod:`.forests`;
    a leaf's value is its contribution to the log-odds) and ``baseline_`` (the log-odds before
    the first tree).
    """

    def __init__(self, window: int = 10, max_iter: int = 200, learning_rate: float = 0.1,
                 max_leaf_nodes: int = 31, class_weight=None, threshold=0.5,
                 validation_size: float = 0.0, seed: int = 2024, n_threads="auto"):
        self.window = window
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.class_weight = class_weight
        self.threshold = threshold
        self.validation_size = validation_size
        self.seed = seed
        self.n_threads = n_threads

    def _fit_classifier(self, features, y, weights) -> None:
        ensemble = self._sklearn_part("sklearn.ensemble")

        check_int(self.max_iter, "max_iter", 1)
        check_int(self.max_leaf_nodes, "max_leaf_nodes", 2)
        check_real(self.learning_rate, "learning_rate", 0.0, np.inf, low_open=True,
                   high_open=True)
        model = ensemble.HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes, early_stopping=False,
            random_state=self.seed).fit(features, y, sample_weight=weights)
        trees = [predictors[0].nodes for predictors in model._predictors]
        self.forest_ = empty_forest(len(trees), max(nodes.size for nodes in trees))
        for t, nodes in enumerate(trees):
            m, leaf = nodes.size, nodes["is_leaf"].astype(bool)
            self.forest_["left"][t, :m] = np.where(leaf, -1, nodes["left"].astype(np.int64))
            self.forest_["right"][t, :m] = np.where(leaf, -1, nodes["right"].astype(np.int64))
            self.forest_["feature"][t, :m] = nodes["feature_idx"]
            self.forest_["split"][t, :m] = nodes["num_threshold"]
            self.forest_["value"][t, :m] = np.where(leaf, nodes["value"], 0.0)
        self.baseline_ = float(np.ravel(model._baseline_prediction)[0])

    def _raw(self, features: np.ndarray) -> np.ndarray:
        return self.baseline_ + sum_of_leaves(self.forest_, features)

    def _model_state(self) -> Dict[str, Any]:
        return {**self.forest_, "baseline": self.baseline_}

    def _restore_model(self, state: Dict[str, Any]) -> None:
        self.forest_ = {name: state[name] for name in FIELDS}
        self.baseline_ = float(state["baseline"])


class Logistic(SupervisedBaseline):
    """Logistic regression on :func:`window_features`.

    Parameters: ``window`` (10), ``C`` (inverse L2 strength, 1.0), ``class_weight`` (None or
    ``"balanced"``), ``threshold`` (0.5), ``validation_size`` (0.0), ``seed``, ``n_threads``.

    Attributes after ``fit`` besides the contract's: ``coef_`` (4 c,) and ``intercept_``.
    """

    def __init__(self, window: int = 10, C: float = 1.0, class_weight=None, threshold=0.5,
                 validation_size: float = 0.0, seed: int = 2024, n_threads="auto"):
        self.window = window
        self.C = C
        self.class_weight = class_weight
        self.threshold = threshold
        self.validation_size = validation_size
        self.seed = seed
        self.n_threads = n_threads

    def _fit_classifier(self, features, y, weights) -> None:
        linear_model = self._sklearn_part("sklearn.linear_model")

        check_real(self.C, "C", 0.0, np.inf, low_open=True, high_open=True)
        model = linear_model.LogisticRegression(C=self.C, max_iter=1000,
                                                random_state=self.seed).fit(
            features, y, sample_weight=weights)
        self.coef_, self.intercept_ = model.coef_[0].copy(), float(model.intercept_[0])

    def _raw(self, features: np.ndarray) -> np.ndarray:
        return features @ self.coef_ + self.intercept_

    def _model_state(self) -> Dict[str, Any]:
        return {"coef": self.coef_, "intercept": self.intercept_}

    def _restore_model(self, state: Dict[str, Any]) -> None:
        self.coef_, self.intercept_ = state["coef"], float(state["intercept"])
