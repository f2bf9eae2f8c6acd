"""Thresholder objects: how a detector turns scores into 0/1 decisions.

A thresholder learns from the training scores (``fit``) and gives the threshold for a scored
series (``threshold(scores)``); ``predict(scores)`` is ``scores > threshold(scores)``. Every
detector takes one as ``threshold=`` (the strings ``"3sigma"`` and ``"spot"`` still work) and
exposes the threshold learned on its training scores as ``threshold_``.

* :class:`ThreeSigma` — ``mean + 3 * std`` of the training scores (TSB-AD's main.py);
* :class:`Quantile` — the ``q`` quantile of the training scores;
* :class:`Fixed` — a given value;
* :class:`BestF1` — the cut with the best anomaly-class F1 on labelled scores (supervised
  detectors fit it on labelled rows: ``fit(scores, labels)``);
* :class:`SPOTThreshold` — SPOT (Siffer et al., KDD 2017) calibrated on the training scores.
  ``mode="fit"``: its extreme quantile z_q, fixed. ``mode="stream"``: the SCAN/CrossAD harness,
  SPOT run over the scored series and the threshold the mean of its per-point thresholds, so
  the threshold, and ``predict(X)``, depend on the scored series.

Thresholders are saved with detectors as plain values (``to_state`` / ``from_state``), never
pickled.
"""
from __future__ import annotations

import copy
import inspect
import math
import numbers
from typing import Any, Dict, Optional

import numpy as np

from tsad_fast._validation import (as_float_array, check_bool, check_int, check_labels,
                                   check_open_unit, check_real)
from tsad_fast.kernels.spot import named_spot


class Thresholder:
    """Base class: subclasses set ``threshold_`` in ``_fit`` (and may override ``threshold``);
    one with ``needs_labels`` learns from labelled scores in ``_fit_labelled``."""

    needs_labels = False

    def get_params(self, deep: bool = True) -> Dict[str, Any]:
        """The constructor's parameters (scikit-learn's convention; ``deep`` changes nothing:
        no parameter has parameters of its own)."""
        signature = inspect.signature(type(self).__init__).parameters.values()
        return {p.name: getattr(self, p.name) for p in signature
                if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}

    def set_params(self, **params) -> "Thresholder":
        """Set constructor parameters; a ValueError names one it lacks. Refit to use them."""
        valid = self.get_params()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"{type(self).__name__} has no parameter {key!r}; its "
                                 f"parameters: {', '.join(valid) or 'none'}")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def fit(self, scores, labels=None) -> "Thresholder":
        """Learn from the training scores (n,) (finite, at least one); ``labels`` (n,) of 0
        and 1 are read by a thresholder that ``needs_labels`` and ignored by the others."""
        self._check_params()
        scores = as_float_array(scores, "scores")
        if not self.needs_labels:
            self._fit(scores)
        elif labels is None:
            raise ValueError(f"{type(self).__name__} learns from labelled scores: fit(scores, "
                             "labels); only supervised detectors take it as threshold")
        else:
            self._fit_labelled(scores, check_labels(labels, scores.size, "labels"))
        return self

    def threshold(self, scores: Optional[np.ndarray] = None) -> float:
        """The threshold for the scored series ``scores`` (the fitted one when it does not
        depend on them, or when ``scores`` is None)."""
        self._check_fitted()
        return float(self.threshold_)

    def predict(self, scores) -> np.ndarray:
        """0/1 (n,) int64: 1 where a score exceeds ``threshold(scores)``."""
        scores = as_float_array(scores, "scores")
        return (scores > self.threshold(scores)).astype(np.int64)

    def _check_params(self) -> None:
        """Raise TypeError/ValueError naming a bad parameter."""

    def _fit(self, scores: np.ndarray) -> None:
        raise NotImplementedError

    def _check_fitted(self) -> None:
        if not hasattr(self, "threshold_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet; call fit(scores)")

    # --- persistence as plain values -----------------------------------------------------------
    def to_state(self) -> Dict[str, Any]:
        """Class name, parameters and fitted values, as plain Python values and arrays."""
        self._check_fitted()

        def plain(value):
            return value.item() if isinstance(value, np.generic) else value

        fitted = {k: plain(v) for k, v in vars(self).items() if k.endswith("_")}
        params = {k: plain(v) for k, v in self.get_params().items()}
        return {"name": type(self).__name__, "params": params, "fitted": fitted}

    @staticmethod
    def from_state(state: Dict[str, Any]) -> "Thresholder":
        """The thresholder ``to_state`` described (only the classes of this module)."""
        cls = _CLASSES.get(state.get("name"))
        if cls is None:
            raise ValueError(f"unknown thresholder {state.get('name')!r}")
        thresholder = cls(**state["params"])
        for key, value in state["fitted"].items():
            setattr(thresholder, key, value)
        return thresholder


def finite(threshold: float, rule: str) -> float:
    """``threshold``, refused where ``rule`` overflowed float64 on the training scores."""
    if not math.isfinite(threshold):
        raise ValueError(f"scores: values too large: {rule} of the scores overflows float64; "
                         "rescale them")
    return threshold


class ThreeSigma(Thresholder):
    """``mean + 3 * std`` (population std) of the training scores."""

    def _fit(self, scores):
        with np.errstate(over="ignore", invalid="ignore"):
            self.threshold_ = finite(float(scores.mean() + 3.0 * scores.std()), "mean + 3 * std")


class Quantile(Thresholder):
    """The ``q`` quantile (0 < q < 1) of the training scores: a share ``1 - q`` of them
    lies above it."""

    def __init__(self, q: float = 0.99):
        self.q = q

    def _check_params(self):
        check_open_unit(self.q, "q")

    def _fit(self, scores):
        with np.errstate(over="ignore", invalid="ignore"):  # interpolating across the span
            self.threshold_ = finite(float(np.quantile(scores, self.q)), "the quantile")


class Fixed(Thresholder):
    """A given threshold ``value``; fitting changes nothing."""

    def __init__(self, value: float):
        self.value = value

    def _check_params(self):
        check_real(self.value, "value", -math.inf, math.inf, True, True)

    def _fit(self, scores):
        self.threshold_ = float(self.value)


class BestF1(Thresholder):
    """The cut with the best anomaly-class F1 of ``scores > cut`` on labelled scores: midway
    between the lowest score it flags and the next lower score (just below the lowest score
    when it flags them all)."""

    needs_labels = True

    def _fit_labelled(self, scores, labels):
        from tsad_fast.metrics.point import _ranked_counts

        tps, fps = _ranked_counts(labels, scores)
        best = int(np.argmax(2 * tps / (tps + fps + tps[-1])))
        distinct = np.unique(scores)[::-1]  # highest first, as the counts
        flagged = distinct[best]
        below = np.nextafter(flagged, -np.inf)  # the cut when no midpoint lies strictly below
        cut = flagged / 2 + distinct[best + 1] / 2 if best + 1 < distinct.size else below
        self.threshold_ = float(cut if cut < flagged else below)


class SPOTThreshold(Thresholder):
    """SPOT calibrated on the training scores (risk ``q``, initial threshold at ``level``).

    mode="fit": ``threshold_`` is the extreme quantile z_q of the training scores, fixed.
    mode="stream": the SCAN/CrossAD harness, SPOT initialised on the training scores and run
    over the scored series; the threshold is the mean of its per-point thresholds, so it
    depends on the scored series (``threshold_`` is that of the training scores themselves).
    ``n_points``, ``compat`` and ``backend`` as in :func:`tsad_fast.kernels.spot`.
    """

    def __init__(self, q: float = 1e-3, level: float = 0.98, mode: str = "fit",
                 n_points: int = 10, compat: bool = False, backend: str = "auto"):
        self.q = q
        self.level = level
        self.mode = mode
        self.n_points = n_points
        self.compat = compat
        self.backend = backend

    def _check_params(self):
        check_open_unit(self.q, "q")
        check_open_unit(self.level, "level")
        check_int(self.n_points, "n_points", 1)
        check_bool(self.compat, "compat")
        if self.mode not in ("fit", "stream"):
            raise ValueError(f"mode must be 'fit' or 'stream', got {self.mode!r}")

    def _run(self, stream: np.ndarray):
        return named_spot(self.init_scores_, stream, ("training scores", "scores"), q=self.q,
                          level=self.level, n_points=self.n_points, depth=0, two_sided=False,
                          with_alarm=True, compat=self.compat, backend=self.backend)

    def _fit(self, scores):
        self.init_scores_ = scores.copy()
        if self.mode == "fit":
            self.threshold_ = float(self._run(np.empty(0)).upper_tail.initial_quantile)
        else:
            self.threshold_ = self._run(scores).threshold

    def threshold(self, scores=None):
        self._check_fitted()
        if self.mode == "fit" or scores is None:
            return float(self.threshold_)
        return self._run(as_float_array(scores, "scores")).threshold


_CLASSES = {cls.__name__: cls for cls in (ThreeSigma, Quantile, Fixed, BestF1, SPOTThreshold)}
_NAMES = {"3sigma": ThreeSigma, "spot": SPOTThreshold, "best-f1": BestF1,
          "spot-stream": lambda: SPOTThreshold(mode="stream")}


def as_thresholder(value: Any, name: str = "threshold") -> Thresholder:
    """A fresh, unfitted thresholder from a detector's ``threshold`` parameter: a Thresholder
    (copied, so the caller's object is never fitted in place) or one of the strings
    ``"3sigma"`` (:class:`ThreeSigma`), ``"spot"`` (:class:`SPOTThreshold` with its
    defaults), ``"spot-stream"`` (the same in ``mode="stream"``, SPOT running on over the
    scored series) and ``"best-f1"`` (:class:`BestF1`), or a number (:class:`Fixed`)."""
    if isinstance(value, Thresholder):
        fresh = copy.copy(value)
        for key in [k for k in vars(fresh) if k.endswith("_")]:
            delattr(fresh, key)
        fresh._check_params()
        return fresh
    if isinstance(value, str) and value in _NAMES:
        return _NAMES[value]()
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        fixed = Fixed(float(value))
        fixed._check_params()
        return fixed
    raise ValueError(f"{name} must be a Thresholder (ThreeSigma(), Quantile(q), Fixed(value), "
                     f"SPOTThreshold(...)), a number (Fixed) or one of {sorted(_NAMES)}, got "
                     f"{value!r}")
