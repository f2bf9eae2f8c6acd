"""SCAN: shapes of every block, hand-computed tiny cases of its formulas, the detector contract
on seeded data, persistence, padding at the series' tail, bad input."""
import copy
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from tsad_fast import SCAN  # noqa: E402
from tsad_fast.compat.tsb_ad import run_SCAN  # noqa: E402
from tsad_fast.metrics import auc_roc  # noqa: E402
from tsad_fast.nn import clustering as clu  # noqa: E402
from tsad_fast.nn.compiled import Compiled  # noqa: E402
from tsad_fast.nn import scan_objective, scan_reference  # noqa: E402
from tsad_fast.nn.fusion import RepresentationGate, ScaleGate  # noqa: E402
from tsad_fast.nn.multiscale import average_pool, scales  # noqa: E402
from tsad_fast.nn.neighborhood import NeighborhoodViews, temporal_prior  # noqa: E402
from tsad_fast.nn.patch_embedding import PatchEmbedding, sinusoidal_positions  # noqa: E402
from tsad_fast.nn.revin import RevIN  # noqa: E402
from tsad_fast.scaling import Standardizer  # noqa: E402
from tsad_fast.nn.scan_network import SCANNetwork  # noqa: E402

SMALL = dict(window=200, stride=20, kernels=(5, 1), patch=5, d=16, d_r=8, n_clusters=4,
             epochs=3, batch_size=8, lr=1e-2, verbose=0, compiled=False)


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
    factored = PatchEmbedding(5, 4).factored(x)
    e = factored.dense()
    assert e.shape == (2, 10, 3, 4)
    p = torch.randn(2, 10, 6)
    sim, tim = NeighborhoodViews(10, 12)(factored, p, p)
    assert sim.shape == tim.shape == (2, 10, 6)
    branch = clu.ClusteringBranch(12, 6, 4, attend=True)
    u, mask, centers = branch(branch.project(e.reshape(2, 10, 12)))
    assert u.shape == mask.shape == (2, 10, 4)
    assert centers.shape == (2, 4, 6)
    torch.testing.assert_close(u.sum(-1), torch.ones(2, 10))
    assert ScaleGate(6)(torch.randn(2, 10, 6), torch.randn(2, 5, 6)).shape == (2, 10, 6)
    assert RepresentationGate(4, 3, 6)(factored, torch.randn(2, 10, 6)).shape == (2, 10, 3, 4)
    outputs = SCANNetwork(3, 50, (25, 5, 1), 5, 4, 6, 4)(x)
    assert [o.reconstruction.shape for o in outputs] == [(2, 5, 3), (2, 10, 3), (2, 50, 3)]
    assert scan_objective.anomaly_score(outputs, 50).shape == (2, 50)


def test_temporal_view_starts_from_the_distance_prior():
    views = NeighborhoodViews(3, 2)
    prior = torch.tensor([[1.0, 0.5, 1 / 3], [0.5, 1.0, 0.5], [1 / 3, 0.5, 1.0]])
    torch.testing.assert_close(temporal_prior(3), prior)
    row0 = torch.exp(prior[0]) / torch.exp(prior[0]).sum()  # by hand: softmax of row 0
    torch.testing.assert_close(views.temporal_adjacency()[0], row0)
    factored = PatchEmbedding(1, 2).factored(torch.randn(1, 3, 1))
    p = torch.randn(1, 3, 4)
    torch.testing.assert_close(views(factored, p, p)[1], p - views.temporal_adjacency() @ p)


@pytest.mark.parametrize("seed", range(4))
def test_factored_embedding_equals_the_dense_one(seed):
    """Linear maps and the weighted Gram of the flattened embedding, from the factored form,
    equal the same computed on the dense (B, N, C d) rows."""
    rng = torch.Generator().manual_seed(seed)
    batch, patch, channels, d, n = 1 + seed, 1 + seed % 3, 1 + 2 * seed, 2 + seed, 3 + seed
    embedding = PatchEmbedding(patch, d)
    x = torch.randn(batch, n * patch, channels, generator=rng)
    factored = embedding.factored(x)
    dense = factored.dense()
    literal = embedding.project(x.transpose(1, 2).reshape(batch, channels, n, patch))
    literal = literal.transpose(1, 2) + sinusoidal_positions(n, d)[None, :, None, :]
    torch.testing.assert_close(dense, literal)
    flat = dense.reshape(batch, n, -1)
    weight = torch.randn(5, channels * d, generator=rng)
    torch.testing.assert_close(factored.linear(weight), flat @ weight.T, rtol=1e-5, atol=1e-4)
    scale = torch.randn(channels * d, generator=rng)
    torch.testing.assert_close(factored.gram(scale), (flat * scale) @ (flat * scale).transpose(1, 2),
                               rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("config", [
    dict(channels=3, window=60, kernels=(5, 1), seed=0),
    dict(channels=1, window=47, kernels=(3, 1), seed=1),  # padded scales, one channel
    dict(channels=5, window=100, kernels=(25, 5, 1), seed=2, fusion=False),
    dict(channels=4, window=50, kernels=(1,), seed=3),
])
def test_network_equals_the_term_by_term_reference(config):
    """One training step's loss, every parameter's gradient, and the inference scores of the
    factored network equal those of SPEC 2.3 term by term (scan_reference) on the same
    parameters, Gumbel draws and batch."""
    config = dict(config)
    seed, channels, window = config.pop("seed"), config.pop("channels"), config.pop("window")
    torch.manual_seed(seed)
    net = SCANNetwork(channels, window, config.pop("kernels"), 5, 8, 6, 4,
                      fusion=config.pop("fusion", True))
    x = 3 * torch.randn(4, window, channels) + 1

    def step(forward):
        model = copy.deepcopy(net).train()
        torch.manual_seed(seed + 10)  # the same Gumbel masks and k-means starts
        total, parts = scan_objective.loss(forward(model, x), (0.1, 0.1, 0.1))
        total.backward()
        return total, {k: p.grad for k, p in model.named_parameters()}

    fast, reference = step(lambda m, b: m(b)), step(scan_reference.network)
    torch.testing.assert_close(fast[0], reference[0], rtol=1e-5, atol=1e-5)
    assert fast[1].keys() == reference[1].keys()
    for name, grad in reference[1].items():
        assert (grad is None) == (fast[1][name] is None), name
        if grad is not None:
            torch.testing.assert_close(fast[1][name], grad, rtol=1e-4, atol=1e-5, msg=name)
    net.eval()
    with torch.no_grad():
        torch.testing.assert_close(scan_objective.anomaly_score(net(x), window),
                                   scan_objective.anomaly_score(
                                       scan_reference.network(net, x), window),
                                   rtol=1e-4, atol=1e-7)


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


def test_compiled_gate_equals_the_uncompiled_one():
    """The representation gate compiled by TorchInductor gives the uncompiled values and
    gradients."""
    torch.manual_seed(4)
    gate = RepresentationGate(6, 3, 5)
    factored = PatchEmbedding(5, 6).factored(torch.randn(4, 20, 3))
    f = torch.randn(4, 4, 5, requires_grad=True)

    def run(compiled):
        gate.compiled = compiled
        out = gate(factored, f)
        grad, = torch.autograd.grad(out.square().sum(), f)
        return out, grad

    compiled, eager = run(True), run(False)
    torch.testing.assert_close(compiled[0], eager[0], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(compiled[1], eager[1], rtol=1e-5, atol=1e-5)


def test_a_failed_compile_warns_and_runs_uncompiled(monkeypatch):
    def broken(fn, **kwargs):
        def call(*args):
            raise RuntimeError("no C++ compiler\nmore detail")
        return call

    monkeypatch.setattr(torch, "compile", broken)
    wrapped = Compiled(lambda x: 2 * x)
    with pytest.warns(RuntimeWarning, match="failed .RuntimeError: no C.. compiler.; running"):
        assert wrapped(torch.ones(2, 3), enabled=True).tolist() == [[2.0] * 3] * 2
    assert wrapped(torch.ones(1, 1), enabled=True).item() == 2.0  # no second warning needed


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


def test_tail_is_scored_in_the_last_full_window(fitted):
    model, X = fitted
    short = model.decision_function(X[:150])  # shorter than one window: padded
    assert short.shape == (150,) and np.isfinite(short).all()
    # two windows and a bit: the first two windows' scores do not depend on the tail, and the
    # tail's are the last 30 of the window X[230:430]
    tail = model.decision_function(X[:430])
    np.testing.assert_allclose(tail[:400], model.decision_function(X[:400]), rtol=1e-5,
                               atol=1e-9)
    np.testing.assert_allclose(tail[400:], model.decision_function(X[230:430])[170:],
                               rtol=1e-5, atol=1e-9)


def test_validation_windows_share_no_row_with_training_windows():
    X = np.arange(1000.0)[:, None] * np.ones((1, 2))  # each row's value is its index
    model = SCAN(**SMALL)
    model.scaler_ = Standardizer(np.zeros(2), np.ones(2))  # rows keep their values
    train, val = model._split(X, None)
    train_rows = set(train[0][:, :, 0].numpy().astype(int).ravel())
    val_rows = set(val[0][:, :, 0].numpy().astype(int).ravel())
    assert not train_rows & val_rows
    assert min(val_rows) == 800 and max(val_rows) == 999  # the last 20 %: one window of 200
    assert max(train_rows) == 799 and len(train[0]) == (800 - 200) // 20 + 1
    # validation rows are at least one window: 20 % of 1,100 rows (220) holds one of 200
    with pytest.raises(ValueError, match="fewer than 2 training windows"):
        model._split(X[:410], None)  # 200 validate, 210 < window + stride remain
    no_val = SCAN(**{**SMALL, "validation_size": 0.0})
    no_val.scaler_ = model.scaler_
    train, val = no_val._split(X, None)
    assert len(val[0]) == 0 and len(train[0]) == (1000 - 200) // 20 + 1


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
