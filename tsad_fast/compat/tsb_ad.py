"""TSB-AD adapters: ``run_<Model>(data_train, data_test, **HP)`` with the shape and meaning of
TSB-AD's own ``model_wrapper.run_*`` functions (raw scores, one per test timestamp; TSB-AD's
scripts min-max scale them afterwards). Unlike TSB-AD's wrapper, errors raise instead of being
returned as strings.

Quiet by default, as TSB-AD's runners are (``verbose=0``; ``verbose=1`` shows the epoch bar),
but each prints one summary line to stderr: epochs, model details and times.
"""
from __future__ import annotations

import sys
import time
from typing import Callable

import numpy as np

from tsad_fast.compat.accelerate import accelerate  # noqa: F401  (tsb_ad.accelerate())


def _fit_and_score(cls, data_train, data_test, hp: dict,
                   details: Callable = lambda model: "", label_train=None) -> np.ndarray:
    hp.setdefault("verbose", 0)
    model = cls(**hp)
    start = time.perf_counter()
    model.fit(data_train, label_train)
    fitted = time.perf_counter()
    scores = model.decision_function(data_test).ravel()
    epochs = len({entry["epoch"] for entry in model.history_})
    print(f"run_{cls.__name__}: {epochs} of {model.epochs} epochs{details(model)}; "
          f"fit {fitted - start:.1f} s on {len(data_train)} rows, scored {len(scores)} rows in "
          f"{time.perf_counter() - fitted:.2f} s", file=sys.stderr)
    return scores


def run_GBOC(data_train, data_test, **hp) -> np.ndarray:
    """Fit :class:`tsad_fast.GBOC` (its defaults: the authors' configuration) on
    ``data_train`` (n_train, c) and score ``data_test`` (n_test, c); returns (n_test,) float64.
    GBOC parameters pass through ``hp``."""
    from tsad_fast.detectors import GBOC

    return _fit_and_score(GBOC, data_train, data_test, hp,
                          lambda model: f", {model.n_balls_} granular balls")


def run_SCAN(data_train, data_test, window: int = 2500, n_clusters: int = 10,
             **hp) -> np.ndarray:
    """Fit :class:`tsad_fast.SCAN` on ``data_train`` (n_train, c) and score ``data_test``
    (n_test, c); returns (n_test,) float64. Other SCAN parameters pass through ``hp``."""
    from tsad_fast.detectors import SCAN

    return _fit_and_score(SCAN, data_train, data_test,
                          dict(window=window, n_clusters=n_clusters, **hp))


def run_MSUTNet(data_train, data_test, window: int = 100, **hp) -> np.ndarray:
    """Fit :class:`tsad_fast.MSUTNet` on ``data_train`` (n_train, c) and score ``data_test``
    (n_test, c); returns (n_test,) float64. Other MSUTNet parameters pass through ``hp``."""
    from tsad_fast.detectors import MSUTNet

    return _fit_and_score(MSUTNet, data_train, data_test, dict(window=window, **hp))


def run_Moon(data_train, label_train, data_test, **hp) -> np.ndarray:
    """Fit the supervised :class:`tsad_fast.Moon` on ``data_train`` (n_train, c) with its 0/1
    labels ``label_train`` (n_train,) and score ``data_test`` (n_test, c); returns (n_test,)
    float64, P(anomaly) per timestamp. Moon's parameters pass through ``hp``."""
    from tsad_fast.detectors import Moon

    return _fit_and_score(Moon, data_train, data_test, dict(hp), label_train=label_train)
