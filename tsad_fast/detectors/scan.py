"""SCAN: multi-scale neighborhood-centered clustering for reconstruction-based detection
(Zheng et al., 2026; SPEC 2.3). No code is published; this follows the paper and SPEC 2.3.

The series is standardised with the training statistics and cut into windows of ``window``
steps (training: every ``stride`` steps; scoring: consecutive windows, the tail padded and
trimmed back). The network (:mod:`tsad_fast.nn.scan_network`) reconstructs each window at
the scales of ``kernels`` through clustered representations; the loss and the dual anomaly
score (reconstruction error and cluster confidence) are :mod:`tsad_fast.nn.scan_objective`'s.
The default threshold is the SCAN/CrossAD harness: SPOT initialised on the training scores and
run over the scored series, the threshold the mean of its per-point thresholds. The training
loop, early stopping, thresholds and persistence are the template's (:mod:`.torch_detector`).
"""
from __future__ import annotations

import numpy as np

from tsad_fast._validation import check_int, check_real
from tsad_fast.detectors.window_detector import WindowDetector
from tsad_fast.thresholds import SPOTThreshold
from tsad_fast.windows import tumbling_windows, untumble


class SCAN(WindowDetector):
    """SCAN detector (PyOD/TSB-AD contract, see :mod:`.base`).

    Parameters
    ----------
    window : steps per window T (SPEC: 2500); stride : steps between training windows (>= 1;
        SPEC's assumption: at least 100)
    kernels : average-pooling kernels of the scales, coarse to fine (SPEC: (25, 5, 1))
    patch : patch length L shared by the scales (5)
    d, d_r : embedding width per channel and clustering dimension (SPEC: 256 and 64; d = 64
        here: on these 2-core machines a training step costs 1.4 s per window of 2,500 x 38 at
        d = 256 and 0.25 s at d = 64, about 21 min against 4 min for five epochs on an SMD
        machine)
    n_clusters : K clusters per branch and scale (the paper: 10 to 50 by dataset)
    lambdas : weights (l1, l2, l3) of the clustering, trusted-supervision and consistency
        losses (0.1 each)
    gamma : weight of the cluster confidence in the score (0.5); 0 scores by reconstruction
    clustering, trusted, fusion : the ablation switches of the paper's Table 2 (clustering off:
        reconstruction alone; trusted off: no trusted-supervision loss; fusion off: the
        clusters do not enter the reconstruction)
    lr, batch_size, epochs, patience, validation_size, monitor : Adam training, early stopping
        on the last windows' validation loss part ``monitor`` (reconstruction)
    threshold : a thresholder (default ``SPOTThreshold(q=1e-3, level=0.98, mode="stream")``)
    device, seed, verbose, n_threads : as every torch detector

    Attributes after ``fit``: ``decision_scores_`` (n,), ``threshold_``, ``thresholder_``,
    ``labels_``, ``history_``, ``n_features_in_``.
    """

    _eval_batch = 4  # windows per inference pass (each holds T x C x d activations per scale)
    _loss_parts = ("reconstruction", "clustering", "trusted", "consistency")

    def __init__(self, window: int = 2500, stride: int = 100, kernels=(25, 5, 1), patch: int = 5,
                 d: int = 64, d_r: int = 64, n_clusters: int = 10, lambdas=(0.1, 0.1, 0.1),
                 gamma: float = 0.5, clustering: bool = True, trusted: bool = True,
                 fusion: bool = True, lr: float = 1e-3, batch_size: int = 32, epochs: int = 5,
                 patience: int = 3, validation_size: float = 0.2,
                 monitor: str = "reconstruction",
                 threshold=SPOTThreshold(q=1e-3, level=0.98, mode="stream"),
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
        for name in ("clustering", "trusted", "fusion"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")

    # --- the template's hooks ------------------------------------------------------------------
    def _build_model(self):
        from tsad_fast.nn.scan_network import SCANNetwork

        return SCANNetwork(self.n_features_in_, self.window, tuple(self.kernels), self.patch,
                           self.d, self.d_r, self.n_clusters, bool(self.clustering),
                           bool(self.fusion))

    def _loss(self, model, batch, context):
        from tsad_fast.nn import scan_objective

        return scan_objective.loss(model(batch[0]), tuple(self.lambdas), bool(self.trusted))

    def _after_training(self, X, samples):
        return self._score(X)

    # --- scoring -------------------------------------------------------------------------------
    def _score(self, X: np.ndarray) -> np.ndarray:
        """Scores (n,): consecutive windows, the last padded by repeating the last row, each
        window's scores trimmed back to the series."""
        import torch

        from tsad_fast.nn import scan_objective

        windows, n = tumbling_windows(self._standardized(X).numpy(), self.window)

        def score(batch):
            return scan_objective.anomaly_score(self.model_(batch), self.window, self.gamma)

        scores = self._infer(score, torch.from_numpy(windows))
        return untumble(scores.double().numpy(), n)
