"""Evaluation metrics, drop-in equal to TSB-AD 1.5 (Liu & Paparrizos, NeurIPS 2024), anomaly class
positive.

Argument order follows scikit-learn, ``(labels, score, ...)``, except :func:`get_metrics`, which
keeps TSB-AD's ``(score, labels, ...)`` so that it drops into existing harnesses. The compiled
work (VUS areas, the affiliation sweep) is done by the kernels of :mod:`tsad_fast.kernels`.
"""
from tsad_fast.metrics.affiliation import affiliation_f1
from tsad_fast.metrics.events import event_f1, pa_f1, range_f1
from tsad_fast.metrics.interpretation import hit_rate_at_p, ndcg_at_p
from tsad_fast.metrics.period import find_length_rank
from tsad_fast.metrics.point import auc_pr, auc_roc, point_f1
from tsad_fast.metrics.suite import get_metrics
from tsad_fast.metrics.vus import range_auc, vus, vus_curves, vus_pr, vus_roc

__all__ = [
    "affiliation_f1", "auc_pr", "auc_roc", "event_f1", "find_length_rank", "get_metrics",
    "hit_rate_at_p", "ndcg_at_p", "pa_f1", "point_f1", "range_auc", "range_f1", "vus",
    "vus_curves", "vus_pr", "vus_roc",
]
