"""MSUT-Net (a reconstruction from the paper's abstract, SPEC 2.4): shapes of every block, the
graph's antisymmetry and top-k, the group assignments and pooling, the detector contract,
determinism, persistence, the graph exposed and plotted, bad input."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from tsad_fast import MSUTNet  # noqa: E402
from tsad_fast.cli import main  # noqa: E402
from tsad_fast.compat.tsb_ad import run_MSUTNet  # noqa: E402
from tsad_fast.metrics import auc_roc  # noqa: E402
from tsad_fast.nn.graph import (AdaptiveGraph, MixHop, normalized, propagation,  # noqa: E402
                                without_self)
from tsad_fast.nn.group_pooling import SoftGroupPooling  # noqa: E402
from tsad_fast.nn.msut_network import MSUTNetwork  # noqa: E402
from tsad_fast.nn.msut_reference import written_out  # noqa: E402
from tsad_fast.nn.spatial import MultiLevelSpatial  # noqa: E402
from tsad_fast.nn.temporal import UnifiedTemporal  # noqa: E402

SMALL = dict(window=20, stride=5, channels=8, k=3, d_model=16, heads=2, layers=1, epochs=10,
             batch_size=16, lr=3e-3, verbose=0)


def series(n, seed=0, anomaly=None):
    """Six channels in two groups of three that move together, plus noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    a, b = np.sin(2 * np.pi * t / 30), np.cos(2 * np.pi * t / 17)
    X = np.c_[a, 0.8 * a, -a, b, 0.5 * b, -b] + 0.05 * rng.normal(size=(n, 6))
    labels = np.zeros(n, dtype=int)
    if anomaly is not None:
        start, stop = anomaly
        X[start:stop, 1] = -X[start:stop, 1]  # breaks the tie between channels 0 and 1
        labels[start:stop] = 1
    return X, labels


def test_block_shapes():
    x = torch.randn(2, 20, 6, 8)  # (B, T, C, D)
    graph = AdaptiveGraph(6, k=3)
    a = graph()
    assert a.shape == (6, 6)
    hops = propagation(a, 2, 0.05)
    assert len(hops) == 3 and MixHop(8, 3)(x, hops).shape == x.shape
    pooling = SoftGroupPooling(6, 2)
    s = pooling.assignments()
    assert s.shape == (6, 2) and pooling.spread(s, torch.eye(2)).shape == (6, 6)
    spatial, reg = MultiLevelSpatial(6, 8, 2, k=3)(x)
    assert spatial.shape == x.shape and reg.ndim == 0
    assert UnifiedTemporal(6, 8, 16, 2, 1)(x).shape == x.shape
    rec, reg = MSUTNetwork(6, 8, 2, 3, 16, 2, 1)(torch.randn(2, 20, 6))
    assert rec.shape == (2, 20, 6)


def test_graph_is_antisymmetric_before_the_relu_and_keeps_k_per_row():
    torch.manual_seed(0)
    graph = AdaptiveGraph(10, k=4)
    m = graph.antisymmetric()
    torch.testing.assert_close(m, -m.T)
    a = graph()
    assert ((a > 0).sum(dim=1) <= 4).all() and (a >= 0).all()
    # a pair never keeps both directions (antisymmetric argument, then ReLU)
    assert not ((a > 0) & (a.T > 0)).any()
    # exactly k entries survive the top-k (zeros included): no row keeps more than k
    kept = torch.zeros_like(a).scatter_(1, torch.relu(torch.tanh(3 * m)).topk(4, 1).indices, 1)
    assert (kept.sum(1) == 4).all() and ((a > 0) <= (kept > 0)).all()
    rows = normalized(a).sum(dim=1)
    torch.testing.assert_close(rows, torch.ones(10))


def test_group_assignments_and_pooling():
    pooling = SoftGroupPooling(6, 3)
    torch.testing.assert_close(pooling.assignments().sum(dim=1), torch.ones(6))
    with torch.no_grad():  # hard assignments: variables 0-1 -> group 0, 2-3 -> 1, 4-5 -> 2
        pooling.logits.copy_(torch.tensor([[50.0, 0, 0], [50, 0, 0], [0, 50, 0], [0, 50, 0],
                                           [0, 0, 50], [0, 0, 50]]))
    s = pooling.assignments()
    group_values = torch.randn(1, 7, 3, 4)
    x = group_values[:, :, [0, 0, 1, 1, 2, 2]]  # constant within each group
    spread = pooling.spread(s, torch.eye(3))
    torch.testing.assert_close(torch.einsum("vw,btwd->btvd", spread, x), x)
    # without its own value, a variable still reads its group's value from the other member
    torch.testing.assert_close(torch.einsum("vw,btwd->btvd", without_self(spread), x), x)
    assert SoftGroupPooling.regularizer(s, torch.zeros(6, 6)).item() > 0


def test_mixing_without_self():
    torch.manual_seed(1)
    a = AdaptiveGraph(7, k=3)()
    for q in propagation(a, 3, 0.05):
        torch.testing.assert_close(q.sum(1), torch.ones(7))  # each hop a weighted mean
    p = without_self(torch.rand(5, 5))
    assert (p.diagonal() == 0).all()
    torch.testing.assert_close(p.sum(1), torch.ones(5))
    lonely = without_self(torch.eye(3))  # nothing but the node itself to read: zeros
    assert (lonely == 0).all() and torch.isfinite(lonely).all()


@pytest.mark.parametrize("config", [dict(), dict(levels=(1,)), dict(levels=(1, 3)),
                                    dict(spatial=False), dict(temporal="encoder"), dict(gap=2)])
def test_the_network_reads_the_values_as_the_written_out_blocks_do(config):
    """The forward pass maps the values through the embedding's weight and offset; the
    reconstructions (fused and each branch) and the gradients equal those of the blocks
    applied to the features."""
    torch.manual_seed(3)
    net = MSUTNetwork(7, 8, 2, 3, 16, 2, 2, **config)
    x = torch.randn(4, 15, 7)
    fast, reference = net(x, branches=True), written_out(net, x, branches=True)
    for a, b in zip(fast, reference):
        if a is not None or b is not None:
            torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)
    grads = [torch.autograd.grad(sum(part.pow(2).sum() for part in outs if part is not None),
                                 list(net.parameters()), allow_unused=True)
             for outs in (fast, reference)]
    for a, b in zip(*grads):
        if a is not None or b is not None:
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("config", [dict(), dict(levels=(1,)), dict(spatial=False),
                                    dict(n_variables=1)])
def test_a_value_never_reaches_its_own_reconstruction(config):
    """Changing one variable at one step leaves that value's reconstruction exactly as it
    was (the old network's hop-0 term, self-loop and residual let it copy the value), while
    the reconstruction of other values moves."""
    torch.manual_seed(2)
    n = config.pop("n_variables", 5)
    net = MSUTNetwork(n, 8, 2, 3, 16, 2, 2, **config).eval()
    x = torch.randn(3, 12, n)
    changed = x.clone()
    changed[1, 7, n - 1] += 10.0
    with torch.no_grad():
        before, after = net(x)[0], net(changed)[0]
    assert before[1, 7, n - 1] == after[1, 7, n - 1]
    assert (after - before).abs().max() > 1e-3  # the change is read by its context


def test_the_encoder_temporal_option_lets_a_value_through():
    torch.manual_seed(2)
    net = MSUTNetwork(5, 8, 2, 3, 16, 2, 2, temporal="encoder").eval()
    x = torch.randn(3, 12, 5)
    changed = x.clone()
    changed[1, 7, 4] += 10.0
    with torch.no_grad():
        assert net(x)[0][1, 7, 4] != net(changed)[0][1, 7, 4]


@pytest.mark.parametrize("gap", [0, 2])
def test_a_step_is_not_rebuilt_from_the_steps_within_the_gap(gap):
    """Every variable changed at step 7: the temporal module's reconstruction of steps
    7 - gap .. 7 + gap does not move (bit for bit), that of the other steps does."""
    torch.manual_seed(4)
    net = MSUTNetwork(4, 8, 1, 3, 16, 2, 2, spatial=False, gap=gap).eval()
    x = torch.randn(2, 16, 4)
    changed = x.clone()
    changed[:, 7] += 5.0
    with torch.no_grad():
        moved = (net(changed)[0] - net(x)[0]).abs().amax(dim=(0, 2))
    near = (torch.arange(16) - 7).abs() <= gap
    assert (moved[near] == 0).all() and (moved[~near] > 1e-4).all()


def test_branches_objective_trains_and_scores_each_branch():
    X, _ = series(800)
    model = MSUTNet(**{**SMALL, "objective": "branches", "epochs": 3}).fit(X)
    assert {"val_spatial", "val_temporal"} <= set(model.history_[-1])
    assert model.error_median_.shape == (18,)  # 6 channels x (fused, spatial, temporal)
    test, labels = series(500, seed=3, anomaly=(300, 330))
    assert np.isfinite(model.decision_function(test)).all()
    alone = MSUTNet(**{**SMALL, "objective": "branches", "epochs": 1, "spatial": False}).fit(X)
    assert alone.error_median_.shape == (6,)  # the fused reconstruction is the temporal one


@pytest.fixture(scope="module")
def fitted():
    X, _ = series(800)
    return MSUTNet(**SMALL).fit(X), X


def test_contract_graph_and_groups(fitted):
    model, X = fitted
    assert model.decision_scores_.shape == (800,) and np.isfinite(model.decision_scores_).all()
    assert model.graph_.shape == (6, 6) and model.groups_.shape == (6,)
    assert model.groups_.max() < 2  # ceil(6 / 4) = 2 groups
    test, labels = series(500, seed=3, anomaly=(300, 330))
    assert auc_roc(labels, model.decision_function(test)) > 0.9
    pred = model.predict(test)
    assert pred[300:330].mean() > pred[:250].mean()


def test_training_lowers_the_loss():
    X, _ = series(800)
    history = MSUTNet(**{**SMALL, "patience": None}).fit(X).history_
    assert history[-1]["train_loss"] < history[0]["train_loss"]


def test_seeded_and_save_load(fitted, tmp_path):
    model, X = fitted
    again = MSUTNet(**SMALL).fit(X)
    np.testing.assert_array_equal(again.decision_scores_, model.decision_scores_)
    model.save(tmp_path / "msut.pt")
    back = MSUTNet.load(tmp_path / "msut.pt")
    np.testing.assert_array_equal(back.decision_function(X[:333]), model.decision_function(X[:333]))
    np.testing.assert_array_equal(back.graph_, model.graph_)
    np.testing.assert_array_equal(back.groups_, model.groups_)


def test_graph_heat_map_from_the_command_line(fitted, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    model, _ = fitted
    model.save(tmp_path / "msut.pt")
    assert main(["graph", str(tmp_path / "msut.pt"), "--out", str(tmp_path / "g.png")]) == 0
    assert "6 variables, " in capsys.readouterr().out
    assert (tmp_path / "g.png").stat().st_size > 5_000


def test_one_channel_and_ablations():
    X, _ = series(600)
    one = MSUTNet(**{**SMALL, "epochs": 1}).fit(X[:, :1])
    assert one.graph_.shape == (1, 1) and one.graph_[0, 0] == 0
    assert np.isfinite(one.decision_function(X[:100, :1])).all()
    for switch in (dict(levels=(1, 3)), dict(levels=(1, 2)), dict(spatial=False)):
        model = MSUTNet(**{**SMALL, "epochs": 1, **switch}).fit(X)
        assert np.isfinite(model.decision_scores_).all(), switch
    assert model.graph_ is None and model.groups_ is None  # temporal module alone


def test_bad_input(fitted):
    model, X = fitted
    with pytest.raises(ValueError, match="X contains"):
        MSUTNet(**SMALL).fit(np.where(np.arange(800)[:, None] == 9, np.nan, X))
    with pytest.raises(ValueError, match="fewer than 2 training windows"):
        MSUTNet(**SMALL).fit(X[:24])
    with pytest.raises(ValueError, match="channels"):
        model.decision_function(X[:, :4])
    with pytest.raises(ValueError, match="levels"):
        MSUTNet(**{**SMALL, "levels": (2, 3)}).fit(X)
    with pytest.raises(ValueError, match="multiple of heads"):
        MSUTNet(**{**SMALL, "d_model": 15}).fit(X)
    with pytest.raises(ValueError, match="window"):
        MSUTNet(**{**SMALL, "window": 1}).fit(X)
    with pytest.raises(ValueError, match="temporal must be one of"):
        MSUTNet(**{**SMALL, "temporal": "lstm"}).fit(X)
    with pytest.raises(ValueError, match="objective must be one of"):
        MSUTNet(**{**SMALL, "objective": "forecast"}).fit(X)
    with pytest.raises(ValueError, match="gap=10 leaves no step"):
        MSUTNet(**{**SMALL, "gap": 10}).fit(X)
    with pytest.raises(ValueError, match="score_stride"):
        MSUTNet(**{**SMALL, "score_stride": 0}).fit(X)
    assert model.decision_function(X[:7]).shape == (7,)  # shorter than a window: padded


def shifted_sines(n, seed, shifts=()):
    """Five sines of different periods and phases plus noise; level shifts of +1.5 over the
    (start, stop) ranges in ``shifts``, in channel 2 only."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)[:, None]
    X = np.sin(2 * np.pi * t / np.array([40, 55, 70, 40, 90]) + np.array([0, 1, 2, 3, 4]))
    X = X + 0.1 * rng.normal(size=X.shape)
    labels = np.zeros(n, dtype=int)
    for start, stop in shifts:
        X[start:stop, 2] += 1.5
        labels[start:stop] = 1
    return X, labels


def test_the_default_network_ranks_planted_level_shifts():
    """The default network on level shifts of 50 steps in one channel of noisy sines: a step
    rebuilt from its nearest neighbours follows the shift (AUC-ROC 0.81 with ``gap=0``)."""
    train, _ = shifted_sines(3000, seed=0)
    test, labels = shifted_sines(2000, seed=1, shifts=[(400, 450), (1100, 1150), (1700, 1750)])
    model = MSUTNet(verbose=0, n_threads=2).fit(train)
    assert auc_roc(labels, model.decision_function(test)) >= 0.9


def test_tsb_ad_adapter(capsys):
    X, _ = series(500)
    scores = run_MSUTNet(X[:300], X[300:], **{k: v for k, v in SMALL.items() if k != "verbose"})
    assert scores.shape == (200,) and capsys.readouterr().err.startswith("run_MSUTNet: ")
