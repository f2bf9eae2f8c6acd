"""The template of the torch detectors (PyOD's ``BaseDeepLearningDetector`` in spirit): data
preparation, the network, its loss and its scores are the model's; everything else is here,
written once.

``fit(X, y=None)``: validate; prepare the training samples (``_prepare``: tensors with one row
per sample, in time order); the last ``validation_size`` of them validate (``_split``); build the network
from the fitted data's shape (``_build_model``) and train it under a forked, seeded torch RNG
(seeded weights and training-time sampling; the global RNG is untouched): Adam for up to
``epochs`` epochs in seeded shuffled batches (``_train_pass``), with a tqdm bar (``verbose=0``
hides it); stop early when the monitored validation loss has not improved for
``patience`` epochs and restore the best weights (``patience=None`` trains every epoch and
keeps the last); then ``_after_training`` gives the training scores and the thresholder is
fitted on them. Torch runs with the thread count that fits the model (``n_threads``, see
:mod:`tsad_fast._threads`), in ``fit``, ``decision_function`` and the model's other entry
points alike. Inference runs without gradients in batches of
:func:`tsad_fast.config.inference_batch` samples.

Subclasses implement ``_prepare``, ``_build_model``, ``_loss``, ``_after_training``,
``_score``, ``_fitted_state`` / ``_restore_fitted`` (their own fitted arrays; the network's
``state_dict``, the training scores, the thresholder and the history are saved here; on
``load`` their own attributes come back first, then the network is built from them), and
``_check_model_params`` for their own parameters; they may override ``_split`` (which samples validate; SCAN takes its
validation windows from rows no training window covers) and ``_train`` (GBOC's outer epochs).
"""
from __future__ import annotations

import abc
import contextlib
import copy
import math
import warnings
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from tsad_fast import _threads
from tsad_fast._validation import as_series, check_int, check_real
from tsad_fast.config import inference_batch
from tsad_fast.detectors.base import BaseDetector, resolve_device, to_numpy
from tsad_fast.thresholds import as_thresholder


def close_bar(bar, stopped_early: bool) -> None:
    """Close a training progress bar; one stopped early ends at 100 % of the passes it ran and
    says so, rather than looking interrupted."""
    if stopped_early and not bar.disable:
        bar.total = bar.n
        bar.set_description(f"{bar.desc}, stopped early", refresh=False)
    bar.close()


class TorchDetector(BaseDetector):
    """Template for torch detectors; see the module docstring.

    Subclasses store, in ``__init__``, at least: ``epochs``, ``batch_size``, ``lr``,
    ``patience`` (int >= 1 or None), ``validation_size``, ``monitor`` ("total" or a name in
    ``_loss_parts``), ``threshold``, ``device``, ``seed``, ``verbose``, ``n_threads`` ("auto"
    or int >= 1).
    """

    _min_batch = 1  # training batches smaller than this are skipped (batch normalisation: 2)
    _loss_parts: Tuple[str, ...] = ()  # named parts of the loss that ``monitor`` may watch
    _auto_threads: Optional[int] = None  # threads of n_threads="auto"; None: every usable core

    # --- the model's part ----------------------------------------------------------------------
    def _check_model_params(self) -> None:
        """Validate the model's own parameters (TypeError/ValueError naming them)."""

    @abc.abstractmethod
    def _prepare(self, X: np.ndarray, y: Optional[np.ndarray]) -> Sequence[Any]:
        """Training samples from the validated series X (n, c): tensors sharing their first
        dimension (one row per sample, in time order)."""

    @abc.abstractmethod
    def _build_model(self):
        """The network, built from the fitted attributes (``n_features_in_``, ...)."""

    @abc.abstractmethod
    def _loss(self, model, batch: Sequence[Any], context: Any) -> Tuple[Any, Dict[str, Any]]:
        """(scalar loss tensor, {part name: scalar tensor}) of a batch on the model's device;
        ``context`` is what the training loop passes (None in the template's, GBOC's ball
        centers in its own)."""

    @abc.abstractmethod
    def _after_training(self, X: np.ndarray, samples: Sequence[Any]) -> np.ndarray:
        """Set the model's own fitted attributes; return the training scores (n,)."""

    # --- parameters ----------------------------------------------------------------------------
    def _check_params(self) -> None:
        check_int(self.epochs, "epochs", 1)
        check_int(self.batch_size, "batch_size", self._min_batch)
        check_real(self.lr, "lr", 0.0, math.inf, low_open=True, high_open=True)
        if self.patience is not None:
            check_int(self.patience, "patience", 1)
        check_real(self.validation_size, "validation_size", 0.0, 1.0, high_open=True)
        if self.monitor != "total" and self.monitor not in self._loss_parts:
            raise ValueError(f"monitor must be one of {('total',) + self._loss_parts}, got "
                             f"{self.monitor!r}")
        check_int(self.seed, "seed", 0)
        check_int(self.verbose, "verbose", 0)
        if self.n_threads != "auto":
            check_int(self.n_threads, "n_threads", 1)
        as_thresholder(self.threshold)
        resolve_device(self.device)
        self._check_model_params()

    def _threads(self, inference: bool = False) -> int:
        """Torch threads: ``n_threads``, or with "auto" every usable core for inference passes
        (batches of the configured ``inference_batch``) and ``_auto_threads`` of them for training steps."""
        if self.n_threads != "auto":
            return int(self.n_threads)
        if getattr(self, "_single", False):  # a stream's small update (see _scoring)
            return 1
        cores = _threads.usable_cores()
        if inference or self._auto_threads is None:
            return cores
        return min(self._auto_threads, cores)

    def _thread_budget(self, inference: bool = False):
        if self._threads(inference) > 1 and _threads.torch_spins() and not _threads.warned_once():
            warnings.warn("torch was imported before tsad_fast, so its OpenMP threads wait by "
                          "spinning and slow down beside other busy processes; import "
                          "tsad_fast first, set OMP_WAIT_POLICY=PASSIVE, or pass n_threads=1",
                          RuntimeWarning, stacklevel=3)
        return _threads.torch_threads(self._threads(inference))

    # --- fit -----------------------------------------------------------------------------------
    def _validate_training_data(self, X, y):
        """X (and y, for supervised models) validated; y is ignored by default."""
        return as_series(X, "X"), None

    def fit(self, X, y=None):
        """Train on X (n, c) (1-D: one channel); see the module docstring."""
        import torch

        self._check_params()
        X, y = self._validate_training_data(X, y)
        self.n_features_in_ = X.shape[1]
        self.device_ = resolve_device(self.device)
        with self._thread_budget():
            samples = self._prepare(X, y)
            train, val = self._split(X, samples)
            if self.supervised:  # its samples are the rows: the first len(train) of them train
                trained = y[:len(train[0])]
                if trained.min() == trained.max():
                    raise ValueError(f"y holds only class {int(trained[0])} in the "
                                     f"{trained.size} rows {type(self).__name__} trains on "
                                     f"(before the last validation_size={self.validation_size} "
                                     "of X): nothing to learn from; lower validation_size")
            self._check_threshold_labels(y, self._held_out(train, val))
            # every GPU's generator too: manual_seed seeds them all (lazily, even for a CPU fit)
            devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
            with torch.random.fork_rng(devices=devices):
                torch.manual_seed(self.seed)  # the weights and any sampling in training
                model = self._build_model().to(self.device_)
                self.history_ = self._train(model, train, val)
            self.model_ = model.eval()
            scores = self._after_training(X, samples)
        self.decision_scores_ = scores
        self._set_threshold(scores, y, self._held_out(train, val))
        return self

    @staticmethod
    def _held_out(train, val) -> slice:
        """The rows a supervised detector's labelled cut is fitted on: the held-out samples
        when there are any, else every one."""
        return slice(len(train[0]), None) if len(val[0]) else slice(None)

    def _split(self, X: np.ndarray, samples: Sequence[Any]) -> Tuple[List[Any], List[Any]]:
        """(training samples, validation samples) of ``_prepare``'s samples: the last
        ``validation_size`` of them validate."""
        n = len(samples[0])
        n_val = int(n * self.validation_size)
        if n - n_val < 2:
            raise ValueError(f"X has {X.shape[0]} rows, which give {n} training samples; "
                             f"with validation_size={self.validation_size} fewer than 2 "
                             "remain to train on")
        return [t[:n - n_val] for t in samples], [t[n - n_val:] for t in samples]

    def _train(self, model, train: Sequence[Any], val: Sequence[Any]) -> List[Dict[str, Any]]:
        """Train ``model`` on the samples ``train``, early-stopped on ``val`` (tensors sharing
        their first dimension; ``val`` may hold none); returns the history."""
        import torch
        from tqdm.auto import tqdm

        # foreach: the same updates bit for bit as the per-tensor loop, and cheaper on models
        # of many small tensors (GBOC's LSTM)
        optimizer = torch.optim.Adam(model.parameters(), lr=self.lr, foreach=True)
        order = torch.Generator().manual_seed(self.seed)
        n_val = len(val[0])
        best, best_state, stale, history = math.inf, None, 0, []
        bar = tqdm(total=self.epochs, desc=type(self).__name__, unit="epoch",
                   disable=self.verbose == 0)
        stopped = False
        for epoch in range(self.epochs):
            entry = {"epoch": epoch + 1,
                     "train_loss": self._train_pass(model, optimizer, train, order, None,
                                                    epoch + 1)}
            if self.patience is not None or n_val:
                val_loss, parts = self._evaluate(model, val if n_val else train, None)
                entry.update({"val_loss": val_loss, **{f"val_{k}": v for k, v in parts.items()}})
            history.append(entry)
            bar.update(1)
            bar.set_postfix({k.replace("_loss", ""): f"{v:.4g}" if isinstance(v, float) else v
                             for k, v in entry.items() if k != "epoch"})
            if self.patience is None:
                continue
            watched = entry["val_loss" if self.monitor == "total" else f"val_{self.monitor}"]
            if watched < best:
                best, best_state, stale = watched, copy.deepcopy(model.state_dict()), 0
            else:
                stale += 1
                if stale >= self.patience:
                    stopped = True
                    break
        close_bar(bar, stopped)
        if best_state is not None:
            model.load_state_dict(best_state)
        return history

    def _train_pass(self, model, optimizer, train, order, context, epoch: int) -> float:
        """One pass over the training samples ``train`` (tensors sharing their first dimension)
        in batches shuffled by the generator ``order``; returns the mean training loss."""
        import torch

        model.train()
        total, count = 0.0, 0
        for batch in self._epoch_samples(train, order).split(self.batch_size):
            if len(batch) < self._min_batch:
                continue
            loss, _ = self._loss(model, [t[batch].to(self.device_) for t in train], context)
            if not torch.isfinite(loss):
                raise FloatingPointError(f"{type(self).__name__}: the training loss became "
                                         f"{loss.item()} in epoch {epoch}; lower lr")
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, count = total + loss.item() * len(batch), count + len(batch)
        return total / max(count, 1)

    def _epoch_samples(self, train, order):
        """Indices of the training samples one epoch visits, in order: all of them, shuffled by
        the generator ``order`` (a model may draw others, with the same generator)."""
        import torch

        return torch.randperm(len(train[0]), generator=order)

    def _evaluate(self, model, tensors, context) -> Tuple[float, Dict[str, float]]:
        """(mean loss, {part: mean}) over samples, in inference batches without gradients."""
        import torch

        model.eval()
        n = len(tensors[0])
        total, parts = 0.0, {}
        with torch.no_grad(), self._thread_budget(inference=True):
            size = inference_batch(self)
            for start in range(0, n, size):
                batch = [t[start:start + size].contiguous().to(self.device_)
                         for t in tensors]
                loss, named = self._loss(model, batch, context)
                size = len(batch[0])
                total += loss.item() * size
                for key, value in named.items():
                    parts[key] = parts.get(key, 0.0) + value.item() * size
        return total / n, {k: v / n for k, v in parts.items()}

    # --- inference -----------------------------------------------------------------------------
    def _infer(self, fn: Callable, *tensors, batch: Optional[int] = None):
        """``fn`` applied to the samples of ``tensors`` in batches without gradients, on the
        model's device; the outputs concatenated on the CPU."""
        import torch

        size = batch or inference_batch(self)
        out = []
        with torch.no_grad(), self._thread_budget(inference=True):
            for start in range(0, len(tensors[0]), size):
                out.append(fn(*[t[start:start + size].contiguous().to(self.device_)
                                for t in tensors]).cpu())
        return torch.cat(out)

    @contextlib.contextmanager
    def _scoring(self, rows=None):
        self._single = self._one_thread(rows)  # read by _threads, inference passes included
        try:
            with self._thread_budget():
                yield
        finally:
            self._single = False

    def decision_function(self, X) -> np.ndarray:
        """Anomaly score per timestamp (n,) float64, higher = more anomalous."""
        self._check_fitted()
        with self._thread_budget():
            return super().decision_function(X)

    # --- persistence ---------------------------------------------------------------------------
    @abc.abstractmethod
    def _fitted_state(self) -> Dict[str, Any]:
        """The model's own fitted attributes, as arrays and plain values."""

    @abc.abstractmethod
    def _restore_fitted(self, state: Dict[str, Any]) -> None:
        """Set the model's own fitted attributes from ``_fitted_state``'s entries in
        ``state`` (``n_features_in_`` is back already; the network is built afterwards)."""

    def _state(self) -> Dict[str, Any]:
        return {"model": self.model_.state_dict(), "n_features_in": self.n_features_in_,
                "decision_scores": self.decision_scores_, "history": self.history_,
                **self._fitted_state()}

    def _restore(self, state: Dict[str, Any]) -> None:
        self.n_features_in_ = int(state["n_features_in"])
        self._restore_fitted(state)
        self.device_ = resolve_device(self.device)
        self.decision_scores_ = to_numpy(state["decision_scores"])
        self.history_ = list(state["history"])
        self.model_ = self._build_model()
        self.model_.load_state_dict(state["model"])
        self.model_.to(self.device_).eval()
