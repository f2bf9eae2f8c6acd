"""MSUT-Net: multi-scale spatial and unified temporal feature fusion (Yang et al., ICRM 2025)
as a reconstruction detector.

**A reconstruction from the paper's abstract**: only the abstract is published (no
architecture details, no code), so the blocks below are our reading of it, not the
authors' network. Windows of ``window`` steps (standardised with the training statistics;
training windows every ``stride`` steps) are reconstructed by
:class:`tsad_fast.nn.msut_network.MSUTNetwork`: a three-level spatial module (an adaptive
variable graph with mix-hop propagation; soft groups of variables with their own graph,
pooled and unpooled; a global level), a Transformer over the time steps of all variables at
once, and a gated fusion of the two. No path of the network lets a value reach its own
reconstruction: the spatial views read the other variables at the same step and the temporal
module the steps more than ``gap`` away, so a value is rebuilt from its context (otherwise the
network learns the identity and reconstructs anomalies as well as normal points; with the
nearest steps in the context, a level shift is rebuilt from its own shifted neighbours).
Loss: MSE of the fused reconstruction (with ``objective="branches"``, the default, plus the
MSE of each branch reconstructing the window through the head alone) + ``regularization`` x
the group assignments' regulariser.

Score: the series is cut into windows every ``score_stride`` steps (the last ending at the
last row), each point's squared reconstruction error per channel averaged over the windows
that hold it, normalised robustly by the median and interquartile range of that channel's
errors on the training series, and averaged over the channels (and, with
``objective="branches"``, over the fused, spatial and temporal reconstructions, so that a
point one view explains is still flagged by the other). Threshold: any thresholder (default
``ThreeSigma``).
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional

import numpy as np

from tsad_fast._validation import check_int, check_real
from tsad_fast.detectors.base import to_numpy
from tsad_fast.detectors.window_detector import WindowDetector
from tsad_fast.windows import overlapping_windows, unoverlap

_IQR_FLOOR = 1e-6  # a channel reconstructed equally well everywhere still gets a finite scale
OBJECTIVES = ("fused", "branches")


class MSUTNet(WindowDetector):
    """MSUT-Net reconstruction detector (PyOD/TSB-AD contract, see :mod:`.base`).

    Parameters
    ----------
    window, stride : window length (>= 2) and the step between training windows (100, 25:
        an SMD machine's 23.7k training rows give 947 windows)
    score_stride : the step between scoring windows, at most ``window`` (None: ``window // 2``), so
        a point near a window's edge is also read from the middle of another window
    channels : embedding channels D per variable and step (64)
    k : entries kept per row of the learned graphs (8; at most the number of nodes)
    n_groups : variable groups G (None: ceil(C / 4))
    d_model, heads, layers : the temporal Transformer (128, 4, 2)
    levels : the spatial levels used, a subset of (1, 2, 3) (ablation); spatial : False
        keeps the temporal module alone (ablation)
    temporal : "context" (each step rebuilt from the other steps) or "encoder" (a Transformer
        encoder over all steps, each value reaching its own reconstruction through the
        ``d_model``-wide bottleneck), see :mod:`tsad_fast.nn.temporal`
    gap : in the "context" mode, the steps on each side of a step that its context leaves
        out (5; 0: the step itself only), so that a step is not rebuilt from its neighbours,
        which follow a level shift; ``2 gap + 1 < window``
    objective : "fused" (the fused reconstruction is trained and scored) or "branches" (the
        default: each branch is also trained to reconstruct the window through the head alone,
        and the score is the mean of the three reconstructions' normalised errors)
    regularization : weight of the assignment regulariser in the loss (1e-3)
    lr, batch_size, epochs, patience, validation_size, monitor : training and early stopping
    threshold : a thresholder (default ``"3sigma"``)
    device, seed, verbose, n_threads : as every torch detector

    Attributes after ``fit``: ``decision_scores_``, ``threshold_``, ``thresholder_``,
    ``labels_``, ``history_``, ``n_features_in_``, ``graph_`` (C, C) the learned variable graph
    (row v: the variables v draws from) and ``groups_`` (C,) each variable's group (None when
    the level is off).
    """

    _loss_parts = ("reconstruction", "assignment", "spatial", "temporal")

    def __init__(self, window: int = 100, stride: int = 25, score_stride: Optional[int] = None,
                 channels: int = 64, k: int = 8,
                 n_groups: Optional[int] = None, d_model: int = 128, heads: int = 4,
                 layers: int = 2, levels=(1, 2, 3), spatial: bool = True,
                 temporal: str = "context", gap: int = 5, objective: str = "branches",
                 regularization: float = 1e-3, lr: float = 1e-3, batch_size: int = 32,
                 epochs: int = 10, patience: int = 3, validation_size: float = 0.2,
                 monitor: str = "reconstruction", threshold="3sigma", device: str = "auto",
                 seed: int = 2024, verbose: int = 1, n_threads="auto"):
        self.window = window
        self.stride = stride
        self.score_stride = score_stride
        self.channels = channels
        self.k = k
        self.n_groups = n_groups
        self.d_model = d_model
        self.heads = heads
        self.layers = layers
        self.levels = levels
        self.spatial = spatial
        self.temporal = temporal
        self.gap = gap
        self.objective = objective
        self.regularization = regularization
        self.lr = lr
        self.batch_size = batch_size
        self.epochs = epochs
        self.patience = patience
        self.validation_size = validation_size
        self.monitor = monitor
        self.threshold = threshold
        self.device = device
        self.seed = seed
        self.verbose = verbose
        self.n_threads = n_threads

    def _check_model_params(self) -> None:
        check_int(self.window, "window", 2)
        check_int(self.gap, "gap", 0)
        if 2 * self.gap + 1 >= self.window:
            raise ValueError(f"gap={self.gap} leaves no step of a window of {self.window} steps "
                             f"to read: 2 gap + 1 must be less than window")
        for name in ("stride", "channels", "k", "d_model", "heads", "layers"):
            check_int(getattr(self, name), name, 1)
        if self.score_stride is not None:
            check_int(self.score_stride, "score_stride", 1)
            if self.score_stride > self.window:
                raise ValueError(f"score_stride={self.score_stride} exceeds window="
                                 f"{self.window}: rows between windows would not be scored")
        if self.d_model % self.heads:
            raise ValueError(f"d_model={self.d_model} must be a multiple of heads={self.heads}")
        if self.n_groups is not None:
            check_int(self.n_groups, "n_groups", 1)
        levels = tuple(self.levels)
        if 1 not in levels or not set(levels) <= {1, 2, 3}:
            raise ValueError(f"levels must contain 1 and be a subset of (1, 2, 3), got "
                             f"{self.levels!r}")
        if not isinstance(self.spatial, (bool, np.bool_)):
            raise TypeError(f"spatial must be True or False, got {self.spatial!r}")
        from tsad_fast.nn.temporal import MODES

        if self.temporal not in MODES:
            raise ValueError(f"temporal must be one of {MODES}, got {self.temporal!r}")
        if self.objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}, got {self.objective!r}")
        check_real(self.regularization, "regularization", 0.0, math.inf, high_open=True)

    def _groups(self) -> int:
        return self.n_groups if self.n_groups is not None else -(-self.n_features_in_ // 4)

    # --- the template's hooks ------------------------------------------------------------------
    def _build_model(self):
        from tsad_fast.nn.msut_network import MSUTNetwork

        return MSUTNetwork(self.n_features_in_, self.channels, self._groups(), self.k,
                           self.d_model, self.heads, self.layers, tuple(self.levels),
                           bool(self.spatial), self.temporal, self.gap)

    def _loss(self, model, batch, context):
        import torch

        x = batch[0]
        if self.objective == "fused":
            reconstruction, regularizer = model(x)
            mse = torch.nn.functional.mse_loss(reconstruction, x)
            return (mse + self.regularization * regularizer,
                    {"reconstruction": mse, "assignment": regularizer})
        reconstruction, regularizer, *branches = model(x, branches=True)
        mse = torch.nn.functional.mse_loss(reconstruction, x)
        parts = {"reconstruction": mse, "assignment": regularizer}
        for name, branch in zip(("spatial", "temporal"), branches):
            if branch is not None:
                parts[name] = torch.nn.functional.mse_loss(branch, x)
        total = sum(v for k, v in parts.items() if k != "assignment")
        return total + self.regularization * regularizer, parts

    def _after_training(self, X, samples):
        import torch

        errors = self._errors(X)
        self.error_median_ = np.median(errors, axis=0)
        q75, q25 = np.percentile(errors, [75, 25], axis=0)
        self.error_scale_ = np.maximum(q75 - q25, _IQR_FLOOR)
        with torch.no_grad():
            self.graph_ = self.model_.graph().cpu().double().numpy() if self.spatial else None
            self.groups_ = (self.model_.groups().cpu().numpy()
                            if self.spatial and 2 in tuple(self.levels) else None)
        return self._scores_of(errors)

    # --- scoring -------------------------------------------------------------------------------
    def _errors(self, X: np.ndarray) -> np.ndarray:
        """Squared reconstruction errors (n, C x P) of every point, averaged over the scoring
        windows that hold it: P = 1 (the fused reconstruction) or, with
        ``objective="branches"``, the fused reconstruction's and each branch's (spatial, if
        on, then temporal)."""
        windows, starts, n = overlapping_windows(self._standardized(X).numpy(), self.window,
                                                 self._score_stride())
        return unoverlap(self._window_errors(windows), starts, n)

    def _score_stride(self) -> int:
        return self.score_stride or max(self.window // 2, 1)

    def _window_errors(self, windows: np.ndarray) -> np.ndarray:
        """Squared errors (k, window, C x P) float64 of standardised windows (k, window, C)."""
        import torch

        def squared_error(batch):
            if self.objective == "fused":
                return (self.model_(batch)[0] - batch).pow(2)
            fused, _, *branches = self.model_(batch, branches=True)
            parts = [fused] + [b for b in branches if b is not None]
            return torch.cat([(part - batch).pow(2) for part in parts], dim=-1)

        return self._infer(squared_error, torch.from_numpy(windows)).double().numpy()

    def _stream_scorer(self):
        from tsad_fast.streams import OverlappingScores

        return OverlappingScores(self.n_features_in_, self.window, self._score_stride(),
                                 lambda windows: self._window_errors(
                                     self._standardized_windows(windows)), self._scores_of)

    def _scores_of(self, errors: np.ndarray) -> np.ndarray:
        return ((errors - self.error_median_) / self.error_scale_).mean(axis=1)

    def _score(self, X: np.ndarray) -> np.ndarray:
        return self._scores_of(self._errors(X))

    # --- persistence ---------------------------------------------------------------------------
    def _fitted_state(self) -> Dict[str, Any]:
        return {**super()._fitted_state(), "error_median": self.error_median_,
                "error_scale": self.error_scale_, "graph": self.graph_, "groups": self.groups_}

    def _restore_fitted(self, state: Dict[str, Any]) -> None:
        super()._restore_fitted(state)
        self.error_median_ = to_numpy(state["error_median"])
        self.error_scale_ = to_numpy(state["error_scale"])
        self.graph_ = to_numpy(state["graph"])
        self.groups_ = to_numpy(state["groups"])
