"""``get_metrics``: a drop-in for TSB-AD 1.5's ``TSB_AD.evaluation.metrics.get_metrics``."""
from __future__ import annotations

from typing import Dict, Optional

import numpy as np

from tsad_fast._validation import as_float_array, check_int
from tsad_fast.metrics._inputs import check_score_and_labels
from tsad_fast.metrics.affiliation import affiliation_f1
from tsad_fast.metrics.events import event_scores
from tsad_fast.metrics.point import auc_pr, auc_roc, point_f1
from tsad_fast.metrics.vus import vus

KEYS = ("AUC-PR", "AUC-ROC", "VUS-PR", "VUS-ROC", "Standard-F1", "PA-F1", "Event-based-F1",
        "R-based-F1", "Affiliation-F")


def get_metrics(score, labels, slidingWindow: int = 100, pred: Optional[np.ndarray] = None,
                version: str = "opt", thre: int = 250, backend: str = "auto") -> Dict[str, float]:
    """The nine TSB-AD metrics of ``score`` against ``labels``, same keys and values.

    Parameters (TSB-AD's names and order)
    ----------
    score : array-like (n,), higher = more anomalous
    labels : array-like (n,) of 0/1, both classes present
    slidingWindow : int >= 0, the largest VUS buffer length
    pred : optional (n,) 0/1 predictions for the threshold-dependent metrics; without it each
        takes TSB-AD's oracle threshold
    version : "opt" or "opt_mem" (TSB-AD's two VUS implementations; same values here)
    thre : int >= 1, number of VUS thresholds
    backend : kernel backend for VUS and Affiliation

    Differences from TSB-AD, each where TSB-AD crashes or returns NaN: labels with no anomaly
    or no normal point, and score/labels/pred of different lengths raise ValueError;
    Affiliation-F is 0.0 (not NaN) when nothing is predicted.
    """
    if version not in ("opt", "opt_mem"):
        raise ValueError(f"version must be 'opt' or 'opt_mem', got {version!r}")
    labels, score = check_score_and_labels(labels, score)
    window = check_int(slidingWindow, "slidingWindow", 0)
    thre = check_int(thre, "thre", 1)
    if pred is not None and as_float_array(pred, "pred").size != score.size:
        raise ValueError(f"pred has {np.size(pred)} values but score has {score.size}")
    vus_roc, vus_pr = vus(labels, score, window, thre, backend=backend)
    threshold_dependent = dict(score=None, pred=pred) if pred is not None else dict(score=score)
    pa, event, range_based = event_scores(labels, **threshold_dependent)
    return {
        "AUC-PR": auc_pr(labels, score),
        "AUC-ROC": auc_roc(labels, score),
        "VUS-PR": vus_pr,
        "VUS-ROC": vus_roc,
        "Standard-F1": point_f1(labels, **threshold_dependent),
        "PA-F1": pa,
        "Event-based-F1": event,
        "R-based-F1": range_based,
        "Affiliation-F": affiliation_f1(labels, backend=backend, **threshold_dependent),
    }
