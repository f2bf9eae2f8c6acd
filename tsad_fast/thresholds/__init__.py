"""Thresholds: from anomaly scores to 0/1 decisions.

* :mod:`.rules` — thresholder objects a detector takes as ``threshold=``: ``ThreeSigma``,
  ``Quantile``, ``Fixed``, ``BestF1`` (supervised) and ``SPOTThreshold`` (fixed from the
  training scores, or the SCAN/CrossAD streaming harness that depends on the scored series);
* :mod:`.spot` — SPOT over a stream on its own (``SPOT``, ``biSPOT``, ``dSPOT``,
  ``bidSPOT``, the reference's workflow with the correct likelihood) and
  :func:`spot_thresholds`; :mod:`tsad_fast.compat.spot` is the same classes with the
  reference's signatures, for code written against it.
"""
from tsad_fast.thresholds.rules import (BestF1, Fixed, Quantile, SPOTThreshold, ThreeSigma,
                                        Thresholder, as_thresholder)
from tsad_fast.thresholds.spot import SPOT, SpotResult, biSPOT, bidSPOT, dSPOT, spot_thresholds

__all__ = ["Thresholder", "ThreeSigma", "Quantile", "Fixed", "BestF1", "SPOTThreshold",
           "as_thresholder",
           "SPOT", "biSPOT", "dSPOT", "bidSPOT", "spot_thresholds", "SpotResult"]
