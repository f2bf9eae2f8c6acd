"""Pattern clustering of patch representations (SCAN §3.2; after CCM, Chen et al.,
NeurIPS 2024).

* :class:`ClusteringBranch` — patches projected to a d_r-dimensional clustering space
  (``H = Linear(D -> d_r)``), K learnable cluster centers P, memberships
  ``U = softmax(cos(H, P) / 0.05)`` over the K clusters, a hard membership mask M
  (:func:`gumbel_bernoulli_mask` in training, ``one-hot(argmax U)`` at inference) and the
  centers updated by masked cross-attention (:func:`masked_cross_attention`).
* :class:`SoftKMeans` — the same-cluster probabilities ``S = Y Yᵀ`` from a soft k-means on the
  detached representations of the whole batch (centroids warm-started from the previous
  step), and :func:`clustering_loss` ``tr(S) - 2 tr(Mᵀ S M)`` per window, over N.
* Trusted supervision: :func:`quality` ``1 - H(u) / (2 log K)`` and
  :func:`trusted_supervision_loss`, the cross-entropy of the original branch's memberships
  against the confident pseudo-labels of a neighborhood branch; :func:`consistency_loss`
  ``KL(U_view || U_ori)``.

Shapes: B windows, N patches, K clusters, d_r the clustering dimension.
"""
from __future__ import annotations

import math
from typing import Optional

import torch
from torch import nn

TEMPERATURE = 0.05  # CCM's temperature of the cosine memberships


def gumbel_bernoulli_mask(u: torch.Tensor, tau: float = 1.0, eps: float = 1e-6) -> torch.Tensor:
    """A 0/1 mask with ``P(M = 1) = u`` elementwise, straight-through: the forward value is the
    hard sample, the gradient that of the relaxed sample ``sigmoid((logit(u) + L) / tau)``
    (L logistic noise, the difference of two Gumbels: the two-class Gumbel-softmax with logits
    ``[log(u / (1 - u)), log((1 - u) / u)]``). Draws from torch's global RNG."""
    p = u.clamp(eps, 1.0 - eps)
    noise = torch.rand_like(p).clamp(eps, 1.0 - eps)
    soft = torch.sigmoid((torch.log(p) - torch.log1p(-p) + torch.log(noise)
                          - torch.log1p(-noise)) / tau)
    hard = (soft > 0.5).to(soft.dtype)
    return hard + (soft - soft.detach())  # exactly the hard value forward


def argmax_mask(u: torch.Tensor) -> torch.Tensor:
    """The inference mask: one-hot of each patch's most likely cluster, (B, N, K)."""
    return nn.functional.one_hot(u.argmax(dim=-1), u.shape[-1]).to(u.dtype)


def masked_cross_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                           mask: torch.Tensor) -> torch.Tensor:
    """Eq. 8: ``rownorm(exp(q kᵀ / sqrt(d) - max) * maskᵀ) v`` — q (K, d) queries of the
    cluster centers, k and v (B, N, d) of the patches, mask (B, N, K). A cluster whose mask row
    is all zero (no member) falls back to the unmasked softmax. Returns (B, K, d)."""
    scores = torch.einsum("kd,bnd->bkn", q, k) / math.sqrt(q.shape[-1])
    weights = torch.exp(scores - scores.amax(dim=-1, keepdim=True)) * mask.transpose(1, 2)
    total = weights.sum(dim=-1, keepdim=True)
    empty = total <= 0
    attention = torch.where(empty, torch.softmax(scores, dim=-1),
                            weights / torch.where(empty, torch.ones_like(total), total))
    return attention @ v


class ClusteringBranch(nn.Module):
    """One clustering view: its projection H (B, N, d_r) -> memberships U (B, N, K), mask M
    and, with ``attend``, the centers updated by masked cross-attention (B, K, d_r). The
    projection ``H = project(view)`` (Linear(D -> d_r)) is applied by the caller: SCAN's scale
    block projects the three views at once from the factored embedding."""

    def __init__(self, n_features: int, d_r: int, n_clusters: int, attend: bool):
        super().__init__()
        self.project = nn.Linear(n_features, d_r)
        self.centers = nn.Parameter(torch.randn(n_clusters, d_r) / math.sqrt(d_r))
        self.attend = attend
        if attend:
            self.query = nn.Linear(d_r, d_r, bias=False)
            self.key = nn.Linear(d_r, d_r, bias=False)
            self.value = nn.Linear(d_r, d_r, bias=False)

    def memberships(self, h: torch.Tensor) -> torch.Tensor:
        cos = nn.functional.normalize(h, dim=-1) @ nn.functional.normalize(self.centers, dim=-1).T
        return torch.softmax(cos / TEMPERATURE, dim=-1)

    def forward(self, h: torch.Tensor):
        """(U (B, N, K), M (B, N, K), updated centers (B, K, d_r) or None)."""
        u = self.memberships(h)
        mask = gumbel_bernoulli_mask(u) if self.training else argmax_mask(u)
        updated = None
        if self.attend:
            updated = masked_cross_attention(self.query(self.centers), self.key(h),
                                             self.value(h), mask)
        return u, mask, updated


class SoftKMeans(nn.Module):
    """Soft k-means over the rows of h (detached), centroids kept between calls (warm start):
    each call runs up to ``iterations`` steps of ``Y = softmax(-||h - c||^2)`` over the K
    centroids, ``c = Yᵀ h / sum(Y)``, and returns Y for every row. The first call draws its
    centroids from the rows (torch's global RNG)."""

    def __init__(self, n_clusters: int, d_r: int, iterations: int = 10, tol: float = 1e-6):
        super().__init__()
        self.iterations = iterations
        self.tol = tol
        self.register_buffer("centroids", torch.zeros(n_clusters, d_r))
        self.register_buffer("started", torch.zeros((), dtype=torch.bool))

    @torch.no_grad()
    def forward(self, h: torch.Tensor) -> torch.Tensor:
        points = h.detach().reshape(-1, h.shape[-1])
        k = self.centroids.shape[0]
        if not bool(self.started):
            pick = torch.randperm(points.shape[0], device=points.device)[:k]
            self.centroids[:len(pick)] = points[pick]
            self.started.fill_(True)
        centroids = self.centroids
        for _ in range(self.iterations):
            y = assignments(points, centroids)
            updated = (y.T @ points) / y.sum(dim=0).clamp_min(1e-12)[:, None]
            moved = (updated - centroids).pow(2).sum()
            centroids = updated
            if moved <= self.tol:
                break
        self.centroids.copy_(centroids)
        return assignments(points, centroids).reshape(*h.shape[:-1], k)


def assignments(points: torch.Tensor, centroids: torch.Tensor) -> torch.Tensor:
    """``softmax(-||p - c||^2)`` over the centroids (m, K) for points (m, d_r): the row
    constant ``||p||^2`` cancels in the softmax, leaving ``softmax(2 p c' - ||c||^2)``."""
    return torch.softmax(torch.addmm(centroids.pow(2).sum(1).neg(), points, centroids.T,
                                     alpha=2.0), dim=-1)


def clustering_loss(y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Eq. 9 per window, ``tr(S) - 2 tr(Mᵀ S M)`` with ``S = Y Yᵀ``, divided by N and averaged
    over the windows: y (B, N, K) soft k-means assignments (constants), mask (B, N, K). Computed
    as ``sum ||y_n||^2 - 2 ||Yᵀ M||_F^2`` without forming the N x N matrix S."""
    trace_s = y.pow(2).sum(dim=(1, 2))
    aligned = (y.transpose(1, 2) @ mask).pow(2).sum(dim=(1, 2))
    return ((trace_s - 2.0 * aligned) / y.shape[1]).mean()


def entropy(u: torch.Tensor) -> torch.Tensor:
    """Shannon entropy (nats) of each membership vector u (..., K)."""
    return -(u * torch.log(u.clamp_min(1e-12))).sum(dim=-1)


def quality(u: torch.Tensor) -> torch.Tensor:
    """Eq. 11: ``1 - H(u) / (2 log K)``: 1 for a one-hot membership, 0.5 for a uniform one."""
    return 1.0 - entropy(u) / (2.0 * math.log(u.shape[-1]))


def trusted_supervision_loss(u_view: torch.Tensor, u_ori: torch.Tensor) -> Optional[torch.Tensor]:
    """Eq. 12 for one neighborhood branch: in every window, the ``floor(sum Quality)`` patches
    with the highest maximum membership in the view (u_view, detached) give their argmax as
    pseudo-labels, and the loss is the mean cross-entropy of the original branch's memberships
    u_ori (B, N, K) against them; None when no patch is selected."""
    view = u_view.detach()
    confidence, labels = view.max(dim=-1)                                  # (B, N)
    n_selected = torch.floor(quality(view).sum(dim=-1)).long()             # (B,)
    rank = confidence.argsort(dim=-1, descending=True).argsort(dim=-1)     # rank of each patch
    selected = rank < n_selected[:, None]
    if not bool(selected.any()):
        return None
    log_u = torch.log(u_ori.clamp_min(1e-12)).gather(-1, labels[..., None])[..., 0]
    return -log_u[selected].mean()


def consistency_loss(u_view: torch.Tensor, u_ori: torch.Tensor) -> torch.Tensor:
    """Eq. 13: ``KL(U_view || U_ori)`` summed over K, averaged over windows and patches."""
    log_view = torch.log(u_view.clamp_min(1e-12))
    log_ori = torch.log(u_ori.clamp_min(1e-12))
    return (u_view * (log_view - log_ori)).sum(dim=-1).mean()
