"""Explanations of detector outputs: Shapley values (exact and Kernel SHAP), batched, and
anomaly reports."""
from tsad_fast.explain.report import write_report
from tsad_fast.explain.shapley import exact_shapley, kernel_shap

__all__ = ["exact_shapley", "kernel_shap", "write_report"]
