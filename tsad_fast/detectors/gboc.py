"""GBOC: granular-ball one-class detection on an LSTM encoder (SPEC 2.1).

Normal behaviour is a set of granular balls in the latent space of an LSTM autoencoder. Each
epoch encodes the training windows, rebuilds and prunes the balls (:func:`granular_balls`), then
trains one epoch on ``lam * L_gb + (1 - lam) * L_rec``: ``L_gb`` pulls every latent code towards
its nearest retained ball center (the centers are constants), ``L_rec`` is the reconstruction
MSE. A window's score is the distance of its code to the nearest retained center
(:func:`nearest_center`), mapped to timestamps the TSB-AD way.
"""
from __future__ import annotations

import copy
import math
from typing import Any, Dict, List

import numpy as np

from tsad_fast._validation import as_series, check_int, check_real
from tsad_fast.detectors.base import BaseDetector, resolve_device
from tsad_fast.kernels import granular_balls, nearest_center, spot
from tsad_fast.metrics.scores import three_sigma_threshold, window_scores_to_points

_ENCODE_BATCH = 1024


class GBOC(BaseDetector):
    """Granular-ball one-class detector (PyOD/TSB-AD contract, see :mod:`.base`).

    Parameters
    ----------
    window : int, sliding-window length in timestamps (stride 1)
    hidden, n_layers : LSTM width and depth; the latent code has ``hidden * n_layers`` dims
    lam : weight of the granular-ball loss against the reconstruction loss, in [0, 1]
    lr, batch_size, epochs, patience : Adam step, windows per step, epoch cap, early stopping
    validation_size : fraction of the training windows (the last ones in time) for validation
    min_support, prune_kappa : the granular-ball rule's rho and kappa (SPEC 1.2)
    threshold : ``"3sigma"`` (mean + 3 std of the training scores) or ``"spot"`` (the SPOT
        extreme quantile of the training scores, risk ``spot_q``, initial level ``spot_level``)
    monitor : the validation loss early stopping watches: ``"reconstruction"`` (the MSE part;
        default) or ``"total"`` (the training objective). The granular-ball term falls as the
        codes contract towards their centers, which are rebuilt every epoch, so it keeps
        falling while the codes lose what separates anomalies; the reconstruction error does
        not reward that collapse.
    device : ``"auto"``, ``"cpu"`` or ``"cuda"`` (resolved in ``fit``)
    seed : seeds the weights, the batch order and the ball construction
    verbose : 0 silences the per-epoch progress bar
    backend : kernel backend for the ball construction and the nearest-center search

    Attributes after ``fit``: ``decision_scores_`` (n,), ``threshold_``, ``labels_`` (n,),
    ``n_balls_``, ``centers_`` (m, latent), ``radii_`` (m,), ``history_`` (per-epoch losses and
    ball counts), ``n_features_in_``.
    """

    def __init__(self, window: int = 100, hidden: int = 32, n_layers: int = 2,
                 lam: float = 0.5, lr: float = 1e-3, batch_size: int = 32, epochs: int = 50,
                 patience: int = 3, validation_size: float = 0.2, min_support: int = 8,
                 prune_kappa: float = 2.0, threshold: str = "3sigma", spot_q: float = 1e-3,
                 spot_level: float = 0.98, monitor: str = "reconstruction",
                 device: str = "auto", seed: int = 2024, verbose: int = 1,
                 backend: str = "auto"):
        self.window = window
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
        self.spot_q = spot_q
        self.spot_level = spot_level
        self.monitor = monitor
        self.device = device
        self.seed = seed
        self.verbose = verbose
        self.backend = backend

    # --- parameters --------------------------------------------------------------------------
    def _check_params(self) -> None:
        check_int(self.window, "window", 1)
        check_int(self.hidden, "hidden", 1)
        check_int(self.n_layers, "n_layers", 1)
        check_int(self.batch_size, "batch_size", 1)
        check_int(self.epochs, "epochs", 1)
        check_int(self.patience, "patience", 1)
        check_int(self.min_support, "min_support", 1)
        check_int(self.seed, "seed", 0)
        check_int(self.verbose, "verbose", 0)
        check_real(self.lam, "lam", 0.0, 1.0)
        check_real(self.lr, "lr", 0.0, math.inf, low_open=True, high_open=True)
        check_real(self.validation_size, "validation_size", 0.0, 1.0, high_open=True)
        check_real(self.prune_kappa, "prune_kappa", 0.0, math.inf, high_open=True)
        if self.threshold not in ("3sigma", "spot"):
            raise ValueError(f"threshold must be '3sigma' or 'spot', got {self.threshold!r}")
        check_real(self.spot_q, "spot_q", 0.0, 1.0, True, True)
        check_real(self.spot_level, "spot_level", 0.0, 1.0, True, True)
        if self.monitor not in ("reconstruction", "total"):
            raise ValueError(f"monitor must be 'reconstruction' or 'total', got {self.monitor!r}")
        resolve_device(self.device)

    # --- training ----------------------------------------------------------------------------
    def fit(self, X, y=None) -> "GBOC":
        """Train on ``X`` (n, c) (1-D: one channel), assumed mostly normal; ``y`` is ignored."""
        import torch

        self._check_params()
        X = as_series(X, "X")
        n_windows = X.shape[0] - self.window + 1
        n_val = int(n_windows * self.validation_size) if n_windows > 0 else 0
        if n_windows - n_val < 2:
            raise ValueError(f"X has {X.shape[0]} rows: window={self.window} with "
                             f"validation_size={self.validation_size} leaves fewer than 2 "
                             "training windows")
        from tsad_fast.nn.windows import Standardizer, window_tensor

        self.n_features_in_ = X.shape[1]
        self.scaler_ = Standardizer.fit(X)
        windows = window_tensor(self.scaler_.transform(X), self.window)
        device = resolve_device(self.device)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            model = self._build_model().to(device)
            self.history_ = self._train(model, windows, n_windows - n_val, n_val, device)
        self.device_, self.model_ = device, model.eval()
        codes = self._encode(windows)
        balls = granular_balls(codes, self.min_support, float(self.prune_kappa), self.seed,
                               backend=self.backend)
        self.centers_, self.radii_ = balls.centers, balls.radii
        self.n_balls_ = int(balls.centers.shape[0])
        self.decision_scores_ = self._scores_of(codes)
        self.threshold_ = self._threshold(self.decision_scores_)
        self.labels_ = (self.decision_scores_ > self.threshold_).astype(np.int64)
        return self

    def _build_model(self):
        from tsad_fast.nn.lstm_autoencoder import LSTMAutoencoder

        return LSTMAutoencoder(self.n_features_in_, self.window, self.hidden, self.n_layers)

    def _train(self, model, windows, n_train: int, n_val: int, device) -> List[Dict[str, Any]]:
        """Epochs of ball rebuilding + one pass of Adam, early stopping on the validation loss
        (the training loss when there is no validation part); restores the best weights."""
        import torch
        from tqdm.auto import tqdm

        optimizer = torch.optim.Adam(model.parameters(), lr=self.lr)
        order = torch.Generator().manual_seed(self.seed)
        train_windows, val_windows = windows[:n_train], windows[n_train:n_train + n_val]
        best, best_state, stale, history = math.inf, None, 0, []
        bar = tqdm(range(self.epochs), desc="GBOC", unit="epoch", disable=self.verbose == 0)
        for epoch in bar:
            model.eval()
            balls = granular_balls(self._encode(train_windows, model, device), self.min_support,
                                   float(self.prune_kappa), self.seed, backend=self.backend)
            centers = torch.as_tensor(balls.centers, dtype=torch.float32, device=device)
            model.train()
            total, count = 0.0, 0
            for batch in torch.randperm(n_train, generator=order).split(self.batch_size):
                x = train_windows[batch].to(device)
                loss, _ = self._loss(model, x, centers)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total, count = total + loss.item() * len(batch), count + len(batch)
            train_loss = total / count
            checked = val_windows if n_val else train_windows
            val_loss, val_rec = self._mean_loss(model, checked, centers, device)
            history.append({"epoch": epoch + 1, "train_loss": train_loss, "val_loss": val_loss,
                            "val_reconstruction": val_rec, "n_balls": int(balls.centers.shape[0])})
            bar.set_postfix(train=f"{train_loss:.4f}", val=f"{val_loss:.4f}",
                            val_rec=f"{val_rec:.4f}", balls=history[-1]["n_balls"])
            watched = val_rec if self.monitor == "reconstruction" else val_loss
            if watched < best:
                best, best_state, stale = watched, copy.deepcopy(model.state_dict()), 0
            else:
                stale += 1
                if stale >= self.patience:
                    break
        model.load_state_dict(best_state)
        return history

    def _loss(self, model, x, centers):
        """(``lam * mean ||z - nearest center||^2 + (1 - lam) * MSE(x, x_hat)``, the MSE)."""
        import torch

        z, reconstruction = model(x)
        nearest = torch.cdist(z.detach(), centers).argmin(dim=1)
        ball_loss = (z - centers[nearest]).pow(2).sum(dim=1).mean()
        rec_loss = torch.nn.functional.mse_loss(reconstruction, x)
        return self.lam * ball_loss + (1.0 - self.lam) * rec_loss, rec_loss

    def _mean_loss(self, model, windows, centers, device):
        """(mean objective, mean reconstruction MSE) over windows, without gradients."""
        import torch

        model.eval()
        total = rec = 0.0
        with torch.no_grad():
            for start in range(0, len(windows), _ENCODE_BATCH):
                x = windows[start:start + _ENCODE_BATCH].contiguous().to(device)
                loss, rec_loss = self._loss(model, x, centers)
                total += loss.item() * len(x)
                rec += rec_loss.item() * len(x)
        return total / len(windows), rec / len(windows)

    def _encode(self, windows, model=None, device=None) -> np.ndarray:
        """Latent codes (n_windows, hidden * n_layers) float64 of windows (n_windows, w, c)."""
        import torch

        model = self.model_ if model is None else model
        device = self.device_ if device is None else device
        codes = []
        with torch.no_grad():
            for start in range(0, len(windows), _ENCODE_BATCH):
                x = windows[start:start + _ENCODE_BATCH].contiguous().to(device)
                codes.append(model.encode(x).cpu())
        return torch.cat(codes).double().numpy()

    # --- scoring -----------------------------------------------------------------------------
    def _score(self, X: np.ndarray) -> np.ndarray:
        from tsad_fast.nn.windows import window_tensor

        if X.shape[0] < self.window:
            raise ValueError(f"X has {X.shape[0]} rows, fewer than window={self.window}")
        return self._scores_of(self._encode(window_tensor(self.scaler_.transform(X), self.window)))

    def _scores_of(self, codes: np.ndarray) -> np.ndarray:
        """Point scores from window codes: distance to the nearest retained ball center."""
        distances, _ = nearest_center(codes, self.centers_, backend=self.backend)
        return window_scores_to_points(distances, self.window)

    def _threshold(self, scores: np.ndarray) -> float:
        if self.threshold == "3sigma":
            return three_sigma_threshold(scores)
        tail = spot(scores, np.empty(0), q=self.spot_q, level=self.spot_level).upper_tail
        return float(tail.initial_quantile)

    # --- persistence -------------------------------------------------------------------------
    def _state(self) -> Dict[str, Any]:
        import torch

        return {
            "model": self.model_.state_dict(),
            "n_features_in": self.n_features_in_,
            "scaler_mean": torch.from_numpy(self.scaler_.mean),
            "scaler_std": torch.from_numpy(self.scaler_.std),
            "centers": torch.from_numpy(self.centers_),
            "radii": torch.from_numpy(self.radii_),
            "decision_scores": torch.from_numpy(self.decision_scores_),
            "threshold": float(self.threshold_),
            "history": self.history_,
        }

    def _restore(self, state: Dict[str, Any]) -> None:
        from tsad_fast.nn.windows import Standardizer

        self.n_features_in_ = int(state["n_features_in"])
        self.device_ = resolve_device(self.device)
        self.model_ = self._build_model()
        self.model_.load_state_dict(state["model"])
        self.model_.to(self.device_).eval()
        self.scaler_ = Standardizer(state["scaler_mean"].numpy(), state["scaler_std"].numpy())
        self.centers_ = state["centers"].numpy()
        self.radii_ = state["radii"].numpy()
        self.n_balls_ = int(self.centers_.shape[0])
        self.decision_scores_ = state["decision_scores"].numpy()
        self.threshold_ = float(state["threshold"])
        self.labels_ = (self.decision_scores_ > self.threshold_).astype(np.int64)
        self.history_ = list(state["history"])
