"""TSB-AD adapters: ``run_<Model>(data_train, data_test, **HP)`` with the shape and meaning of
TSB-AD's own ``model_wrapper.run_*`` functions (raw scores, one per test timestamp; TSB-AD's
scripts min-max scale them afterwards). Unlike TSB-AD's wrapper, errors raise instead of being
returned as strings.
"""
from __future__ import annotations

import sys
import time

import numpy as np


def run_GBOC(data_train, data_test, window: int = 100, hidden: int = 32, n_layers: int = 2,
             **hp) -> np.ndarray:
    """Fit :class:`tsad_fast.GBOC` on ``data_train`` (n_train, c) and score ``data_test``
    (n_test, c); returns (n_test,) float64. Other GBOC parameters pass through ``hp``.

    Quiet by default, as TSB-AD's runners are (``verbose=0``; ``verbose=1`` shows the epoch
    bar), but one summary line goes to stderr: epochs, balls and times.
    """
    from tsad_fast.detectors import GBOC

    hp.setdefault("verbose", 0)
    clf = GBOC(window=window, hidden=hidden, n_layers=n_layers, **hp)
    start = time.perf_counter()
    clf.fit(data_train)
    fitted = time.perf_counter()
    scores = clf.decision_function(data_test).ravel()
    print(f"run_GBOC: {len(clf.history_)} of {clf.epochs} epochs, {clf.n_balls_} granular "
          f"balls; fit {fitted - start:.1f} s on {len(data_train)} rows, scored "
          f"{len(scores)} rows in {time.perf_counter() - fitted:.2f} s", file=sys.stderr)
    return scores
