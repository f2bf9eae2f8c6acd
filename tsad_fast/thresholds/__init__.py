"""Thresholds: from anomaly scores to 0/1 decisions.

* :mod:`.rules` — thresholder objects a detector takes as ``threshold=``: ``ThreeSigma``,
  ``Quantile``, ``Fixed``, ``BestF1`` (supervised) and ``SPOTThreshold`` (fixed from the
  training scores, or the SCAN/CrossAD streaming harness that depends on the scored series);
* :mod:`.spot` — :func:`spot_thresholds`, SPOT's thresholds of scores in one call.

SPOT over a stream step by step (the reference ``spot.py``'s ``SPOT``, ``biSPOT``, ``dSPOT``,
``bidSPOT``) is :mod:`tsad_fast.compat.spot`; the names here are deprecated aliases.
"""
from tsad_fast.thresholds import spot as _spot
from tsad_fast.thresholds.rules import (BestF1, Fixed, Quantile, SPOTThreshold, ThreeSigma,
                                        Thresholder, as_thresholder)
from tsad_fast.thresholds.spot import SpotResult, spot_thresholds

__all__ = ["Thresholder", "ThreeSigma", "Quantile", "Fixed", "BestF1", "SPOTThreshold",
           "as_thresholder", "spot_thresholds", "SpotResult"]


def __getattr__(name):
    if name in _spot.DEPRECATED:
        return _spot.deprecated_class(name, __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
