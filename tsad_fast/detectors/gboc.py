"""GBOC: granular-ball one-class detection on an LSTM encoder, as its authors' code builds it.

Normal behaviour is a set of granular balls in the latent space of an LSTM encoder. The detector
is built as the GBOC authors built it: windows of 10 steps, a 3-layer LSTM whose code is every
layer's final hidden state, a decoder, and the loss
``(1 - lam) * MSE(reconstruction) + lam * MSE(code, its ball's center)`` (element means,
``lam = 0.1``), trained with AdamW and a step learning-rate schedule. Two defaults depart from
their code, each measured (SMD, decided on half the machines): the decoder reconstructs the
whole window (theirs: the last step) and the score adds the reconstruction error to the
distance to the nearest ball center (theirs: the distance alone). Each
outer epoch encodes the training windows, builds the balls on (at most ``max_ball_points``
sampled) codes (:func:`granular_balls`, the authors' density rule), gives every window its
nearest center (a constant for the epoch), then trains up to ``inner_epochs`` passes with early
stopping on the validation loss; the weights of the outer epoch with the best validation loss
are kept. A window's score is the distance of its code to the nearest center
(:func:`nearest_center`) plus its reconstruction error, each in units of its training mean
(``score``), mapped to timestamps the TSB-AD way (centre-aligned padding).

``protocol="inductive"`` (default) scores new data with the training statistics and the balls
built on the training codes, so a fitted model scores any series. ``protocol="transductive"``
reproduces the authors' evaluation: a scored series is z-normalised with its own statistics and
the balls are rebuilt on its own codes.
"""
from __future__ import annotations

import copy
import math
from typing import Any, Dict, List

import numpy as np

from tsad_fast._validation import check_int, check_real
from tsad_fast.detectors.base import to_numpy
from tsad_fast.detectors.torch_detector import close_bar
from tsad_fast.detectors.window_detector import WindowDetector
from tsad_fast.kernels.granular import check_rule, granular_balls_unchecked
from tsad_fast.kernels.nearest import nearest_center_unchecked
from tsad_fast.scaling import Standardizer
from tsad_fast.windows import sliding_windows, window_scores_to_points

PROTOCOLS = ("inductive", "transductive")
OPTIMIZERS = ("adamw", "adam")
BALL_LOSSES = ("mean", "sum")
SCORES = ("balls", "balls+reconstruction")

# The parameters of a saved file in the older format that lacks ``decoder``: the network and
# the ball rule such a file was trained with.
_LEGACY = dict(decoder="window", ball_loss="sum", optimizer="adam", weight_decay=0.0, lr_step=0,
               inner_epochs=1, rule="dm", max_ball_points=None, score="balls",
               protocol="inductive")


class GBOC(WindowDetector):
    """Granular-ball one-class detector (PyOD/TSB-AD contract, see :mod:`.base`).

    Parameters
    ----------
    window : int, sliding-window length in timestamps (the authors' tuned 10 for multivariate
        series; they use 5 for univariate ones)
    stride : int, rows between consecutive training windows (1: every window); scores always
        come from every window
    hidden, n_layers : LSTM width and depth; the latent code has ``hidden * n_layers`` dims
    decoder : ``"window"`` (default: an MLP reconstructing the whole window) or ``"last"`` (a
        linear layer reconstructing the window's last step, the authors')
    lam : weight of the granular-ball loss, in [0, 1]; the reconstruction loss weighs
        ``1 - lam`` (the authors' ``alpha = 1 - lam = 0.9``)
    ball_loss : ``"mean"`` (the squared distance of a code to its center averaged over the
        latent dims, the authors') or ``"sum"`` (summed over them)
    optimizer : ``"adamw"`` or ``"adam"``, with ``lr`` and ``weight_decay``
    lr_step, lr_gamma : the learning rate is multiplied by ``lr_gamma`` every ``lr_step``
        training passes (0: constant)
    batch_size : windows per step
    epochs : outer epochs, each opened by a rebuild of the balls
    inner_epochs : training passes per outer epoch
    patience : inner passes without a better validation loss before the outer epoch ends and
        its best weights are restored (None: all ``inner_epochs``)
    validation_size : fraction of the training windows (the last ones in time) for validation
    rule : the ball construction (:func:`tsad_fast.kernels.granular_balls`): ``"density"`` (the
        authors') or ``"dm"`` (the paper's rule as we read it); ``min_support``, ``split_size``,
        ``radius_factor`` and ``prune_kappa`` are its parameters
    max_ball_points : the balls are built on at most this many codes, drawn without
        replacement (seeded); None: on every code
    score : a window's score: ``"balls+reconstruction"`` (default: the distance of its code to
        the nearest center plus the mean squared error of its reconstruction, each divided by
        its mean over the training windows) or ``"balls"`` (the distance alone, the authors')
    protocol : ``"inductive"`` or ``"transductive"`` (see the module docstring)
    threshold : a thresholder (:mod:`tsad_fast.thresholds`: ``ThreeSigma()``, ``Quantile(q)``,
        ``Fixed(value)``, ``SPOTThreshold(...)``) or ``"3sigma"`` (default: mean + 3 std of the
        training scores) or ``"spot"`` (``SPOTThreshold()``)
    monitor : the validation loss early stopping and the choice of the kept weights watch:
        ``"total"`` (the training objective, the authors') or ``"reconstruction"``
    device : ``"auto"``, ``"cpu"`` or ``"cuda"`` (resolved in ``fit``)
    seed : seeds the weights, the batch order, the code samples and the ball construction
    verbose : 0 silences the progress bar
    backend : kernel backend for the ball construction and the nearest-center search
    n_threads : torch threads, or ``"auto"``: one for the training steps (the LSTM's steps are
        too small to share between threads), every core for the encoding passes (the same
        codes bit for bit)

    Attributes after ``fit``: ``decision_scores_`` (n,), ``threshold_``, ``thresholder_``,
    ``labels_`` (n,), ``n_balls_``, ``centers_`` (m, latent), ``radii_`` (m,),
    ``score_scale_`` (2,) (the training windows' mean distance and reconstruction error),
    ``history_``
    (one entry per training pass: outer ``epoch``, ``inner`` pass, losses, ``n_balls``),
    ``n_features_in_``.
    """

    _loss_parts = ("reconstruction",)
    _auto_threads = 1

    def __init__(self, window: int = 10, stride: int = 1, hidden: int = 32, n_layers: int = 3,
                 decoder: str = "window", lam: float = 0.1, ball_loss: str = "mean",
                 optimizer: str = "adamw", lr: float = 1e-4, weight_decay: float = 1e-5,
                 lr_step: int = 5, lr_gamma: float = 0.9, batch_size: int = 32,
                 epochs: int = 2, inner_epochs: int = 10, patience=10,
                 validation_size: float = 0.2, rule: str = "density", min_support: int = 8,
                 split_size: int = 20, radius_factor: float = 2.0, prune_kappa: float = 2.0,
                 max_ball_points=5000, score: str = "balls+reconstruction",
                 protocol: str = "inductive",
                 threshold="3sigma",
                 monitor: str = "total", device: str = "auto", seed: int = 2024,
                 verbose: int = 1, backend: str = "auto", n_threads="auto"):
        self.window = window
        self.stride = stride
        self.hidden = hidden
        self.n_layers = n_layers
        self.decoder = decoder
        self.lam = lam
        self.ball_loss = ball_loss
        self.optimizer = optimizer
        self.lr = lr
        self.weight_decay = weight_decay
        self.lr_step = lr_step
        self.lr_gamma = lr_gamma
        self.batch_size = batch_size
        self.epochs = epochs
        self.inner_epochs = inner_epochs
        self.patience = patience
        self.validation_size = validation_size
        self.rule = rule
        self.min_support = min_support
        self.split_size = split_size
        self.radius_factor = radius_factor
        self.prune_kappa = prune_kappa
        self.max_ball_points = max_ball_points
        self.score = score
        self.protocol = protocol
        self.threshold = threshold
        self.monitor = monitor
        self.device = device
        self.seed = seed
        self.verbose = verbose
        self.backend = backend
        self.n_threads = n_threads

    def _check_model_params(self) -> None:
        from tsad_fast.nn.lstm_autoencoder import DECODERS

        check_int(self.window, "window", 1)
        check_int(self.stride, "stride", 1)
        check_int(self.hidden, "hidden", 1)
        check_int(self.n_layers, "n_layers", 1)
        check_int(self.inner_epochs, "inner_epochs", 1)
        check_int(self.lr_step, "lr_step", 0)
        check_int(self.min_support, "min_support", 1)
        check_int(self.split_size, "split_size", 2)
        check_real(self.lam, "lam", 0.0, 1.0)
        check_real(self.weight_decay, "weight_decay", 0.0, math.inf, high_open=True)
        check_real(self.lr_gamma, "lr_gamma", 0.0, 1.0, low_open=True)
        check_real(self.radius_factor, "radius_factor", 0.0, math.inf, low_open=True,
                   high_open=True)
        check_real(self.prune_kappa, "prune_kappa", 0.0, math.inf, high_open=True)
        if self.max_ball_points is not None:
            check_int(self.max_ball_points, "max_ball_points", 1)
        for name, allowed in (("decoder", DECODERS), ("ball_loss", BALL_LOSSES),
                              ("optimizer", OPTIMIZERS), ("protocol", PROTOCOLS),
                              ("score", SCORES)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {getattr(self, name)!r}")
        check_rule(self.rule)

    # --- the template's hooks (training windows: WindowDetector._prepare) ----------------------
    def _build_model(self):
        from tsad_fast.nn.lstm_autoencoder import LSTMAutoencoder

        return LSTMAutoencoder(self.n_features_in_, self.window, self.hidden, self.n_layers,
                               self.decoder)

    def _loss(self, model, batch, centers):
        """(``(1 - lam) * reconstruction MSE + lam * ball loss``, {"reconstruction": MSE}) of
        windows ``batch[0]`` whose nearest centers are ``batch[1]``."""
        import torch.nn.functional as F

        x, nearest = batch
        z, reconstruction = model(x)
        rec_loss = F.mse_loss(reconstruction, model.target(x))
        gap = (z - centers[nearest]).pow(2)
        ball_loss = gap.mean() if self.ball_loss == "mean" else gap.sum(dim=1).mean()
        return (1.0 - self.lam) * rec_loss + self.lam * ball_loss, {"reconstruction": rec_loss}

    def _optimizer(self, model):
        import torch

        kind = torch.optim.AdamW if self.optimizer == "adamw" else torch.optim.Adam
        # foreach: the same updates bit for bit as the per-tensor loop, faster on small nets
        optimizer = kind(model.parameters(), lr=self.lr, weight_decay=self.weight_decay,
                         foreach=True)
        schedule = (torch.optim.lr_scheduler.StepLR(optimizer, self.lr_step, self.lr_gamma)
                    if self.lr_step else None)
        return optimizer, schedule

    def _train(self, model, train, val) -> List[Dict[str, Any]]:
        """Outer epochs (balls rebuilt, nearest centers fixed) of inner training passes; the
        weights of the outer epoch with the best monitored validation loss are kept."""
        import torch
        from tqdm.auto import tqdm

        optimizer, schedule = self._optimizer(model)
        order = torch.Generator().manual_seed(self.seed)
        sampler = np.random.default_rng(self.seed)
        train, val = train[0], val[0]
        n_val = len(val)
        watched_key = "val_loss" if self.monitor == "total" else f"val_{self.monitor}"
        best, best_state, history = math.inf, None, []
        bar = tqdm(total=self.epochs * self.inner_epochs, desc="GBOC", unit="pass",
                   disable=self.verbose == 0)
        stopped = False
        for epoch in range(1, self.epochs + 1):
            model.eval()
            codes = self._encode(model, train)
            centers_np = self._balls(codes, sampler).centers
            centers = torch.as_tensor(centers_np, dtype=torch.float32, device=self.device_)
            nearest = torch.from_numpy(self._nearest(codes, centers_np))
            checked = val if n_val else train
            checked_nearest = (torch.from_numpy(self._nearest(self._encode(model, val),
                                                              centers_np))
                               if n_val else nearest)
            epoch_best, epoch_state, stale = math.inf, None, 0
            for inner in range(1, self.inner_epochs + 1):
                train_loss = self._train_pass(model, optimizer, [train, nearest], order,
                                              centers, epoch)
                if schedule is not None:
                    schedule.step()
                val_loss, parts = self._evaluate(model, [checked, checked_nearest], centers)
                entry = {"epoch": epoch, "inner": inner, "train_loss": train_loss,
                         "val_loss": val_loss, **{f"val_{k}": v for k, v in parts.items()},
                         "n_balls": int(centers_np.shape[0])}
                history.append(entry)
                bar.update(1)
                bar.set_postfix(epoch=epoch, train=f"{entry['train_loss']:.4g}",
                                val=f"{val_loss:.4g}", balls=entry["n_balls"])
                if entry[watched_key] < epoch_best:
                    epoch_best, stale = entry[watched_key], 0
                    epoch_state = copy.deepcopy(model.state_dict()) if self.patience else None
                else:
                    stale += 1
                    if self.patience is not None and stale >= self.patience:
                        model.load_state_dict(epoch_state)
                        stopped = True
                        break
            if epoch_best < best:
                best, best_state = epoch_best, copy.deepcopy(model.state_dict())
        close_bar(bar, stopped)
        if best_state is not None:
            model.load_state_dict(best_state)
        return history

    def _after_training(self, X, samples):
        """The balls of the training codes (transductive: of the whole fitted series in its own
        statistics), the score's scale and the training scores."""
        transductive = self.protocol == "transductive"
        windows, balls = self._own_balls(X) if transductive else \
            (samples[0], self._balls(self._encode(self.model_, samples[0]),
                                     np.random.default_rng(self.seed)))
        self.centers_, self.radii_ = balls.centers, balls.radii
        self.n_balls_ = int(balls.centers.shape[0])
        parts = self._parts(windows, self.centers_)
        self.score_scale_ = _scale(parts)
        if self.stride == 1 or transductive:
            return window_scores_to_points(self._combine(parts, self.score_scale_), self.window)
        return self._score(X)

    # --- model specifics -----------------------------------------------------------------------
    def _encode(self, model, windows) -> np.ndarray:
        """Latent codes (n_windows, hidden * n_layers) float64, checked finite once here (the
        kernels take them unchecked)."""
        return _finite(self._infer(model.encode, windows).double().numpy())

    def _balls(self, codes: np.ndarray, sampler: np.random.Generator):
        """The balls of ``codes`` (n, latent), or of ``max_ball_points`` of them drawn by
        ``sampler``."""
        if self.max_ball_points is not None and codes.shape[0] > self.max_ball_points:
            rows = np.sort(sampler.choice(codes.shape[0], self.max_ball_points, replace=False))
            codes = np.ascontiguousarray(codes[rows])
        return granular_balls_unchecked(codes, self.min_support, float(self.prune_kappa),
                                        self.seed, 1e-4, self.backend, self.rule,
                                        self.split_size, float(self.radius_factor))

    def _nearest(self, codes: np.ndarray, centers: np.ndarray) -> np.ndarray:
        return nearest_center_unchecked(codes, centers, self.backend)[1].astype(np.int64)

    def _score(self, X: np.ndarray) -> np.ndarray:
        """Point scores (n,). Inductive: windows are encoded and matched to the training balls
        one inference batch at a time, so memory beyond X and the scores does not grow with the
        series. Transductive: X in its own statistics, balls of its own codes."""
        if X.shape[0] < self.window:
            raise ValueError(f"X has {X.shape[0]} rows, fewer than window={self.window}")
        if self.protocol == "transductive":
            windows, balls = self._own_balls(X)
            parts = self._parts(windows, balls.centers)
            scale = _scale(parts)
        else:
            parts = self._parts(sliding_windows(self._standardized(X), self.window), self.centers_)
            scale = self.score_scale_
        return window_scores_to_points(self._combine(parts, scale), self.window)

    def _stream_scorer(self):
        from tsad_fast.streams import SlidingScores

        if self.protocol == "transductive":
            raise ValueError("protocol='transductive' scores a series against balls of its own "
                             "codes, which a stream does not have until it ends; stream a "
                             "GBOC with protocol='inductive'")

        def window_scores(rows):
            windows = sliding_windows(self._standardized(rows), self.window)
            return self._combine(self._parts(windows, self.centers_), self.score_scale_)

        return SlidingScores(self.n_features_in_, self.window, window_scores)

    def _own_balls(self, X: np.ndarray):
        """(windows of X z-normalised with its own statistics, the balls of their codes)."""
        import torch

        own = np.ascontiguousarray(Standardizer.fit(X).transform(X), np.float32)
        windows = sliding_windows(torch.from_numpy(own), self.window)
        return windows, self._balls(self._encode(self.model_, windows),
                                    np.random.default_rng(self.seed))

    def _parts(self, windows, centers: np.ndarray) -> np.ndarray:
        """(n_windows, 2) float64: each window's distance to the nearest of ``centers`` and the
        mean squared error of its reconstruction, one inference batch at a time."""
        import torch

        def run(batch):
            z, reconstruction = self.model_(batch)
            codes = _finite(z.double().cpu().numpy())
            distance = nearest_center_unchecked(codes, centers, self.backend)[0]
            error = (reconstruction - self.model_.target(batch)).pow(2)
            return torch.stack([torch.from_numpy(distance),
                                error.reshape(len(batch), -1).mean(1).double().cpu()], 1)

        return self._infer(run, windows).numpy()

    def _combine(self, parts: np.ndarray, scale: np.ndarray) -> np.ndarray:
        """Window scores (n_windows,) from ``_parts``: the distance (``score="balls"``), or the
        distance and the reconstruction error each in units of ``scale``, added."""
        if self.score == "balls":
            return parts[:, 0]
        return parts[:, 0] / scale[0] + parts[:, 1] / scale[1]

    # --- persistence ---------------------------------------------------------------------------
    @classmethod
    def _upgrade_params(cls, params: Dict[str, Any]) -> Dict[str, Any]:
        """A file without ``decoder`` (the older format) holds the ``_LEGACY`` network and rule."""
        return params if "decoder" in params else {**params, **_LEGACY}

    def _fitted_state(self) -> Dict[str, Any]:
        return {**super()._fitted_state(), "centers": self.centers_, "radii": self.radii_,
                "score_scale": self.score_scale_}

    def _restore_fitted(self, state: Dict[str, Any]) -> None:
        self.centers_ = to_numpy(state["centers"])
        self.radii_ = to_numpy(state["radii"])
        self.score_scale_ = to_numpy(state["score_scale"]) if "score_scale" in state \
            else np.ones(2)
        self.n_balls_ = int(self.centers_.shape[0])
        super()._restore_fitted(state)


def _scale(parts: np.ndarray) -> np.ndarray:
    """The means (2,) of the distances and the reconstruction errors (1 where a mean is 0)."""
    means = parts.mean(axis=0)
    return np.where(means > 0, means, 1.0)


def _finite(codes: np.ndarray) -> np.ndarray:
    if not np.isfinite(codes).all():
        raise FloatingPointError("GBOC: the encoder produced NaN/inf codes (training diverged; "
                                 "lower lr)")
    return codes
