"""SCAN: shapes of every block, hand-computed tiny cases of its formulas, the detector contract
on seeded data, persistence, padding at the series' tail, bad input."""
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from tsad_fast import SCAN  # noqa: E402
from tsad_fast.compat.tsb_ad import run_SCAN  # noqa: E402
from tsad_fast.metrics import auc_roc  # noqa: E402
from tsad_fast.nn import clustering as clu  # noqa: E402
from tsad_fast.nn import scan_objective  # noqa: E402
from tsad_fast.nn.fusion import RepresentationGate, ScaleGate  # noqa: E402
from tsad_fast.nn.multiscale import average_pool, scales  # noqa: E402
from tsad_fast.nn.neighborhood import NeighborhoodViews, temporal_prior  # noqa: E402
from tsad_fast.nn.patch_embedding import PatchEmbedding  # noqa: E402
from tsad_fast.nn.revin import RevIN  # noqa: E402
from tsad_fast.nn.scan_network import SCANNetwork  # noqa: E402

SMALL = dict(window=200, stride=20, kernels=(5, 1), patch=5, d=16, d_r=8, n_clusters=4,
             epochs=3, batch_size=8, lr=1e-2, verbose=0)


def series(n, seed=0, anomaly=None):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    X = np.c_[np.sin(2 * np.pi * t / 40), np.cos(2 * np.pi * t / 25), 0.1 * rng.normal(size=n)]
    X[:, :2] += 0.05 * rng.normal(size=(n, 2))
    labels = np.zeros(n, dtype=int)
    if anomaly is not None:
        a, b = anomaly
        X[a:b, 0] = 2.5
        labels[a:b] = 1
    return X, labels


# --- blocks ---------------------------------------------------------------------------------
def test_block_shapes():
    x = torch.randn(2, 50, 3)
    assert [s.shape[1] for s in scales(x, (25, 5, 1))] == [2, 10, 50]
    assert average_pool(torch.arange(7.0).reshape(1, 7, 1), 3)[0, :, 0].tolist() == [1.0, 4.0, 6.0]
    revin = RevIN(3)
    y, stats = revin.normalize(x)
    torch.testing.assert_close(revin.denormalize(y, stats), x, rtol=1e-5, atol=1e-5)
    constant = torch.ones(1, 10, 1)  # RevIN's epsilon: a constant channel comes back exactly
    c, cstats = RevIN(1).normalize(constant)
    assert torch.isfinite(c).all() and torch.allclose(RevIN(1).denormalize(c, cstats), constant)
    e = PatchEmbedding(5, 4)(x)
    assert e.shape == (2, 10, 3, 4)
    flat = e.reshape(2, 10, 12)
    sim, tim = NeighborhoodViews(10, 12)(flat)
    assert sim.shape == tim.shape == (2, 10, 12)
    branch = clu.ClusteringBranch(12, 6, 4, attend=True)
    h, u, mask, centers = branch(flat)
    assert h.shape == (2, 10, 6) and u.shape == mask.shape == (2, 10, 4)
    assert centers.shape == (2, 4, 6)
    torch.testing.assert_close(u.sum(-1), torch.ones(2, 10))
    assert ScaleGate(6)(torch.randn(2, 10, 6), torch.randn(2, 5, 6)).shape == (2, 10, 6)
    assert RepresentationGate(4, 3, 6)(e, torch.randn(2, 10, 6)).shape == (2, 10, 3, 4)
    outputs = SCANNetwork(3, 50, (25, 5, 1), 5, 4, 6, 4)(x)
    assert [o.reconstruction.shape for o in outputs] == [(2, 5, 3), (2, 10, 3), (2, 50, 3)]
    assert scan_objective.anomaly_score(outputs, 50).shape == (2, 50)


def test_temporal_view_starts_from_the_distance_prior():
    views = NeighborhoodViews(3, 2)
    prior = torch.tensor([[1.0, 0.5, 1 / 3], [0.5, 1.0, 0.5], [1 / 3, 0.5, 1.0]])
    torch.testing.assert_close(temporal_prior(3), prior)
    row0 = torch.exp(prior[0]) / torch.exp(prior[0]).sum()  # by hand: softmax of row 0
    torch.testing.assert_close(views.temporal_adjacency()[0], row0)
    e = torch.randn(1, 3, 2)
    torch.testing.assert_close(views(e)[1], e - views.temporal_adjacency() @ e)


def test_clustering_loss_on_a_3x3_example():
    y = torch.tensor([[[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]]])
    m = torch.tensor([[[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]])
    s = y[0] @ y[0].T
    by_hand = (torch.trace(s) - 2 * torch.trace(m[0].T @ s @ m[0])) / 3
    # S = [[1, .5, 0], [.5, .5, 0], [0, 0, 1]]: tr S = 2.5; Mᵀ S M = [[2.5, 0, 0], 0, [.., 1]]
    assert by_hand.item() == pytest.approx((2.5 - 2 * 3.5) / 3)
    assert clu.clustering_loss(y, m).item() == pytest.approx(by_hand.item())


def test_quality_of_uniform_and_one_hot():
    assert clu.quality(torch.full((4,), 0.25)).item() == pytest.approx(0.5)
    assert clu.quality(torch.tensor([1.0, 0.0, 0.0, 0.0])).item() == pytest.approx(1.0)


def test_straight_through_mask_is_hard_and_passes_gradients():
    torch.manual_seed(0)
    u = torch.tensor([[0.9, 0.1, 0.5, 0.02]], requires_grad=True)
    mask = clu.gumbel_bernoulli_mask(u)
    assert set(mask.detach().flatten().tolist()) <= {0.0, 1.0}
    (mask * torch.arange(1.0, 5.0)).sum().backward()
    assert u.grad is not None and u.grad.abs().sum() > 0
    frequencies = clu.gumbel_bernoulli_mask(torch.full((20000,), 0.3)).mean().item()
    assert frequencies == pytest.approx(0.3, abs=0.02)  # P(M = 1) = u


def test_all_zero_mask_row_falls_back_to_the_softmax():
    q, k, v = torch.randn(2, 3), torch.randn(1, 4, 3), torch.randn(1, 4, 3)
    mask = torch.tensor([[[1.0, 0.0], [1.0, 0.0], [0.0, 0.0], [1.0, 0.0]]])  # cluster 1: empty
    out = clu.masked_cross_attention(q, k, v, mask)
    scores = (q @ k[0].T) / math.sqrt(3)
    torch.testing.assert_close(out[0, 1], torch.softmax(scores[1], -1) @ v[0])
    kept = torch.exp(scores[0]) * mask[0, :, 0]
    torch.testing.assert_close(out[0, 0], (kept / kept.sum()) @ v[0])


def test_trusted_supervision_picks_confident_patches():
    view = torch.tensor([[[0.97, 0.01, 0.01, 0.01], [0.25, 0.25, 0.25, 0.25],
                          [0.01, 0.97, 0.01, 0.01]]])
    ori = torch.full((1, 3, 4), 0.25, requires_grad=True)
    n = math.floor(clu.quality(view).sum().item())  # two confident + one uniform: floor(2.39) = 2
    assert n == 2
    loss = clu.trusted_supervision_loss(view, ori)
    assert loss.item() == pytest.approx(math.log(4))  # -log 0.25 on the two selected patches
    loss.backward()
    assert ori.grad[0, 1].abs().sum() == 0  # the uncertain patch is not supervised
    assert clu.consistency_loss(view, view).item() == pytest.approx(0.0, abs=1e-6)


def test_score_with_gamma_zero_is_the_reconstruction_score():
    torch.manual_seed(1)
    net = SCANNetwork(2, 40, (5, 1), 5, 4, 4, 3).eval()
    with torch.no_grad():
        outputs = net(torch.randn(3, 40, 2))
        rec_only = scan_objective.anomaly_score(outputs, 40, gamma=0.0)
        errors = [(o.target - o.reconstruction).pow(2) for o in outputs]
        coarse = torch.nn.functional.interpolate(errors[0].transpose(1, 2), size=40,
                                                 mode="linear").transpose(1, 2)
        by_hand = (coarse * errors[1]).mean(-1)
    torch.testing.assert_close(rec_only, by_hand + 1e-12)
    assert not torch.allclose(scan_objective.anomaly_score(outputs, 40, gamma=0.5), rec_only)


# --- the detector -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fitted():
    X, _ = series(1000)
    return SCAN(**SMALL).fit(X), X


def test_contract_and_detection(fitted):
    model, X = fitted
    assert model.decision_scores_.shape == (1000,) and np.isfinite(model.decision_scores_).all()
    assert model.labels_.shape == (1000,) and model.n_features_in_ == 3
    test, labels = series(700, seed=5, anomaly=(400, 440))
    scores = model.decision_function(test)
    assert scores.shape == (700,) and auc_roc(labels, scores) > 0.7
    pred = model.predict(test)  # SPOT over these scores, calibrated on the training scores
    np.testing.assert_array_equal(pred, model.thresholder_.predict(scores))
    assert pred.shape == (700,) and set(np.unique(pred)) <= {0, 1}


def test_training_lowers_the_loss():
    X, _ = series(1000)
    history = SCAN(**{**SMALL, "epochs": 6, "patience": None}).fit(X).history_
    assert history[-1]["train_loss"] < history[0]["train_loss"]


def test_seeded_and_save_load(fitted, tmp_path):
    model, X = fitted
    again = SCAN(**SMALL).fit(X)
    np.testing.assert_array_equal(again.decision_scores_, model.decision_scores_)
    model.save(tmp_path / "scan.pt")
    back = SCAN.load(tmp_path / "scan.pt")
    np.testing.assert_array_equal(back.decision_function(X[:450]), model.decision_function(X[:450]))
    assert back.threshold_ == model.threshold_


def test_tail_is_padded_and_trimmed(fitted):
    model, X = fitted
    short = model.decision_function(X[:150])  # shorter than one window
    assert short.shape == (150,) and np.isfinite(short).all()
    # a series of two windows and a bit: the first windows' scores do not depend on the tail
    np.testing.assert_allclose(model.decision_function(X[:430])[:400],
                               model.decision_function(X[:400]), rtol=1e-5, atol=1e-9)


def test_one_channel_constant_channel_and_integer_input():
    X, _ = series(600)
    one = SCAN(**{**SMALL, "epochs": 1}).fit(X[:, :1])
    assert one.decision_function(X[:300, :1]).shape == (300,)
    with_constant = np.c_[X, np.full(600, 3.0)]
    scores = SCAN(**{**SMALL, "epochs": 1}).fit(with_constant).decision_scores_
    assert np.isfinite(scores).all()
    counts = np.round(10 * X).astype(np.int64)
    assert SCAN(**{**SMALL, "epochs": 1}).fit(counts).decision_scores_.shape == (600,)


def test_ablation_switches_run():
    X, _ = series(600)
    for switch in (dict(clustering=False), dict(trusted=False), dict(fusion=False),
                   dict(kernels=(1,))):
        model = SCAN(**{**SMALL, "epochs": 1, **switch}).fit(X)
        assert np.isfinite(model.decision_scores_).all(), switch


def test_bad_input(fitted):
    model, X = fitted
    with pytest.raises(ValueError, match="X contains"):
        SCAN(**SMALL).fit(np.where(np.arange(1000)[:, None] == 7, np.nan, X))
    with pytest.raises(ValueError, match="fewer than 2 training windows"):
        SCAN(**SMALL).fit(X[:210])
    with pytest.raises(ValueError, match="channels"):
        model.decision_function(X[:, :2])
    with pytest.raises(ValueError, match="inf"):
        model.decision_function(np.where(np.arange(1000)[:, None] == 3, np.inf, X))
    with pytest.raises(ValueError, match="lambdas"):
        SCAN(**{**SMALL, "lambdas": (0.1, 0.1)}).fit(X)
    with pytest.raises(ValueError, match="n_clusters"):
        SCAN(**{**SMALL, "n_clusters": 1}).fit(X)
    with pytest.raises(TypeError, match="fusion"):
        SCAN(**{**SMALL, "fusion": "yes"}).fit(X)


def test_tsb_ad_adapter(capsys):
    X, _ = series(800)
    scores = run_SCAN(X[:500], X[500:], **{k: v for k, v in SMALL.items() if k != "verbose"})
    assert scores.shape == (300,) and np.isfinite(scores).all()
    assert capsys.readouterr().err.startswith("run_SCAN: ")
