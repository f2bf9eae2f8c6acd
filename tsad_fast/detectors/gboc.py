"""GBOC: granular-ball one-class detection on an LSTM encoder (SPEC 2.1).

Normal behaviour is a set of granular balls in the latent space of an LSTM autoencoder. Each
epoch encodes the training windows, rebuilds and prunes the balls (:func:`granular_balls`), then
trains one epoch on ``lam * L_gb + (1 - lam) * L_rec``: ``L_gb`` pulls every latent code towards
its nearest retained ball center (the centers are constants), ``L_rec`` is the reconstruction
MSE. A window's score is the distance of its code to the nearest retained center
(:func:`nearest_center`), mapped to timestamps the TSB-AD way. The training loop, early
stopping, thresholds and persistence are the template's (:mod:`.torch_detector`), the
standardised training windows and the scaler's (:mod:`.window_detector`).
"""
from __future__ import annotations

from typing import Any, Dict

import numpy as np

from tsad_fast._validation import check_int, check_real
from tsad_fast.detectors.base import to_numpy
from tsad_fast.detectors.window_detector import WindowDetector
from tsad_fast.kernels.granular import granular_balls_unchecked
from tsad_fast.kernels.nearest import nearest_center_unchecked
from tsad_fast.windows import sliding_windows, window_scores_to_points


class GBOC(WindowDetector):
    """Granular-ball one-class detector (PyOD/TSB-AD contract, see :mod:`.base`).

    Parameters
    ----------
    window : int, sliding-window length in timestamps
    stride : int, rows between consecutive training windows (SPEC 2.1: 1; a larger stride
        trains on fewer windows, for speed); scores always come from every window (stride 1)
    hidden, n_layers : LSTM width and depth; the latent code has ``hidden * n_layers`` dims
    lam : weight of the granular-ball loss against the reconstruction loss, in [0, 1]
    lr, batch_size, epochs, patience : Adam step, windows per step, epoch cap, early stopping
    validation_size : fraction of the training windows (the last ones in time) for validation
    min_support, prune_kappa : the granular-ball rule's rho and kappa (SPEC 1.2)
    threshold : a thresholder (:mod:`tsad_fast.thresholds`: ``ThreeSigma()``, ``Quantile(q)``,
        ``Fixed(value)``, ``SPOTThreshold(...)``) or ``"3sigma"`` (default: mean + 3 std of the
        training scores) or ``"spot"`` (``SPOTThreshold()``)
    monitor : the validation loss early stopping watches: ``"reconstruction"`` (the MSE part;
        default) or ``"total"`` (the training objective). The granular-ball term falls as the
        codes contract towards their centers, which are rebuilt every epoch, so it keeps
        falling while the codes lose what separates anomalies; the reconstruction error does
        not reward that collapse.
    device : ``"auto"``, ``"cpu"`` or ``"cuda"`` (resolved in ``fit``)
    seed : seeds the weights, the batch order and the ball construction
    verbose : 0 silences the per-epoch progress bar
    backend : kernel backend for the ball construction and the nearest-center search
    n_threads : torch threads, or ``"auto"``: one for the training steps (the LSTM's steps are
        too small to share: measured, a second thread triples a step's time), every core for
        the encoding passes of 1,024 windows (1.5x faster idle, as fast beside a busy process,
        the same codes bit for bit)

    Attributes after ``fit``: ``decision_scores_`` (n,), ``threshold_``, ``thresholder_``,
    ``labels_`` (n,), ``n_balls_``, ``centers_`` (m, latent), ``radii_`` (m,), ``history_``
    (per-epoch losses and ball counts), ``n_features_in_``.
    """

    _loss_parts = ("reconstruction",)
    _auto_threads = 1

    def __init__(self, window: int = 100, stride: int = 1, hidden: int = 32, n_layers: int = 2,
                 lam: float = 0.5, lr: float = 1e-3, batch_size: int = 32, epochs: int = 50,
                 patience: int = 3, validation_size: float = 0.2, min_support: int = 8,
                 prune_kappa: float = 2.0, threshold="3sigma", monitor: str = "reconstruction",
                 device: str = "auto", seed: int = 2024, verbose: int = 1,
                 backend: str = "auto", n_threads="auto"):
        self.window = window
        self.stride = stride
        self.hidden = hidden
        self.n_layers = n_layers
        self.lam = lam
        self.lr = lr
        self.batch_size = batch_size
        self.epochs = epochs
        self.patience = patience
        self.validation_size = validation_size
        self.min_support = min_support
        self.prune_kappa = prune_kappa
        self.threshold = threshold
        self.monitor = monitor
        self.device = device
        self.seed = seed
        self.verbose = verbose
        self.backend = backend
        self.n_threads = n_threads

    def _check_model_params(self) -> None:
        check_int(self.window, "window", 1)
        check_int(self.stride, "stride", 1)
        check_int(self.hidden, "hidden", 1)
        check_int(self.n_layers, "n_layers", 1)
        check_int(self.min_support, "min_support", 1)
        check_real(self.lam, "lam", 0.0, 1.0)
        check_real(self.prune_kappa, "prune_kappa", 0.0, float("inf"), high_open=True)

    # --- the template's hooks (training windows: WindowDetector._prepare) ----------------------

    def _build_model(self):
        from tsad_fast.nn.lstm_autoencoder import LSTMAutoencoder

        return LSTMAutoencoder(self.n_features_in_, self.window, self.hidden, self.n_layers)

    def _epoch_start(self, model, train):
        import torch

        balls = self._balls(self._encode(model, train[0]))
        centers = torch.as_tensor(balls.centers, dtype=torch.float32, device=self.device_)
        return centers, {"n_balls": int(balls.centers.shape[0])}

    def _loss(self, model, batch, centers):
        """(``lam * mean ||z - nearest center||^2 + (1 - lam) * MSE(x, x_hat)``, its MSE)."""
        import torch

        x = batch[0]
        z, reconstruction = model(x)
        nearest = torch.cdist(z.detach(), centers).argmin(dim=1)
        ball_loss = (z - centers[nearest]).pow(2).sum(dim=1).mean()
        rec_loss = torch.nn.functional.mse_loss(reconstruction, x)
        return self.lam * ball_loss + (1.0 - self.lam) * rec_loss, {"reconstruction": rec_loss}

    def _after_training(self, X, samples):
        codes = self._encode(self.model_, samples[0])
        balls = self._balls(codes)
        self.centers_, self.radii_ = balls.centers, balls.radii
        self.n_balls_ = int(balls.centers.shape[0])
        return self._scores_of(codes) if self.stride == 1 else self._score(X)

    # --- model specifics -----------------------------------------------------------------------
    def _encode(self, model, windows) -> np.ndarray:
        """Latent codes (n_windows, hidden * n_layers) float64, checked finite once here (the
        kernels take them unchecked)."""
        return _finite(self._infer(model.encode, windows).double().numpy())

    def _balls(self, codes: np.ndarray):
        return granular_balls_unchecked(codes, self.min_support, float(self.prune_kappa),
                                        self.seed, 1e-4, self.backend)

    def _score(self, X: np.ndarray) -> np.ndarray:
        """Point scores (n,); windows are encoded and matched to the balls one inference batch
        at a time, so memory beyond X and the scores does not grow with the series."""
        import torch

        if X.shape[0] < self.window:
            raise ValueError(f"X has {X.shape[0]} rows, fewer than window={self.window}")

        def distances(batch):
            codes = _finite(self.model_.encode(batch).double().cpu().numpy())
            return torch.from_numpy(nearest_center_unchecked(codes, self.centers_,
                                                             self.backend)[0])

        windows = sliding_windows(self._standardized(X), self.window)
        return window_scores_to_points(self._infer(distances, windows).numpy(), self.window)

    def _scores_of(self, codes: np.ndarray) -> np.ndarray:
        """Point scores from window codes: distance to the nearest retained ball center."""
        distances, _ = nearest_center_unchecked(codes, self.centers_, self.backend)
        return window_scores_to_points(distances, self.window)

    # --- persistence ---------------------------------------------------------------------------
    def _state(self) -> Dict[str, Any]:
        return {**super()._state(), "centers": self.centers_, "radii": self.radii_}

    def _restore(self, state: Dict[str, Any]) -> None:
        self.centers_ = to_numpy(state["centers"])
        self.radii_ = to_numpy(state["radii"])
        self.n_balls_ = int(self.centers_.shape[0])
        super()._restore(state)


def _finite(codes: np.ndarray) -> np.ndarray:
    if not np.isfinite(codes).all():
        raise FloatingPointError("GBOC: the encoder produced NaN/inf codes (training diverged; "
                                 "lower lr)")
    return codes
