"""Point-wise metrics for the anomaly class, equal to the scikit-learn calls TSB-AD 1.5 makes
(``roc_auc_score``, ``average_precision_score``, the F1 of ``precision_recall_curve``)."""
from __future__ import annotations

import numpy as np

from tsad_fast.metrics._inputs import check_pred_and_labels, check_score_and_labels


def _ranked_counts(labels: np.ndarray, score: np.ndarray):
    """True and false positives at each distinct threshold, highest first."""
    order = np.argsort(-score, kind="mergesort")
    ranked = score[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(ranked)), ranked.size - 1]
    tps = np.cumsum(labels[order], dtype=np.float64)[last_of_tie]
    fps = 1.0 + last_of_tie - tps
    return tps, fps


def _auc_roc(labels: np.ndarray, score: np.ndarray) -> float:
    tps, fps = _ranked_counts(labels, score)
    tpr = np.r_[0.0, tps / tps[-1]]
    fpr = np.r_[0.0, fps / fps[-1]]
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))


def _auc_pr(labels: np.ndarray, score: np.ndarray) -> float:
    tps, fps = _ranked_counts(labels, score)
    precision = tps / (tps + fps)
    recall = np.r_[0.0, tps / tps[-1]]
    return float(np.sum(np.diff(recall) * precision))


def _f1_of_pred(labels: np.ndarray, pred: np.ndarray) -> float:
    """F1 of boolean predictions (0 when nothing is predicted or nothing is hit)."""
    tp = float(np.count_nonzero(pred & (labels == 1)))
    return 0.0 if tp == 0 else 2 * tp / (np.count_nonzero(pred) + np.count_nonzero(labels))


def _oracle_f1(labels: np.ndarray, score: np.ndarray) -> float:
    """TSB-AD's oracle: the best ``2PR / (P + R + 1e-5)`` over all thresholds of score."""
    tps, fps = _ranked_counts(labels, score)
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    return float(np.max(2 * precision * recall / (precision + recall + 1e-5)))


def auc_roc(labels, score) -> float:
    """Area under the ROC curve (trapezoids over distinct thresholds, ties as one step)."""
    return _auc_roc(*check_score_and_labels(labels, score))


def auc_pr(labels, score) -> float:
    """Average precision: sum over distinct thresholds of (R_k - R_k-1) * P_k."""
    return _auc_pr(*check_score_and_labels(labels, score))


def point_f1(labels, score=None, pred=None) -> float:
    """F1 of the anomaly class.

    With ``pred`` (0/1, n): the F1 of those predictions (0 when nothing is predicted). Without:
    TSB-AD's oracle, the best ``2PR / (P + R + 1e-5)`` over all thresholds of ``score``.
    """
    if pred is not None:
        return _f1_of_pred(*check_pred_and_labels(labels, pred))
    if score is None:
        raise TypeError("point_f1 needs score (oracle threshold) or pred")
    return _oracle_f1(*check_score_and_labels(labels, score))
