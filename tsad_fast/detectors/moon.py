"""Moon: supervised per-timestamp classification of a multivariate series from two
modalities, the raw rows and their MV-MTF rows (:class:`tsad_fast.kernels.MVMTF`, learned on
the training data and applied to new data), by the Multimodal-CNN of
:mod:`tsad_fast.nn.multimodal_cnn`. The cross-modal attention is trained with the rest (the
published code creates it after the optimizer, so it never learns). ``modality="raw"`` or
``"mtf"`` trains on one modality alone (the ablation of paper Table IV).

The explanations (``explain``, ``report``) and the anomaly types learned in ``fit`` are
:mod:`tsad_fast.explain.multimodal`'s; the training loop, thresholds and persistence are the
template's (:mod:`.torch_detector`).
"""
from __future__ import annotations

from typing import Any, Dict, List, Union

import numpy as np

from tsad_fast._validation import as_float_array, as_series, check_int, check_real
from tsad_fast.detectors.base import to_numpy
from tsad_fast.detectors.torch_detector import TorchDetector
from tsad_fast.kernels.mv_mtf import MVMTF

_N_BACKGROUND = 10  # normal training rows kept as the explainer's reference
_TYPE_ROWS = 256  # labelled anomalies (a seeded sample) that the types are clustered from
_MODALITIES = ("both", "raw", "mtf")
_SAMPLINGS = ("all", "balanced")


class Moon(TorchDetector):
    """Moon detector (PyOD/TSB-AD contract, supervised: ``fit(X, y)``).

    Parameters
    ----------
    alpha, bins : MV-MTF's own-transition weight and candidate bin counts
    os_budget : OS-CNN's parameter budgets of its first two layers, which set the channel
        counts (the OS-CNN rule's 1024 and 229376); smaller values give a smaller network
    modality : ``"both"`` (Moon), ``"raw"`` or ``"mtf"`` (one modality alone: the ablation;
        ``explain`` needs both)
    n_types : anomaly types clustered from the labelled anomalies (paper: three on SMD)
    epochs, batch_size, lr : Adam training of the cross-entropy
    sampling : the timestamps an epoch trains on: ``"all"`` (default, the paper: each one once)
        or ``"balanced"``: every anomalous timestamp and as many normal ones, drawn afresh
        each epoch (seeded). An epoch then costs twice the anomalies' count instead of the
        series' length.
    patience, validation_size, monitor : early stopping on the last ``validation_size`` of the
        timestamps (default: none: a fixed number of epochs, as the paper trains)
    threshold : the decision on P(anomaly): a number (default 0.5, the classifier's decision),
        ``"best-f1"`` (the cut with the best F1 on the held-out last ``validation_size`` of
        the timestamps, or on the training timestamps when there are none) or a thresholder
        (:mod:`tsad_fast.thresholds`)
    device : ``"auto"``, ``"cpu"`` or ``"cuda"`` (resolved in ``fit``)
    seed : seeds the weights and the batch order
    verbose : 0 silences the per-epoch progress bar
    backend : kernel backend of the MV-MTF conversion
    n_threads : torch threads, or ``"auto"``: every core the process may use (the OS-CNN
        convolutions gain from each)

    ``decision_function(X)`` is the anomaly probability of each timestamp.
    """

    supervised = True
    _min_batch = 2  # batch normalisation needs two samples

    def __init__(self, alpha: float = 0.9, bins=range(6, 12), os_budget=(1024, 229376),
                 modality: str = "both", n_types: int = 3, epochs: int = 5, batch_size: int = 64,
                 lr: float = 1e-3, sampling: str = "all", patience=None,
                 validation_size: float = 0.0, monitor: str = "total", threshold=0.5,
                 device: str = "auto", seed: int = 2024, verbose: int = 1,
                 backend: str = "auto", n_threads="auto"):
        self.alpha = alpha
        self.bins = bins
        self.os_budget = os_budget
        self.modality = modality
        self.n_types = n_types
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.sampling = sampling
        self.patience = patience
        self.validation_size = validation_size
        self.monitor = monitor
        self.threshold = threshold
        self.device = device
        self.seed = seed
        self.verbose = verbose
        self.backend = backend
        self.n_threads = n_threads

    def _check_model_params(self) -> None:
        if self.modality not in _MODALITIES:
            raise ValueError(f"modality must be one of {_MODALITIES}, got {self.modality!r}")
        check_int(self.n_types, "n_types", 1)
        if self.sampling not in _SAMPLINGS:
            raise ValueError(f"sampling must be one of {_SAMPLINGS}, got {self.sampling!r}")
        self._budget()

    def _budget(self):
        budget = tuple(self.os_budget)
        if len(budget) != 2 or any(isinstance(b, bool) or not isinstance(b, (int, np.integer))
                                   or b < 1 for b in budget):
            raise ValueError(f"os_budget must be two positive integers, got {self.os_budget!r}")
        return budget

    # --- the template's hooks ------------------------------------------------------------------
    def _validate_training_data(self, X, y):
        X = as_series(X, "X", min_length=2)
        if y is None:
            raise TypeError("Moon is supervised: fit(X, y) needs the labels y")
        y = as_float_array(y, "y")
        if y.size != X.shape[0]:
            raise ValueError(f"y has {y.size} labels for {X.shape[0]} rows of X")
        if not np.isin(y, (0.0, 1.0)).all():
            raise ValueError("y must hold only 0 and 1")
        if y.min() == y.max():
            raise ValueError("y must contain both normal (0) and anomalous (1) timestamps")
        return X, y

    def _prepare(self, X, y):
        import torch

        self.mvmtf_ = MVMTF(alpha=self.alpha, bins=self.bins, backend=self.backend).fit(X)
        raw, mtf = self._inputs(X)
        return [raw, mtf, torch.from_numpy(y.astype(np.int64))]

    def _build_model(self):
        from tsad_fast.nn.multimodal_cnn import MultimodalCNN

        return MultimodalCNN(self.n_features_in_, self._budget())

    def _loss(self, model, batch, context):
        import torch

        raw, mtf, target = batch
        logits = self.logits(raw, mtf, model)
        return torch.nn.functional.cross_entropy(logits, target), {}

    def _epoch_samples(self, train, order):
        import torch

        if self.sampling == "all":
            return super()._epoch_samples(train, order)
        target = train[2]
        anomalies = torch.nonzero(target == 1).flatten()
        normal = torch.nonzero(target == 0).flatten()
        drawn = normal[torch.randperm(normal.numel(), generator=order)[:anomalies.numel()]]
        picked = torch.cat([anomalies, drawn])
        return picked[torch.randperm(picked.numel(), generator=order)]

    def _after_training(self, X, samples):
        from tsad_fast.explain.multimodal import MultimodalExplainer

        raw, mtf, target = samples
        y = target.numpy()
        normal = np.flatnonzero(y == 0)
        pick = np.random.default_rng(self.seed).choice(normal, min(_N_BACKGROUND, normal.size),
                                                       replace=False)
        self.background_ = X[np.sort(pick)]
        self.type_centers_ = None
        if self.modality == "both":
            rows = np.flatnonzero(y == 1)
            if rows.size > _TYPE_ROWS:
                rows = np.sort(np.random.default_rng(self.seed).choice(rows, _TYPE_ROWS,
                                                                       replace=False))
            self.type_centers_ = MultimodalExplainer(self).fit_types(X, raw, mtf, rows)
        return self._probabilities(raw, mtf)

    # --- the network's inputs and outputs (what the explainer reads) --------------------------
    def logits(self, raw, mtf, model=None):
        """The network's logits (B, 2) (normal, anomaly) of raw and MV-MTF rows (B, c) (tensors
        on the model's device, as :meth:`inputs` gives them), for this ``modality``; ``model``:
        another network of this detector's shape (training passes the one it trains)."""
        model = self.model_ if model is None else model
        return {"both": lambda: model(raw, mtf), "raw": lambda: model(raw),
                "mtf": lambda: model(mtf)}[self.modality]()

    def inputs(self, X: np.ndarray):
        """The network's two inputs of the rows X (n, c): (raw rows, MV-MTF rows with the
        fitted bins and transitions), float32 tensors (n, c) each. ValueError for X that is
        not finite, empty, or of another channel count than the fit's."""
        if not hasattr(self, "mvmtf_"):  # set in fit before the training (the types use it)
            self._check_fitted()
        X = as_series(X, "X")
        self._check_features(X)
        return self._inputs(X)

    def _inputs(self, X: np.ndarray):
        """:meth:`inputs` of validated rows."""
        import torch

        return (torch.from_numpy(X.astype(np.float32)),
                torch.from_numpy(self.mvmtf_.transform(X).astype(np.float32)))

    def _score(self, X: np.ndarray) -> np.ndarray:
        return self._probabilities(*self._inputs(X))

    def _stream_scorer(self):
        from tsad_fast.streams import CausalScores

        def scores(rows, start):  # MV-MTF reads the row before; the network only the new rows
            raw, mtf = self._inputs(rows)
            return self._probabilities(raw[start:], mtf[start:])

        return CausalScores(self.n_features_in_, 1, scores)

    def _one_thread(self, rows) -> bool:
        return False  # a timestamp's network pass is heavy enough for every core

    def _probabilities(self, raw, mtf) -> np.ndarray:
        """P(anomaly) (n,) of raw and MV-MTF rows (n, c), in batches without gradients."""
        import torch

        def prob(r, m):
            return torch.softmax(self.logits(r, m), dim=1)[:, 1]

        return self._infer(prob, raw, mtf).double().numpy()

    # --- explanations ------------------------------------------------------------------------
    def explain(self, X, t: Union[int, List[int]], omega: float = 0.8,
                n_coalitions: Union[int, None] = 256, n_gradient_samples: int = 64):
        """:class:`tsad_fast.explain.multimodal.Explanation` of timestamp ``t`` of X (or a list
        of them, for a list of indices); see :mod:`tsad_fast.explain.multimodal`.

        Parameters
        ----------
        X : array (n, c), the series t indexes
        t : int or list of int, the timestamp(s) to explain
        omega : weight of the raw modality's Kernel SHAP in the fused contributions
        n_coalitions : Kernel SHAP coalitions for the raw row (None: all 2^c - 2, exact). Each
            costs one pass of the network over the background rows; 256 rank the labelled
            causes as well as 2,048 do on the SMD machines (HitRate@P%), 64 do not
        n_gradient_samples : (background row, interpolation point) pairs of expected gradients
        """
        from tsad_fast.explain.multimodal import MultimodalExplainer

        self._check_fitted()
        if self.modality != "both":
            raise ValueError(f"explain needs modality='both' (this model: {self.modality!r})")
        X = as_series(X, "X")
        self._check_features(X)
        for i in (t if isinstance(t, (list, tuple)) else [t]):
            if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < len(X):
                raise ValueError(f"t must be an index into X (0 .. {len(X) - 1}), got {i!r}")
        omega = check_real(omega, "omega", 0.0, 1.0)
        check_int(n_gradient_samples, "n_gradient_samples", 1)
        with self._thread_budget():
            return MultimodalExplainer(self).explain(X, t, omega, n_coalitions,
                                                     n_gradient_samples)

    @staticmethod
    def report(explanations, path, variable_names=None) -> dict:
        """Write the explanations as ``path.json``, ``path.md`` and a bar chart ``path.png``
        (:func:`tsad_fast.explain.write_report`); returns the paths written."""
        from tsad_fast.explain import write_report

        return write_report(explanations, path, variable_names)

    # --- persistence -------------------------------------------------------------------------
    def _fitted_state(self) -> Dict[str, Any]:
        return {**self.mvmtf_.to_state(), "background": self.background_,
                "type_centers": self.type_centers_}

    def _restore_fitted(self, state: Dict[str, Any]) -> None:
        self.mvmtf_ = MVMTF.from_state(state, alpha=self.alpha, bins=self.bins,
                                       backend=self.backend)
        self.background_ = to_numpy(state["background"])
        centers = state.get("type_centers")  # absent in files written before the types
        self.type_centers_ = None if centers is None else to_numpy(centers)
