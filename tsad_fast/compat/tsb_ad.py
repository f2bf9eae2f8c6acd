"""TSB-AD adapters: ``run_<Model>(data_train, data_test, **HP)`` with the shape and meaning of
TSB-AD's own ``model_wrapper.run_*`` functions (raw scores, one per test timestamp; TSB-AD's
scripts min-max scale them afterwards). Unlike TSB-AD's wrapper, errors raise instead of being
returned as strings.
"""
from __future__ import annotations

import numpy as np


def run_GBOC(data_train, data_test, window: int = 100, hidden: int = 32, n_layers: int = 2,
             **hp) -> np.ndarray:
    """Fit :class:`tsad_fast.GBOC` on ``data_train`` (n_train, c) and score ``data_test``
    (n_test, c); returns (n_test,) float64. Other GBOC parameters pass through ``hp``
    (``verbose`` defaults to 0 here)."""
    from tsad_fast.detectors import GBOC

    hp.setdefault("verbose", 0)
    clf = GBOC(window=window, hidden=hidden, n_layers=n_layers, **hp)
    clf.fit(data_train)
    return clf.decision_function(data_test).ravel()
