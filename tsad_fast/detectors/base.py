"""The detector contract shared by every model (PyOD ``BaseDetector`` / TSB-AD).

* ``__init__`` only stores parameters; ``fit(X)`` learns and sets ``decision_scores_`` (the
  training scores, one per timestamp), ``threshold_`` (the thresholder of the ``threshold``
  parameter fitted on those scores, see :mod:`tsad_fast.thresholds`), ``labels_`` (0/1 on the
  training data) and ``n_features_in_``.
* ``decision_function(X)`` returns one score per timestamp, higher = more anomalous, and never
  changes the detector; ``predict(X)`` is ``decision_function(X) > threshold`` as 0/1, with the
  threshold the thresholder gives for those scores (fixed, or computed from them for a
  streaming SPOT).
* ``save(path)`` writes the parameters and the learned state (arrays, tensors and plain
  Python values only) and ``load(path)`` reads them back without pickle, so a file from an
  untrusted source cannot run code (:mod:`.persistence`: the format, its SHA-256 over the
  content, the atomic write). ``load`` raises ValueError for a file it cannot read
  (truncated, damaged, holding pickled objects, another class or format).
"""
from __future__ import annotations

import abc
import contextlib
import copy
import inspect
from pathlib import Path
from typing import Any, Dict, Union

import numpy as np

from tsad_fast._validation import as_series
from tsad_fast.detectors import persistence
from tsad_fast.thresholds import Thresholder, as_thresholder



class NotFittedError(ValueError, AttributeError):
    """The detector is used before ``fit`` (same bases as scikit-learn's)."""


def resolve_device(device: str) -> str:
    """``"auto"`` -> ``"cuda"`` when torch sees a GPU, else ``"cpu"``; an explicit ``"cuda"``
    without a GPU raises."""
    import torch

    if device not in ("auto", "cpu", "cuda"):
        raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', got {device!r}")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was requested but torch sees no CUDA device")
    return device


def to_numpy(value: Any) -> Any:
    """Tensors inside dicts, lists and tuples as NumPy arrays (a file of format 3 or older
    holds its arrays as tensors)."""
    if hasattr(value, "numpy") and hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    if isinstance(value, dict):
        return {k: to_numpy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_numpy(v) for v in value)
    return value


def _plain_params(params: Dict[str, Any]) -> Dict[str, Any]:
    """Constructor parameters as plain values a detector file holds: ranges as lists, NumPy
    scalars as Python numbers, thresholders as their name and parameters."""
    out = {}
    for key, value in params.items():
        if isinstance(value, range):
            value = list(value)
        elif isinstance(value, np.generic):
            value = value.item()
        elif isinstance(value, Thresholder):
            value = {"thresholder": type(value).__name__,
                     "params": _plain_params(value.get_params())}
        elif isinstance(value, (list, tuple)):
            value = type(value)(v.item() if isinstance(v, np.generic) else v for v in value)
        out[key] = value
    return out


def _rebuilt_params(params: Dict[str, Any]) -> Dict[str, Any]:
    out = dict(params)
    for key, value in params.items():
        if isinstance(value, dict) and set(value) == {"thresholder", "params"}:
            out[key] = Thresholder.from_state({"name": value["thresholder"],
                                               "params": value["params"], "fitted": {}})
    return out


def params_of(obj: Any, deep: bool) -> Dict[str, Any]:
    """The constructor parameters of ``obj`` (scikit-learn's ``get_params``)."""
    signature = inspect.signature(type(obj).__init__).parameters.values()
    out = {p.name: getattr(obj, p.name) for p in signature
           if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    if deep:
        for name, value in list(out.items()):
            if hasattr(value, "get_params") and not isinstance(value, type):
                out.update({f"{name}__{k}": v for k, v in value.get_params().items()})
    return out


def set_params_of(obj: Any, params: Dict[str, Any]) -> Any:
    """scikit-learn's ``set_params`` on ``obj``: a ValueError names a parameter it lacks."""
    valid = params_of(obj, deep=False)
    nested: Dict[str, Dict[str, Any]] = {}
    for key, value in params.items():
        name, _, sub = key.partition("__")
        if name not in valid:
            raise ValueError(f"{type(obj).__name__} has no parameter {name!r}; its parameters: "
                             f"{', '.join(valid)}")
        if sub:
            nested.setdefault(name, {})[sub] = value
        else:
            setattr(obj, name, value)
            valid[name] = value
    for name, sub_params in nested.items():
        owner = valid[name]
        if name == "threshold" and not hasattr(owner, "set_params"):
            owner = as_thresholder(owner)  # a rule given by name or number: its object
        if not hasattr(owner, "set_params"):
            raise ValueError(f"{type(obj).__name__}'s parameter {name!r} ({owner!r}) has no "
                             "parameters of its own")
        # a copy: a default instance shared by every detector of the class is never changed
        setattr(obj, name, copy.copy(owner).set_params(**sub_params))
    return obj


class BaseDetector(abc.ABC):
    """Template for the detectors: subclasses implement ``fit``, ``_score`` and the pair
    ``_state`` / ``_restore`` (everything learned, to save and load); a class that lacks one
    cannot be instantiated (TypeError naming it).

    ``supervised`` (class-level): whether ``fit(X, y)`` learns from labels ``y`` (Moon and the
    supervised baselines) or ignores them.
    """

    supervised = False

    @abc.abstractmethod
    def fit(self, X, y=None):
        """Learn from X (n, c) (and labels y for a supervised detector); returns self."""

    @abc.abstractmethod
    def _score(self, X: np.ndarray) -> np.ndarray:
        """Scores (n,) of the validated series X (n, c)."""

    @abc.abstractmethod
    def _state(self) -> Dict[str, Any]:
        """Everything learned, as arrays, tensors and plain values."""

    @abc.abstractmethod
    def _restore(self, state: Dict[str, Any]) -> None:
        """Set the fitted attributes from ``_state``'s dict."""

    def get_params(self, deep: bool = True) -> Dict[str, Any]:
        """The constructor's parameters; with ``deep``, also those of a parameter that has
        its own (a thresholder) as ``name__param`` (scikit-learn's convention, so
        ``sklearn.base.clone`` and meta-estimators work)."""
        return params_of(self, deep)

    def set_params(self, **params) -> "BaseDetector":
        """Set constructor parameters (``name`` or ``name__param`` of a parameter's own), as
        scikit-learn's ``set_params``; returns the detector. Refit to take effect."""
        return set_params_of(self, params)

    def _check_fitted(self) -> None:
        if not hasattr(self, "threshold_"):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit first")

    def _check_features(self, X: np.ndarray) -> None:
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} channels but {type(self).__name__} was "
                             f"fitted with {self.n_features_in_}")

    def _check_threshold_labels(self, labels, rows=slice(None)) -> None:
        """ValueError unless a thresholder that learns from labels can: labels given, both
        classes among ``rows`` (called before training too, so a doomed fit stops at once)."""
        if not as_thresholder(self.threshold).needs_labels:
            return
        if labels is None:
            raise ValueError(f"threshold={self.threshold!r} learns from labels; "
                             f"{type(self).__name__} is unsupervised")
        held = np.asarray(labels)[rows]
        if held.size and held.min() == held.max():
            raise ValueError(f"threshold={self.threshold!r} needs both classes in the labelled "
                             f"rows it is fitted on, the {held.size} held-out rows hold only "
                             f"class {int(held[0])}; change validation_size")

    def _set_threshold(self, scores: np.ndarray, labels=None, rows=slice(None)) -> None:
        """Fit the thresholder on the training scores (one that needs labels: on ``scores`` and
        ``labels`` of ``rows``, a supervised detector's held-out rows); set ``threshold_`` and
        ``labels_``."""
        thresholder = as_thresholder(self.threshold)
        if thresholder.needs_labels:
            self._check_threshold_labels(labels, rows)
            self.thresholder_ = thresholder.fit(scores[rows], labels[rows])
        else:
            self.thresholder_ = thresholder.fit(scores)
        self.threshold_ = self.thresholder_.threshold_
        self.labels_ = (scores > self.threshold_).astype(np.int64)

    def decision_function(self, X) -> np.ndarray:
        """Anomaly score per timestamp (n,) float64, higher = more anomalous."""
        self._check_fitted()
        X = as_series(X, "X")
        self._check_features(X)
        return self._score(X)

    def predict(self, X) -> np.ndarray:
        """0/1 per timestamp (n,) int64: 1 where the score exceeds the threshold for these
        scores (``threshold_`` unless the thresholder depends on the scored series)."""
        return self.thresholder_.predict(self.decision_function(X))

    def fit_predict(self, X, y=None) -> np.ndarray:
        return self.fit(X, y).labels_

    # --- streams -----------------------------------------------------------------------------
    def stream(self):
        """A :class:`tsad_fast.streams.Stream` of this fitted detector: ``update(rows)``
        scores rows as they arrive, ``flush()`` ends the stream; the scores equal
        ``decision_function`` of the whole series."""
        from tsad_fast.streams import Stream

        return Stream(self)

    def _stream_scorer(self):
        """The :class:`tsad_fast.streams.Scorer` that gives this detector's scores row by
        row."""
        raise TypeError(f"{type(self).__name__} does not score streams")

    def _scoring(self, rows=None):
        """The context (thread limits) that scoring runs in; ``rows``: the rows of a stream's
        update (``_one_thread`` tells whether so few run on one thread)."""
        return contextlib.nullcontext()

    def _one_thread(self, rows) -> bool:
        """Whether a stream's update of ``rows`` rows scores on one thread: a detector with
        ``n_threads="auto"`` and at most the configured ``stream_one_thread_rows``."""
        from tsad_fast.config import get_config

        return rows is not None and getattr(self, "n_threads", None) == "auto" and \
            rows <= get_config()["stream_one_thread_rows"]

    # --- persistence -------------------------------------------------------------------------
    def save(self, path: Union[str, Path]) -> None:
        """Write the parameters and the learned state to ``path`` (:mod:`.persistence`)."""
        persistence.write(path, self._payload())

    def _payload(self) -> Dict[str, Any]:
        """What ``save`` writes: format, class, parameters and learned state."""
        self._check_fitted()
        return {
            "format": persistence.FORMAT,
            "format_version": persistence.VERSION,
            "class": type(self).__name__,
            "params": _plain_params(self.get_params(deep=False)),
            "state": {**self._state(), "thresholder": self.thresholder_.to_state()},
        }

    @classmethod
    def load(cls, path: Union[str, Path]):
        """Read a detector written by ``save``; refuses files of another class or format."""
        return cls._from_payload(persistence.read(path), path)

    @classmethod
    def _from_payload(cls, payload: Dict[str, Any], path: Union[str, Path]):
        """The detector of a payload ``_payload`` wrote (read from ``path``, named in errors)."""
        version = payload.get("format_version")
        if version == 1:
            payload = cls._upgrade_v1(payload)
        elif version not in (2, 3, persistence.VERSION):
            raise ValueError(f"{path}: format version {version!r} is not supported (this "
                             f"tsad_fast reads 1 to {persistence.VERSION})")
        if payload.get("class") != cls.__name__:
            raise ValueError(f"{path} holds a {payload.get('class')}, not a {cls.__name__}")
        try:  # a damaged file of the formats without a digest (1, 2) may fail here
            detector = cls(**cls._upgrade_params(_rebuilt_params(payload["params"])))
            state = payload["state"]
            detector.thresholder_ = Thresholder.from_state(to_numpy(state["thresholder"]))
            detector.threshold_ = detector.thresholder_.threshold_
            detector._restore(state)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, RuntimeError) as exc:
            raise ValueError(f"{path}: the detector cannot be rebuilt from this file "
                             f"({type(exc).__name__}: {exc})") from exc
        detector.labels_ = (detector.decision_scores_ > detector.threshold_).astype(np.int64)
        return detector

    @classmethod
    def _upgrade_params(cls, params: Dict[str, Any]) -> Dict[str, Any]:
        """The constructor parameters of a file written by an earlier version of the class
        (a subclass whose parameters changed maps the old ones here)."""
        return params

    @classmethod
    def _upgrade_v1(cls, payload: Dict[str, Any]) -> Dict[str, Any]:
        """A version-1 file (a float threshold; GBOC's SPOT settings as spot_q / spot_level)
        in the current layout."""
        params = dict(payload["params"])
        rule = params.pop("threshold", None)
        q, level = params.pop("spot_q", 1e-3), params.pop("spot_level", 0.98)
        if rule == "spot":
            name, rule_params = "SPOTThreshold", {"q": q, "level": level}
        elif rule == "3sigma":
            name, rule_params = "ThreeSigma", {}
        else:  # a detector with a fixed decision threshold (Moon's 0.5, not saved in v1)
            name, rule_params = "Fixed", {"value": float(payload["state"].get("threshold", 0.5))}
        params["threshold"] = {"thresholder": name, "params": rule_params}
        fitted = {"threshold_": float(payload["state"].get("threshold", 0.5))}
        return {**payload, "format_version": persistence.VERSION, "params": params,
                "state": {**payload["state"], "thresholder": {"name": name, "params": rule_params,
                                                              "fitted": fitted}}}
