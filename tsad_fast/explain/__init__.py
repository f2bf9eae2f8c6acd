"""Explanations of detector outputs: Shapley values (exact and Kernel SHAP), batched."""
from tsad_fast.explain.shapley import exact_shapley, kernel_shap

__all__ = ["exact_shapley", "kernel_shap"]
