"""Explanations of a two-modality classifier (Moon, paper §IV-C): which variables make timestamp
t anomalous, how many of them it takes, and which kind of anomaly it is.

For a detector whose network reads a timestamp's raw row x_t (c,) and its MV-MTF row F_t (c,)
(:class:`tsad_fast.Moon`):

* raw modality: Kernel SHAP of P(anomaly) over the raw row (:func:`.shapley.kernel_shap`), the
  MV-MTF row held at its value, against normal background rows;
* MV-MTF modality: expected gradients over the MV-MTF row, the raw row held
  (:func:`expected_gradients`);
* fused contributions ``s_v = omega * sK_v + (1 - omega) * sum_j(sK_j) * sG_v / c`` and the
  ranking of the variables by them;
* the critical point of Definition 4 (:func:`critical_point`): the fewest top-ranked
  variables that, reset to the normal reference row (the MV-MTF row recomputed), make the
  model say normal;
* anomaly types: k-means over the attribution-weighted rows ``(x - reference) * |a| / sum|a|``
  of the labelled anomalies (``a`` the expected gradients of the raw row: batched and cheap,
  where Kernel SHAP per training anomaly would cost minutes), and a new anomaly gets the type
  of the nearest cluster center (:func:`tsad_fast.kernels.kmeans_assign`).

The background rows' two modalities are computed once per :meth:`MultimodalExplainer.explain`
call and shared by every step.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import (Any, Callable, Dict, List, Optional, Protocol, Union,
                    runtime_checkable)

import numpy as np

from tsad_fast.config import get_config
from tsad_fast.explain.shapley import kernel_shap
from tsad_fast.kernels.kmeans import kmeans_assign_unchecked

TYPE_SAMPLES = 4  # expected-gradient samples per row of the type features


@dataclass(frozen=True)
class Explanation:
    """Why timestamp ``t`` scored ``score``: ``contributions`` (c,) the fused s_v, ``ranking``
    (c,) variable indices by decreasing contribution, ``raw_shap`` (c,) Kernel SHAP of the raw
    row, ``mtf_shap`` (c,) expected gradients of the MV-MTF row, ``critical_point`` k (Definition
    4: replacing the first k ranked variables by a normal reference makes the model say normal;
    c when nothing short of all does; 0 when the timestamp is not flagged), ``anomaly_type`` the
    index of its anomaly type (-1 when the timestamp is not flagged). "Flagged" is judged
    against the detector's ``threshold_`` (its threshold on the training scores)."""

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


def expected_gradients(prob: Callable, target, baselines, n_samples: int,
                       seed: int) -> np.ndarray:
    """Expected gradients (a, c) of ``prob`` with respect to its input rows at ``target`` (a, c):
    the mean over ``n_samples`` pairs of (baseline row drawn from ``baselines`` (m, c), point
    uniform on the segment from it to the target) of gradient x (target - baseline).
    ``prob(points, owners)`` is P(anomaly) (B,) of points (B, c), a torch function, where
    ``owners`` (B,) says which target row each point belongs to (whatever else the model reads,
    the other modality, is that row's). Points go through it the configured ``explain_chunk``
    at a time.
    Seeded: the same rows give the same values."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    a, c = target.shape
    base = baselines[torch.randint(len(baselines), (a, n_samples), generator=generator)]
    step = target[:, None] - base                                              # (a, S, c)
    points = (base + torch.rand(a, n_samples, 1, generator=generator) * step).reshape(-1, c)
    owners = torch.arange(a).repeat_interleave(n_samples)
    grads = []
    chunk = get_config()["explain_chunk"]
    for start in range(0, len(points), chunk):
        inputs = points[start:start + chunk].requires_grad_(True)
        p = prob(inputs, owners[start:start + chunk])
        grads.append(torch.autograd.grad(p.sum(), inputs)[0].cpu())
    return (step * torch.cat(grads).reshape(a, n_samples, c)).mean(dim=1).double().numpy()


def fuse(raw_shap: np.ndarray, mtf_shap: np.ndarray, omega: float) -> np.ndarray:
    """``s_v = omega * sK_v + (1 - omega) * sum_j(sK_j) * sG_v / c`` (the Moon paper's eq. 17)."""
    return omega * raw_shap + (1.0 - omega) * raw_shap.sum() * mtf_shap / raw_shap.size


def critical_point(is_normal: Callable[[int], bool], c: int) -> int:
    """The smallest k in 1..c with ``is_normal(k)`` by binary search (Definition 4, assuming
    that resetting more top-ranked variables never makes a normal row anomalous again); c when
    only all of them do."""
    lo, hi = 1, c
    while lo < hi:
        mid = (lo + hi) // 2
        if is_normal(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def type_features(rows: np.ndarray, reference: np.ndarray, attributions: np.ndarray):
    """Attribution-weighted rows (a, c): ``(x - reference) * |a| / sum|a|``."""
    weights = np.abs(attributions)
    weights /= np.maximum(weights.sum(axis=1, keepdims=True), np.finfo(float).tiny)
    return (rows - reference) * weights


def fit_types(features: np.ndarray, n_types: int, seed: int) -> np.ndarray:
    """Centers (k, c) of k-means over the type features (k = n_types, fewer when there are
    fewer distinct rows): scikit-learn, 10 initialisations, seeded."""
    from sklearn.cluster import KMeans

    k = min(n_types, len(np.unique(features, axis=0)))
    return KMeans(k, random_state=seed, n_init=10).fit(features).cluster_centers_


@runtime_checkable
class Explainable(Protocol):
    """What a fitted detector offers :class:`MultimodalExplainer` (:class:`tsad_fast.Moon`
    does): its public methods and fitted attributes, nothing private.

    * ``inputs(X)``: the network's two inputs (raw rows, MV-MTF rows), float32 tensors (n, c);
    * ``logits(raw, mtf)``: the network's logits (B, 2) of such inputs on ``device_``;
    * ``model_``: the network, with ``tokens``, ``project`` and ``head`` (the stages the
      explainer reuses, so a modality held fixed is computed once);
    * ``mvmtf_`` (the fitted MV-MTF transformer), ``background_`` (normal training rows
      (m, c)), ``threshold_``, ``type_centers_`` (k, c) or None, ``device_``;
    * the parameters ``n_types``, ``seed`` and ``backend``.
    """

    model_: Any
    mvmtf_: Any
    background_: np.ndarray
    threshold_: float
    type_centers_: Optional[np.ndarray]
    device_: str
    n_types: int
    seed: int
    backend: str

    def inputs(self, X: np.ndarray) -> Any: ...

    def logits(self, raw: Any, mtf: Any, model: Any = None) -> Any: ...


class MultimodalExplainer:
    """Explanations for a fitted detector that is :class:`Explainable` (Moon: its network,
    MV-MTF transformer, normal background rows, threshold and anomaly-type centers)."""

    def __init__(self, detector: Explainable):
        self.detector = detector

    def _background(self):
        """(raw, MV-MTF) float32 tensors (m, c) of the background rows, computed once."""
        return self.detector.inputs(self.detector.background_)

    def _project(self, rows):
        """Projected tokens (:meth:`MultimodalCNN.project`) of float32 rows (B, c) of one
        modality, on the model's device."""
        model = self.detector.model_
        return model.project(model.tokens(rows.to(self.detector.device_)))

    def _holding(self, held, wrt: str) -> Callable:
        """``prob(rows, owners)``: P(anomaly) (B,) of rows (B, c) of modality ``wrt`` ("raw" or
        "mtf"), the other modality held at its rows ``held`` (a, c) (row ``owners[i]`` for
        input row i). The held rows are projected once; with gradients."""
        import torch

        model = self.detector.model_
        fixed = self._project(held)

        def prob(rows, owners):
            other = fixed if len(held) == 1 else tuple(p[owners.to(p.device)] for p in fixed)
            own = self._project(rows)
            logits = model.head(own, other) if wrt == "raw" else model.head(other, own)
            return torch.softmax(logits, dim=1)[:, 1]

        return prob

    def _prob_numpy(self, raw, mtf) -> np.ndarray:
        """P(anomaly) (k,) float64 of raw and MV-MTF rows (float32 tensors), no gradients."""
        import torch

        device = self.detector.device_
        with torch.no_grad():
            logits = self.detector.logits(raw.to(device), mtf.to(device))
            return torch.softmax(logits, dim=1)[:, 1].cpu().double().numpy()

    def type_features(self, rows: np.ndarray, raw, mtf, background_raw) -> np.ndarray:
        """Attribution-weighted rows (a, c) of raw rows (a, c) given as float64 ``rows`` and
        float32 tensors ``raw`` and ``mtf``."""
        attributions = expected_gradients(self._holding(mtf, "raw"), raw, background_raw,
                                          TYPE_SAMPLES, self.detector.seed)
        return type_features(rows, self.detector.background_.mean(axis=0), attributions)

    def fit_types(self, X: np.ndarray, raw, mtf, rows: np.ndarray) -> np.ndarray:
        """Type centers from the labelled anomalies ``rows`` (indices into X and the tensors)."""
        features = self.type_features(X[rows], raw[rows], mtf[rows], self._background()[0])
        return fit_types(features, self.detector.n_types, self.detector.seed)

    def explain(self, X: np.ndarray, t: Union[int, List[int]], omega: float,
                n_coalitions: Optional[int], n_gradient_samples: int):
        """Explanation of timestamp ``t`` of the validated series X (a list for a list)."""
        background_raw, background_mtf = self._background()
        if isinstance(t, (list, tuple)):
            return [self._explain(X, i, omega, n_coalitions, n_gradient_samples,
                                  background_raw, background_mtf) for i in t]
        return self._explain(X, t, omega, n_coalitions, n_gradient_samples, background_raw,
                             background_mtf)

    def _explain(self, X, t, omega, n_coalitions, n_gradient_samples, background_raw,
                 background_mtf) -> Explanation:
        import torch

        detector = self.detector
        # row t and its MV-MTF row, which depends on row t - 1 only (t = 0: on itself)
        raw_rows, mtf_rows = detector.inputs(X[max(t - 1, 0):t + 1])
        raw_row, mtf_row = raw_rows[-1:], mtf_rows[-1:]
        of_raw = self._holding(mtf_row, "raw")  # the MV-MTF row held at timestamp t

        chunk = get_config()["explain_chunk"]

        def shap_model(rows):  # float64 rows (N, c) -> P(anomaly) (N,), a chunk a pass
            rows = torch.from_numpy(rows.astype(np.float32))
            with torch.no_grad():
                return torch.cat([of_raw(part, None).cpu() for part in rows.split(chunk)]
                                 ).double().numpy()

        raw_shap = kernel_shap(shap_model, raw_row[0].numpy().astype(np.float64),
                               background_raw.numpy().astype(np.float64),
                               n_coalitions=n_coalitions, seed=detector.seed)
        mtf_shap = expected_gradients(self._holding(raw_row, "mtf"), mtf_row, background_mtf,
                                      n_gradient_samples, detector.seed)[0]
        fused = fuse(raw_shap, mtf_shap, omega)
        score = float(self._prob_numpy(raw_row, mtf_row)[0])
        ranking = np.argsort(-fused, kind="stable")
        if score <= detector.threshold_:
            return Explanation(int(t), score, fused, ranking, raw_shap, mtf_shap, 0, -1)
        k = critical_point(lambda k: self._resolved(X, t, ranking, k), len(ranking))
        features = self.type_features(X[t:t + 1], raw_row, mtf_row, background_raw)
        kind = kmeans_assign_unchecked(features, detector.type_centers_, detector.backend)[0]
        return Explanation(int(t), score, fused, ranking, raw_shap, mtf_shap, k, int(kind))

    def _resolved(self, X: np.ndarray, t: int, ranking: np.ndarray, k: int) -> bool:
        """Whether row t with its first k ranked variables set to the normal reference (the
        mean background row), its MV-MTF row recomputed from the fitted bins and transitions,
        is classified normal."""
        import torch

        detector = self.detector
        reference = detector.background_.mean(axis=0)
        window = X[max(t - 1, 0):t + 1].copy()  # the previous row decides the MV-MTF row
        window[-1, ranking[:k]] = reference[ranking[:k]]
        raw = torch.from_numpy(window[-1:].astype(np.float32))
        mtf = torch.from_numpy(detector.mvmtf_.transform(window)[-1:].astype(np.float32))
        return self._prob_numpy(raw, mtf)[0] <= detector.threshold_
