"""Moon (SPEC 2.2): supervised per-timestamp classification of a multivariate series from two
modalities, the raw rows and their MV-MTF rows (:class:`tsad_fast.kernels.MVMTF`, learned on
the training data and applied to new data), by the Multimodal-CNN of
:mod:`tsad_fast.nn.multimodal_cnn`. The cross-modal attention is trained with the rest (the
published code creates it after the optimizer, so it never learns).

``explain(X, t)`` attributes a timestamp's anomaly probability to the variables (SPEC 2.2):
Kernel SHAP over the raw row (the MV-MTF row held at its value) and expected gradients over the
MV-MTF row (the raw row held), both against normal training rows, fused as
``s_v = omega * sK_v + (1 - omega) * sum_j(sK_j) * sG_v / c``; the critical point of
Definition 4 (how many top-ranked variables must be reset to normal before the model says
normal); and the anomaly type. Types are learned in ``fit``: k-means (``n_types`` clusters) over
the attribution-weighted rows of the labelled anomalies, ``(x - reference) * |a| / sum|a|`` with
``a`` the expected gradients of the raw row (batched and cheap, where Kernel SHAP per training
row would cost minutes) and ``reference`` the mean normal background row; a new anomaly gets
the type of the nearest cluster center (the classifier the paper builds on its clusters).
``modality="raw"`` or ``"mtf"`` trains on one modality alone (the ablation of paper Table IV).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, List, Union

import numpy as np

from tsad_fast._validation import as_float_array, as_series, check_int, check_real
from tsad_fast.detectors.base import BaseDetector, resolve_device
from tsad_fast.kernels.kmeans import kmeans_assign
from tsad_fast.kernels.mv_mtf import MVMTF

_BATCH_EVAL = 2048
_N_BACKGROUND = 10  # normal training rows kept as the explainer's reference
_TYPE_ROWS = 256  # labelled anomalies (a seeded sample) that the types are clustered from
_TYPE_SAMPLES = 4  # expected-gradient samples per row of the type features
_GRAD_CHUNK = 512  # rows per forward/backward pass of the expected gradients
_MODALITIES = ("both", "raw", "mtf")


@dataclass(frozen=True)
class Explanation:
    """Why timestamp ``t`` scored ``score``: ``contributions`` (c,) the fused s_v, ``ranking``
    (c,) variable indices by decreasing contribution, ``raw_shap`` (c,) Kernel SHAP of the raw
    row, ``mtf_shap`` (c,) expected gradients of the MV-MTF row, ``critical_point`` k (Definition
    4: replacing the first k ranked variables by a normal reference makes the model say normal;
    c when nothing short of all does; 0 when the timestamp is not flagged), ``anomaly_type`` the
    index of its anomaly type (-1 when the timestamp is not flagged)."""

    t: int
    score: float
    contributions: np.ndarray
    ranking: np.ndarray
    raw_shap: np.ndarray
    mtf_shap: np.ndarray
    critical_point: int
    anomaly_type: int

    @property
    def top_variables(self) -> np.ndarray:
        """The variables that cause the anomaly: the first ``critical_point`` of the ranking."""
        return self.ranking[:self.critical_point]

    def as_dict(self) -> Dict[str, Any]:
        return {"timestamp": self.t, "score": self.score, "critical_point": self.critical_point,
                "type": self.anomaly_type,
                "top_variables": [{"variable": int(v), "contribution": float(self.contributions[v])}
                                  for v in self.top_variables],
                "ranking": self.ranking.tolist(), "contributions": self.contributions.tolist()}


class Moon(BaseDetector):
    """Moon detector (PyOD/TSB-AD contract, supervised: ``fit(X, y)``).

    Parameters
    ----------
    alpha, bins : MV-MTF's own-transition weight and candidate bin counts (SPEC 1.1)
    os_budget : OS-CNN's parameter budgets of its first two layers, which set the channel
        counts (SPEC 2.2: 1024 and 229376); smaller values give a smaller network
    modality : ``"both"`` (Moon), ``"raw"`` or ``"mtf"`` (one modality alone: the ablation;
        ``explain`` needs both)
    n_types : anomaly types clustered from the labelled anomalies (paper: three on SMD)
    epochs, batch_size, lr : Adam training of the cross-entropy
    device : ``"auto"``, ``"cpu"`` or ``"cuda"`` (resolved in ``fit``)
    seed : seeds the weights and the batch order
    verbose : 0 silences the per-epoch progress bar
    backend : kernel backend of the MV-MTF conversion

    ``decision_function(X)`` is the anomaly probability of each timestamp; ``threshold_`` is
    0.5 (the classifier's decision).
    """

    def __init__(self, alpha: float = 0.9, bins=range(6, 12), os_budget=(1024, 229376),
                 modality: str = "both", n_types: int = 3, epochs: int = 5, batch_size: int = 64,
                 lr: float = 1e-3, device: str = "auto", seed: int = 2024, verbose: int = 1,
                 backend: str = "auto"):
        self.alpha = alpha
        self.bins = bins
        self.os_budget = os_budget
        self.modality = modality
        self.n_types = n_types
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.device = device
        self.seed = seed
        self.verbose = verbose
        self.backend = backend

    def _check_params(self) -> None:
        if self.modality not in _MODALITIES:
            raise ValueError(f"modality must be one of {_MODALITIES}, got {self.modality!r}")
        check_int(self.n_types, "n_types", 1)
        check_int(self.epochs, "epochs", 1)
        check_int(self.batch_size, "batch_size", 2)  # batch normalisation needs two samples
        check_int(self.seed, "seed", 0)
        check_int(self.verbose, "verbose", 0)
        self._budget()
        check_real(self.lr, "lr", 0.0, math.inf, low_open=True, high_open=True)
        resolve_device(self.device)

    def _budget(self):
        budget = tuple(self.os_budget)
        if len(budget) != 2 or any(isinstance(b, bool) or not isinstance(b, (int, np.integer))
                                   or b < 1 for b in budget):
            raise ValueError(f"os_budget must be two positive integers, got {self.os_budget!r}")
        return budget

    def fit(self, X, y=None) -> "Moon":
        """Train on X (n, c) with labels y (n,) of 0/1, both classes present."""
        import torch
        from tqdm.auto import tqdm

        from tsad_fast.nn.multimodal_cnn import MultimodalCNN

        self._check_params()
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
        self.n_features_in_ = X.shape[1]
        self.mvmtf_ = MVMTF(alpha=self.alpha, bins=self.bins, backend=self.backend).fit(X)
        raw, mtf = self._inputs(X)
        target = torch.from_numpy(y.astype(np.int64))
        self.device_ = resolve_device(self.device)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            model = MultimodalCNN(self.n_features_in_, self._budget()).to(self.device_)
        optimizer = torch.optim.Adam(model.parameters(), lr=self.lr)
        order = torch.Generator().manual_seed(self.seed)
        self.history_ = []
        bar = tqdm(range(self.epochs), desc="Moon", unit="epoch", disable=self.verbose == 0)
        for epoch in bar:
            model.train()
            total = 0.0
            for batch in torch.randperm(len(target), generator=order).split(self.batch_size):
                if len(batch) < 2:  # batch normalisation needs two samples
                    continue
                logits = model(*self._pair(raw[batch], mtf[batch]))
                loss = torch.nn.functional.cross_entropy(logits, target[batch].to(self.device_))
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total += loss.item() * len(batch)
            self.history_.append({"epoch": epoch + 1, "train_loss": total / len(target)})
            bar.set_postfix(loss=f"{total / len(target):.4f}")
        self.model_ = model.eval()
        normal = np.flatnonzero(y == 0)
        pick = np.random.default_rng(self.seed).choice(normal, min(_N_BACKGROUND, normal.size),
                                                       replace=False)
        self.background_ = X[np.sort(pick)]
        self.type_centers_ = self._fit_types(X, raw, mtf, y) if self.modality == "both" else None
        self.threshold_ = 0.5
        self.decision_scores_ = self._probabilities(raw, mtf)
        self.labels_ = (self.decision_scores_ > self.threshold_).astype(np.int64)
        return self

    def _pair(self, raw, mtf):
        """The model's inputs for this modality, on the model's device."""
        raw, mtf = raw.to(self.device_), mtf.to(self.device_)
        return {"both": (raw, mtf), "raw": (raw, None), "mtf": (mtf, None)}[self.modality]

    def _inputs(self, X: np.ndarray):
        """(raw rows, MV-MTF rows) as float32 tensors (n, c)."""
        import torch

        return (torch.from_numpy(X.astype(np.float32)),
                torch.from_numpy(self.mvmtf_.transform(X).astype(np.float32)))

    def _score(self, X: np.ndarray) -> np.ndarray:
        return self._probabilities(*self._inputs(X))

    def _probabilities(self, raw, mtf) -> np.ndarray:
        """P(anomaly) (n,) of raw and MV-MTF rows (n, c), in batches without gradients."""
        import torch

        out = []
        with torch.no_grad():
            for start in range(0, len(raw), _BATCH_EVAL):
                logits = self.model_(*self._pair(raw[start:start + _BATCH_EVAL],
                                                 mtf[start:start + _BATCH_EVAL]))
                out.append(torch.softmax(logits, dim=1)[:, 1].cpu())
        return torch.cat(out).double().numpy()

    # --- explanations ------------------------------------------------------------------------
    def explain(self, X, t: Union[int, List[int]], omega: float = 0.8,
                n_coalitions: Union[int, None] = 2048, n_gradient_samples: int = 64):
        """Explanation of timestamp ``t`` of X (or a list of them, for a list of indices).

        n_coalitions : Kernel SHAP coalitions for the raw row (None: all 2^c - 2, exact)
        n_gradient_samples : (background row, interpolation point) pairs of expected gradients
        """
        import torch

        from tsad_fast.explain import kernel_shap

        self._check_fitted()
        if self.modality != "both":
            raise ValueError(f"explain needs modality='both' (this model: {self.modality!r})")
        X = as_series(X, "X")
        self._check_features(X)
        if isinstance(t, (list, tuple)):
            return [self.explain(X, i, omega, n_coalitions, n_gradient_samples) for i in t]
        if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 0 <= t < len(X):
            raise ValueError(f"t must be an index into X (0 .. {len(X) - 1}), got {t!r}")
        omega = check_real(omega, "omega", 0.0, 1.0)
        check_int(n_gradient_samples, "n_gradient_samples", 1)
        # row t and its MV-MTF row, which depends on row t - 1 only (t = 0: on itself)
        raw_rows, mtf_rows = self._inputs(X[max(t - 1, 0):t + 1])
        raw_row, mtf_t = raw_rows[-1:], mtf_rows[-1]
        raw_t = raw_row[0].numpy().astype(np.float64)
        background_raw = self._inputs(self.background_)[0]

        def prob(raw_rows, mtf_rows):
            with torch.no_grad():
                logits = self.model_(raw_rows.to(self.device_), mtf_rows.to(self.device_))
                return torch.softmax(logits, dim=1)[:, 1].cpu().double().numpy()

        def of_raw(rows):  # the MV-MTF row held at timestamp t
            rows = torch.from_numpy(rows.astype(np.float32))
            return prob(rows, mtf_t.expand(len(rows), -1))

        raw_shap = kernel_shap(of_raw, raw_t, background_raw.numpy().astype(np.float64),
                               n_coalitions=n_coalitions, seed=self.seed)
        mtf_shap = self._expected_gradients(raw_row, mtf_t[None], "mtf", n_gradient_samples)[0]
        c = self.n_features_in_
        fused = omega * raw_shap + (1.0 - omega) * raw_shap.sum() * mtf_shap / c
        score = float(prob(raw_row, mtf_t[None])[0])
        ranking = np.argsort(-fused, kind="stable")
        if score <= self.threshold_:
            return Explanation(int(t), score, fused, ranking, raw_shap, mtf_shap, 0, -1)
        k = self._critical_point(X, int(t), ranking, prob)
        kind = kmeans_assign(self._type_features(X[t:t + 1], raw_row, mtf_t[None]),
                             self.type_centers_)[0]
        return Explanation(int(t), score, fused, ranking, raw_shap, mtf_shap, k, int(kind))

    @staticmethod
    def report(explanations, path, variable_names=None) -> dict:
        """Write the explanations as ``path.json``, ``path.md`` and a bar chart ``path.png``
        (:func:`tsad_fast.explain.write_report`); returns the paths written."""
        from tsad_fast.explain import write_report

        return write_report(explanations, path, variable_names)

    def _expected_gradients(self, raw, mtf, wrt: str, n_samples: int) -> np.ndarray:
        """Expected gradients (a, c) of P(anomaly) with respect to the raw rows (``wrt="raw"``)
        or the MV-MTF rows (``"mtf"``) of a timestamps, given as float32 tensors (a, c); the
        other input is held; baselines are background rows, integration points uniform on the
        segment; seeded, so the same rows give the same attributions."""
        import torch

        background = self._inputs(self.background_)[0 if wrt == "raw" else 1]
        target, held = (raw, mtf) if wrt == "raw" else (mtf, raw)
        generator = torch.Generator().manual_seed(self.seed)
        a, c = target.shape
        base = background[torch.randint(len(background), (a, n_samples), generator=generator)]
        step = target[:, None] - base                                           # (a, S, c)
        points = (base + torch.rand(a, n_samples, 1, generator=generator) * step).reshape(-1, c)
        held = held[:, None].expand(a, n_samples, c).reshape(-1, c)
        grads = []
        for start in range(0, len(points), _GRAD_CHUNK):
            inputs = points[start:start + _GRAD_CHUNK].to(self.device_).requires_grad_(True)
            other = held[start:start + _GRAD_CHUNK].to(self.device_)
            logits = self.model_(*((inputs, other) if wrt == "raw" else (other, inputs)))
            grads.append(torch.autograd.grad(torch.softmax(logits, 1)[:, 1].sum(), inputs)[0].cpu())
        return (step * torch.cat(grads).reshape(a, n_samples, c)).mean(dim=1).double().numpy()

    def _type_features(self, X: np.ndarray, raw, mtf) -> np.ndarray:
        """Attribution-weighted rows (a, c): ``(x - reference) * |a| / sum|a|``, ``a`` the
        expected gradients of the raw rows X (a, c) (tensors raw, mtf of the same rows)."""
        weights = np.abs(self._expected_gradients(raw, mtf, "raw", _TYPE_SAMPLES))
        weights /= np.maximum(weights.sum(axis=1, keepdims=True), np.finfo(float).tiny)
        return (X - self.background_.mean(axis=0)) * weights

    def _fit_types(self, X: np.ndarray, raw, mtf, y: np.ndarray) -> np.ndarray:
        """Centers (k, c) of k-means over the type features of (a seeded sample of) the
        labelled anomalies; k = n_types, fewer when there are fewer distinct rows."""
        from sklearn.cluster import KMeans

        rows = np.flatnonzero(y == 1)
        if rows.size > _TYPE_ROWS:
            rows = np.sort(np.random.default_rng(self.seed).choice(rows, _TYPE_ROWS, replace=False))
        features = self._type_features(X[rows], raw[rows], mtf[rows])
        k = min(self.n_types, len(np.unique(features, axis=0)))
        return KMeans(k, random_state=self.seed, n_init=10).fit(features).cluster_centers_

    def _critical_point(self, X: np.ndarray, t: int, ranking: np.ndarray, prob) -> int:
        """Binary search (Definition 4) for the smallest k such that the row with its first k
        ranked variables set to the normal reference (the mean background row), its MV-MTF row
        recomputed from the fitted bins and transitions, is classified normal."""
        import torch

        reference = self.background_.mean(axis=0)
        window = X[max(t - 1, 0):t + 1].copy()  # the previous row decides the MV-MTF row

        def resolved(k: int) -> bool:
            window[-1] = X[t]
            window[-1, ranking[:k]] = reference[ranking[:k]]
            raw = torch.from_numpy(window[-1:].astype(np.float32))
            mtf = torch.from_numpy(self.mvmtf_.transform(window)[-1:].astype(np.float32))
            return prob(raw, mtf)[0] <= self.threshold_

        lo, hi = 1, len(ranking)
        while lo < hi:
            mid = (lo + hi) // 2
            if resolved(mid):
                hi = mid
            else:
                lo = mid + 1
        return lo

    # --- persistence -------------------------------------------------------------------------
    def _state(self) -> Dict[str, Any]:
        import torch

        return {
            "model": self.model_.state_dict(),
            "n_features_in": self.n_features_in_,
            "edges": [torch.from_numpy(e) for e in self.mvmtf_.edges_],
            "transitions": torch.from_numpy(self.mvmtf_.transitions_),
            "decision_scores": torch.from_numpy(self.decision_scores_),
            "background": torch.from_numpy(self.background_),
            "type_centers": None if self.type_centers_ is None else
            torch.from_numpy(self.type_centers_),
            "history": self.history_,
        }

    def _restore(self, state: Dict[str, Any]) -> None:
        from tsad_fast.nn.multimodal_cnn import MultimodalCNN

        self.n_features_in_ = int(state["n_features_in"])
        self.mvmtf_ = MVMTF(alpha=self.alpha, bins=self.bins, backend=self.backend)
        self.mvmtf_.edges_ = [e.numpy() for e in state["edges"]]
        self.mvmtf_.n_bins_ = np.array([e.size + 1 for e in self.mvmtf_.edges_], dtype=np.int32)
        self.mvmtf_.transitions_ = state["transitions"].numpy()
        self.mvmtf_.n_features_in_ = self.n_features_in_
        self.device_ = resolve_device(self.device)
        self.model_ = MultimodalCNN(self.n_features_in_, self._budget())
        self.model_.load_state_dict(state["model"])
        self.model_.to(self.device_).eval()
        self.threshold_ = 0.5
        self.decision_scores_ = state["decision_scores"].numpy()
        self.background_ = state["background"].numpy()
        centers = state.get("type_centers")  # absent in files written before the types
        self.type_centers_ = None if centers is None else centers.numpy()
        self.labels_ = (self.decision_scores_ > self.threshold_).astype(np.int64)
        self.history_ = list(state["history"])
