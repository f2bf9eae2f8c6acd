"""Interpretation metrics, score utilities, get_metrics contract and bad input."""
import numpy as np
import pytest

from tsad_fast import metrics


def test_hit_rate_and_ndcg_by_hand():
    gt = np.array([[1, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]])
    att = np.array([[0.9, 0.1, 0.8, 0.0], [0.1, 0.2, 0.3, 0.4], [1, 2, 3, 4]])
    # row 0: top-2 = {0, 2}, one of two causes; row 1: top-1 = {3}, hit; row 2 skipped (no cause)
    assert metrics.hit_rate_at_p(gt, att, 1.0) == pytest.approx((0.5 + 1.0) / 2)
    # P = 150%: row 0 keeps ceil(3) = 3 -> {0, 2, 1}: both causes; row 1 ceil(1.5) = 2: hit
    assert metrics.hit_rate_at_p(gt, att, 1.5) == pytest.approx(1.0)
    ideal = 1 + 1 / np.log2(3)
    assert metrics.ndcg_at_p(gt, att, 1.0) == pytest.approx((1.0 / ideal + 1.0) / 2)
    assert metrics.ndcg_at_p(gt, att, 1.5) == pytest.approx((1 + 1 / np.log2(4)) / ideal / 2 + 0.5)
    assert metrics.hit_rate_at_p(gt, att, 1.0, timestamps=[1]) == 1.0
    assert metrics.hit_rate_at_p(gt, att, 1.0, timestamps=np.array([True, False, True])) == 0.5


def test_interpretation_bad_input():
    gt = np.eye(3)
    with pytest.raises(ValueError, match="no evaluated timestamp"):
        metrics.hit_rate_at_p(np.zeros((3, 3)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="shape"):
        metrics.ndcg_at_p(gt, np.ones((3, 2)))
    with pytest.raises(ValueError, match="attributions"):
        metrics.ndcg_at_p(gt, np.full((3, 3), np.nan))
    with pytest.raises(ValueError, match="p must"):
        metrics.hit_rate_at_p(gt, np.ones((3, 3)), p=0)
    with pytest.raises(TypeError, match="p must"):
        metrics.hit_rate_at_p(gt, np.ones((3, 3)), p="1")
    with pytest.raises(TypeError, match="timestamps"):
        metrics.hit_rate_at_p(gt, np.ones((3, 3)), timestamps=[0.5])
    with pytest.raises(ValueError, match="outside"):
        metrics.hit_rate_at_p(gt, np.ones((3, 3)), timestamps=[7])


def test_find_length_rank_edge_cases():
    assert metrics.find_length_rank(np.arange(100.0), rank=0) == 1
    assert metrics.find_length_rank(np.ones(500)) == 125  # constant: no peak
    assert metrics.find_length_rank(np.sin(np.arange(3000) * 2 * np.pi / 40)) == 40
    with pytest.raises(ValueError, match="rank"):
        metrics.find_length_rank(np.arange(100.0), rank=4)
    with pytest.raises(ValueError, match="data"):
        metrics.find_length_rank([np.nan, 1.0, 2.0])


def test_get_metrics_contract():
    rng = np.random.default_rng(0)
    labels = np.zeros(1000, dtype=int)
    labels[200:230] = 1
    score = rng.random(1000) + labels
    out = metrics.get_metrics(score, labels, slidingWindow=20)
    assert list(out) == list(metrics.suite.KEYS)
    assert all(isinstance(v, float) for v in out.values())
    assert out == metrics.get_metrics(score, labels, slidingWindow=20, version="opt_mem")
    assert out["AUC-ROC"] > 0.99 and out["VUS-PR"] > 0.9


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(labels=np.zeros(100)), ValueError, "no anomaly"),
    (dict(labels=np.ones(100)), ValueError, "no normal"),
    (dict(labels=np.r_[np.zeros(98), 1.0]), ValueError, "99 values"),
    (dict(score=np.r_[np.inf, np.zeros(99)]), ValueError, "score"),
    (dict(pred=np.ones(7)), ValueError, "7 values"),
    (dict(pred=np.full(100, 2)), ValueError, "pred"),
    (dict(version="fast"), ValueError, "version"),
    (dict(slidingWindow=-5), ValueError, "slidingWindow"),
    (dict(thre=0), ValueError, "thre"),
])
def test_get_metrics_bad_input(kwargs, error, match):
    args = dict(score=np.linspace(0, 1, 100), labels=np.r_[np.zeros(90), np.ones(10)])
    args.update(kwargs)
    with pytest.raises(error, match=match):
        metrics.get_metrics(**args)


def test_get_metrics_warns_on_windows_tsbad_accepts_silently():
    score, labels = np.linspace(0, 1, 100), np.r_[np.zeros(90), np.ones(10)]
    with pytest.warns(UserWarning, match="slidingWindow=0"):
        zero = metrics.get_metrics(score, labels, slidingWindow=0)
    assert zero["VUS-PR"] == pytest.approx(metrics.range_auc(labels, score, 0)[1])
    with pytest.warns(UserWarning, match="longer than the series"):
        metrics.get_metrics(score, labels, slidingWindow=101)
    with pytest.raises(ValueError, match="longer than the series"):
        metrics.vus(labels, score, sliding_window=101)


def test_get_metrics_reports_progress():
    seen = []
    metrics.get_metrics(np.linspace(0, 1, 100), np.r_[np.zeros(90), np.ones(10)], 10,
                        progress=seen.append)
    assert len(seen) == 4 and seen[0].startswith("VUS: 11 buffer lengths x 250 thresholds")


def test_get_metrics_validates_each_array_once(monkeypatch):
    """score, labels and pred are each converted and checked exactly once per call."""
    import sys

    from tsad_fast import _validation

    calls = []
    original = _validation.as_float_array

    def counting(value, name, *args, **kwargs):
        calls.append(name)
        return original(value, name, *args, **kwargs)

    for module in list(sys.modules.values()):
        if (getattr(module, "__name__", "").startswith("tsad_fast")
                and getattr(module, "as_float_array", None) is original):
            monkeypatch.setattr(module, "as_float_array", counting)
    score = np.linspace(0, 1, 100)
    metrics.get_metrics(score, np.r_[np.zeros(90), np.ones(10)], 10, pred=score > 0.8)
    assert sorted(calls) == ["labels", "pred", "score"]
