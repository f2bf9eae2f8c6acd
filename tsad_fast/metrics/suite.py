"""``get_metrics``: a drop-in for TSB-AD 1.5's ``TSB_AD.evaluation.metrics.get_metrics``."""
from __future__ import annotations

import warnings
from typing import Callable, Dict, Optional

import numpy as np

from tsad_fast._validation import as_float_array, check_int, check_labels
from tsad_fast.kernels.device import to_host
from tsad_fast.kernels.vus import vus_areas_unchecked
from tsad_fast.metrics._inputs import check_pred, is_boolean, oracle_thresholds
from tsad_fast.metrics.affiliation import best_affiliation_f1
from tsad_fast.metrics.events import best_event_scores, oracle_predictions
from tsad_fast.metrics.point import _auc_pr, _auc_roc, _f1_of_pred, _oracle_f1
from tsad_fast.metrics.vus import mean_area

KEYS = ("AUC-PR", "AUC-ROC", "VUS-PR", "VUS-ROC", "Standard-F1", "PA-F1", "Event-based-F1",
        "R-based-F1", "Affiliation-F")


def get_metrics(score, labels, slidingWindow: int = 100, pred: Optional[np.ndarray] = None,
                version: str = "opt", thre: int = 250, backend: str = "auto", *,
                progress: Optional[Callable[[str], None]] = None) -> Dict[str, float]:
    """The nine TSB-AD metrics of ``score`` against ``labels``, same keys and values; the
    arguments are TSB-AD's, in its order.

    Parameters
    ----------
    score : array-like (n,), higher = more anomalous (GPU arrays are copied to the host once)
    labels : array-like (n,) of 0/1, both classes present
    slidingWindow : int >= 0, the largest VUS buffer length
    pred : optional (n,) 0/1 predictions for the threshold-dependent metrics; without it each
        takes TSB-AD's oracle threshold. A boolean ``pred`` gets TSB-AD's R-based-F1 for
        booleans (see :mod:`tsad_fast.metrics.events`), as TSB-AD's own ``main.py`` passes it.
    version : "opt" or "opt_mem" (TSB-AD's two VUS implementations; same values here)
    thre : int >= 1, number of VUS thresholds
    backend : kernel backend for VUS and Affiliation ("cuda": VUS on the GPU, Affiliation, which
        has no CUDA kernel, on the fastest CPU backend)
    progress : optional callable, given a one-line description before each stage (for long
        evaluations; the CLI prints them with their timings)

    Notes
    -----
    Every argument is validated once here. Differences from TSB-AD, each where TSB-AD crashes
    or returns NaN: labels with no anomaly or no normal point and arrays of different lengths
    raise ValueError; Affiliation-F is 0.0 (not NaN) when nothing is predicted. Two windows
    TSB-AD accepts silently give its values with a ``UserWarning``: ``slidingWindow=0`` (what
    TSB-AD's ``find_length_rank`` returns for multivariate data) and a window longer than the
    series (which :func:`tsad_fast.metrics.vus` and the ``vus_areas`` kernel refuse).
    """
    if version not in ("opt", "opt_mem"):
        raise ValueError(f"version must be 'opt' or 'opt_mem', got {version!r}")
    labels, pred = to_host(labels), to_host(pred)
    boolean_labels = is_boolean(labels)
    score = as_float_array(to_host(score), "score")
    labels = check_labels(labels, score.size)
    window = check_int(slidingWindow, "slidingWindow", 0)
    if window == 0:
        warnings.warn("slidingWindow=0: VUS reduces to the range AUC without buffers; TSB-AD's "
                      "find_length_rank returns 0 for multivariate data (tsad_fast.metrics."
                      "find_length_rank uses the first channel)", UserWarning, stacklevel=2)
    elif window > score.size:
        warnings.warn(f"slidingWindow={window} is longer than the series ({score.size} points): "
                      "every buffer covers the whole series and the VUS cost grows with the "
                      "square of the window (tsad_fast.metrics.vus refuses it)", UserWarning,
                      stacklevel=2)
    thre = check_int(thre, "thre", 1)
    boolean_pred = pred is not None and is_boolean(pred)
    predictions = None if pred is None else [check_pred(pred, score.size)]
    say = progress or (lambda message: None)

    say(f"VUS: {window + 1} buffer lengths x {thre} thresholds over {score.size} points")
    roc, pr = vus_areas_unchecked(labels, score, window, thre, backend)
    say("AUC-ROC, AUC-PR, Standard-F1")
    result = {"AUC-PR": _auc_pr(labels, score), "AUC-ROC": _auc_roc(labels, score),
              "VUS-PR": mean_area(pr), "VUS-ROC": mean_area(roc),
              "Standard-F1": (_oracle_f1(labels, score) if predictions is None
                              else _f1_of_pred(labels, predictions[0]))}
    say("PA-F1, Event-based-F1, R-based-F1" + (" (100 thresholds)" if pred is None else ""))
    pa, event, range_based = best_event_scores(
        labels, oracle_predictions(score) if predictions is None else predictions,
        boolean_labels, boolean_pred)
    result.update({"PA-F1": pa, "Event-based-F1": event, "R-based-F1": range_based})
    say("Affiliation-F" + (" (100 thresholds)" if pred is None else ""))
    if predictions is None:
        values, thresholds = score, oracle_thresholds(score)
    else:
        values, thresholds = predictions[0].astype(np.float64), np.array([0.5])
    cpu_backend = "auto" if backend == "cuda" else backend
    result["Affiliation-F"] = best_affiliation_f1(labels, values, thresholds, cpu_backend)
    return {key: result[key] for key in KEYS}
