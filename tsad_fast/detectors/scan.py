"""SCAN: multi-scale neighborhood-centered clustering for reconstruction-based detection
(Zheng et al., 2026). No code is published; this follows the paper, the CrossAD pipeline it
reuses, and our choices where both are silent (the documentation's "Detectors as implemented").

The series is standardised with the training statistics and cut into windows of ``window``
steps (training: every ``stride`` steps, validation windows on rows of their own; scoring:
consecutive windows, the rows after the last of them scored in the last full window). The
network (:mod:`tsad_fast.nn.scan_network`) reconstructs each window at the scales of
``kernels`` through clustered representations; the loss and the dual anomaly
score (reconstruction error and cluster confidence) are :mod:`tsad_fast.nn.scan_objective`'s.
The default threshold is the SCAN/CrossAD harness: SPOT initialised on the training scores and
run over the scored series, the threshold the mean of its per-point thresholds. The training
loop, early stopping, thresholds and persistence are the template's (:mod:`.torch_detector`).
"""
from __future__ import annotations

import math

import numpy as np

from tsad_fast._validation import check_int, check_real
from tsad_fast.detectors.window_detector import WindowDetector
from tsad_fast.windows import sliding_windows, tumbling_windows, untumble


class SCAN(WindowDetector):
    """SCAN detector (PyOD/TSB-AD contract, see :mod:`.base`).

    Parameters
    ----------
    window : steps per window T (2500, the paper's, appendix B.3); stride : steps between
        training windows (>= 1; our choice where the paper is silent: at least 100)
    kernels : average-pooling kernels of the scales, coarse to fine ((25, 5, 1), the paper's
        appendix B.3)
    patch : patch length L shared by the scales (5; our choice where the paper is silent)
    d, d_r : embedding width per channel and clustering dimension (our reading of the paper:
        d = 256, its hidden width in appendix B.3, and d_r = 64; d = 64 here: the step's cost
        grows about linearly in d, and SCAN's fit budget on a CPU goes to optimizer steps)
    n_clusters : K clusters per branch and scale (40; the paper: 10 to 50 by dataset, more
        generally better, 40 best on PSM and SWaT)
    lambdas : weights (l1, l2, l3) of the clustering, trusted-supervision and consistency
        losses (eq. 19; 0.1 each, our choice where the paper is silent)
    gamma : weight of the cluster confidence in the score, eq. 22 (0.25; the paper leaves it
        open); 0 scores by reconstruction alone;
        read at scoring time, so a fitted model can be re-scored with another gamma
    clustering, trusted, fusion : the ablation switches of the paper's Table 2 (clustering off:
        reconstruction alone; trusted off: no trusted-supervision loss; fusion off: the
        clusters do not enter the reconstruction)
    compiled : run the representation gate compiled by TorchInductor (same values to
        rounding; falls back with a warning where torch.compile cannot run)
    lr, batch_size, epochs, patience, validation_size, monitor : Adam training in batches of
        ``batch_size`` windows, early stopping on the validation loss part ``monitor``
        (reconstruction); the validation windows come from the training series' last
        ``validation_size`` rows (at least one window) and the training windows from the
        rows before them, so they share no row
    threshold : a thresholder (:mod:`tsad_fast.thresholds`; default ``"spot-stream"``:
        ``SPOTThreshold(q=1e-3, level=0.98, mode="stream")``, CrossAD's harness; its settings
        are reached as ``threshold__level`` etc.)
    device, seed, verbose, n_threads : as every torch detector

    Attributes after ``fit``: ``decision_scores_`` (n,), ``threshold_``, ``thresholder_``,
    ``labels_``, ``history_``, ``n_features_in_``.
    """

    _loss_parts = ("reconstruction", "clustering", "trusted", "consistency")

    def __init__(self, window: int = 2500, stride: int = 100, kernels=(25, 5, 1), patch: int = 5,
                 d: int = 64, d_r: int = 64, n_clusters: int = 40, lambdas=(0.1, 0.1, 0.1),
                 gamma: float = 0.25, clustering: bool = True, trusted: bool = True,
                 fusion: bool = True, compiled: bool = True, lr: float = 1e-3,
                 batch_size: int = 32, epochs: int = 5, patience: int = 3,
                 validation_size: float = 0.2,
                 monitor: str = "reconstruction",
                 threshold="spot-stream",
                 device: str = "auto", seed: int = 2024, verbose: int = 1, n_threads="auto"):
        self.window = window
        self.stride = stride
        self.kernels = kernels
        self.patch = patch
        self.d = d
        self.d_r = d_r
        self.n_clusters = n_clusters
        self.lambdas = lambdas
        self.gamma = gamma
        self.clustering = clustering
        self.trusted = trusted
        self.fusion = fusion
        self.compiled = compiled
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
        for name in ("window", "stride", "patch", "d", "d_r"):
            check_int(getattr(self, name), name, 1)
        check_int(self.n_clusters, "n_clusters", 2)
        kernels = tuple(self.kernels)
        if not kernels:
            raise ValueError("kernels must hold at least one pooling kernel")
        for k in kernels:
            check_int(k, "kernels", 1)
        if -(-self.window // max(kernels)) < self.patch:
            raise ValueError(f"window={self.window} pooled by {max(kernels)} is shorter than one "
                             f"patch of {self.patch}")
        lambdas = tuple(self.lambdas)
        if len(lambdas) != 3:
            raise ValueError(f"lambdas must be three weights (l1, l2, l3), got {self.lambdas!r}")
        for value in lambdas:
            check_real(value, "lambdas", 0.0, float("inf"), high_open=True)
        check_real(self.gamma, "gamma", 0.0, 1.0)
        for name in ("clustering", "trusted", "fusion", "compiled"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")

    # --- the template's hooks ------------------------------------------------------------------
    def _build_model(self):
        from tsad_fast.nn.scan_network import SCANNetwork

        return SCANNetwork(self.n_features_in_, self.window, tuple(self.kernels), self.patch,
                           self.d, self.d_r, self.n_clusters, bool(self.clustering),
                           bool(self.fusion), bool(self.compiled))

    def _loss(self, model, batch, context):
        from tsad_fast.nn import scan_objective

        return scan_objective.loss(model(batch[0]), tuple(self.lambdas), bool(self.trusted))

    def _split(self, X, samples):
        """Training windows from the rows before the series' last ``validation_size`` (at
        least one window of them), validation windows from those last rows: no validation row
        is trained on."""
        n = X.shape[0]
        n_val = max(math.ceil(n * self.validation_size), self.window) if self.validation_size else 0
        cut = n - n_val
        if cut < self.window + self.stride:
            raise ValueError(f"X has {n} rows: the last {n_val} validate (validation_size="
                             f"{self.validation_size}, at least one window) and the {cut} before "
                             f"them give fewer than 2 training windows of window={self.window} "
                             f"every stride={self.stride} (lower window or validation_size)")
        series = self._standardized(X)
        train = sliding_windows(series[:cut], self.window, self.stride)
        val = sliding_windows(series[cut:], self.window, self.stride) if n_val else train[:0]
        return [train], [val]

    def _after_training(self, X, samples):
        return self._score(X)

    # --- scoring -------------------------------------------------------------------------------
    def _score(self, X: np.ndarray) -> np.ndarray:
        """Scores (n,): consecutive windows, the rows after the last of them scored in the
        last full window ``X[n - window:n]`` (a series shorter than one window: padded by
        repeating its last row)."""
        windows, n = tumbling_windows(self._standardized(X).numpy(), self.window, tail="last")
        return untumble(self._window_scores(windows), n, tail="last")

    def _window_scores(self, windows: np.ndarray) -> np.ndarray:
        """Per-row scores (k, window) float64 of standardised windows (k, window, c)."""
        import torch

        from tsad_fast.nn import scan_objective

        def score(batch):
            return scan_objective.anomaly_score(self.model_(batch), self.window, self.gamma)

        return self._infer(score, torch.from_numpy(windows)).double().numpy()

    def _stream_scorer(self):
        from tsad_fast.streams import TumblingScores

        return TumblingScores(self.n_features_in_, self.window,
                              lambda windows: self._window_scores(
                                  self._standardized_windows(windows)))
