"""Evaluation metrics, drop-in equal to TSB-AD 1.5 (SPEC 1.5), anomaly class positive.

Argument order follows scikit-learn: ``(labels, score, ...)``.
"""
from tsad_fast.metrics.events import event_f1, pa_f1, range_f1
from tsad_fast.metrics.point import auc_pr, auc_roc, point_f1
from tsad_fast.metrics.vus import vus, vus_curves, vus_pr, vus_roc

__all__ = ["auc_pr", "auc_roc", "event_f1", "pa_f1", "point_f1", "range_f1", "vus", "vus_curves",
           "vus_pr", "vus_roc"]
