"""Explanations of detector outputs: Shapley values (exact and Kernel SHAP, batched), the
two-modality explainer of Moon (fused SHAP, expected gradients, critical point, anomaly types)
and anomaly reports."""
from tsad_fast.explain.multimodal import Explanation, MultimodalExplainer, expected_gradients
from tsad_fast.explain.report import write_report
from tsad_fast.explain.shapley import exact_shapley, kernel_shap

__all__ = ["Explanation", "MultimodalExplainer", "exact_shapley", "expected_gradients",
           "kernel_shap", "write_report"]
