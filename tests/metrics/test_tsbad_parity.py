"""tsad_fast.metrics against TSB-AD 1.5: stored get_metrics outputs (tools/make_metrics_fixtures.py)
always, and a live comparison when TSB_AD is importable."""
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import backend_params
from tsad_fast import metrics

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "tsbad_metrics.npz"


def golden_cases(suffix="values"):
    with np.load(GOLDEN, allow_pickle=False) as data:
        keys = [str(k) for k in data["keys"]]
        i = 0
        while f"case{i}_name" in data:
            yield pytest.param(data[f"case{i}_labels"], data[f"case{i}_score"],
                               int(data[f"case{i}_window"]),
                               dict(zip(keys, data[f"case{i}_{suffix}"])),
                               id=str(data[f"case{i}_name"]))
            i += 1


def period_cases():
    with np.load(GOLDEN, allow_pickle=False) as data:
        i = 0
        while f"period{i}_name" in data:
            yield pytest.param(data[f"period{i}_series"], data[f"period{i}_lengths"].tolist(),
                               id=str(data[f"period{i}_name"]))
            i += 1


CASES = list(golden_cases())
PRED_CASES = list(golden_cases("pred_values"))
BOOL_PRED_CASES = list(golden_cases("pred_bool_values"))


def three_sigma_pred(score):
    """TSB-AD main.py's predictions: ``output > mean + 3 * std``, a boolean array."""
    return score > score.mean() + 3 * score.std()


def get_metrics(score, labels, **kwargs):
    """get_metrics, with the warning it gives for windows longer than the series expected."""
    if kwargs.get("slidingWindow", 100) > len(score):
        with pytest.warns(UserWarning, match="longer than the series"):
            return metrics.get_metrics(score, labels, **kwargs)
    return metrics.get_metrics(score, labels, **kwargs)


def assert_matches(got, expected):
    """Every key equal to 1e-9; where TSB-AD's Affiliation-F is NaN (nothing predicted), 0.0."""
    assert set(got) == set(expected)
    for key, want in expected.items():
        if key == "Affiliation-F" and np.isnan(want):
            assert got[key] == 0.0
        else:
            assert got[key] == pytest.approx(want, abs=1e-9), key


@pytest.mark.parametrize("backend", backend_params("vus_areas"))
@pytest.mark.parametrize("labels,score,window,expected", CASES)
def test_get_metrics_matches_tsbad(labels, score, window, expected, backend):
    assert_matches(get_metrics(score, labels, slidingWindow=window, backend=backend), expected)


@pytest.mark.parametrize("dtype", [int, float])
@pytest.mark.parametrize("labels,score,window,expected", PRED_CASES)
def test_get_metrics_with_numeric_pred_matches_tsbad(labels, score, window, expected, dtype):
    pred = three_sigma_pred(score).astype(dtype)
    assert_matches(get_metrics(score, labels, slidingWindow=window, pred=pred), expected)


@pytest.mark.parametrize("labels,score,window,expected", BOOL_PRED_CASES)
def test_get_metrics_with_boolean_pred_matches_tsbad(labels, score, window, expected):
    """TSB-AD's range conversion of a boolean pred finds one range from its first edge to the
    end; get_metrics reproduces that R-based-F1, range_f1 keeps the true ranges."""
    pred = three_sigma_pred(score)
    assert_matches(get_metrics(score, labels, slidingWindow=window, pred=pred), expected)
    assert metrics.range_f1(labels, pred=pred) == metrics.range_f1(labels, pred=pred.astype(int))


def test_boolean_pred_quirk_changes_the_range_f1():
    """The golden cases include ones where the boolean and the 0/1 R-based-F1 differ (so the
    quirk is exercised, not vacuously equal)."""
    differ = [p.values[3]["R-based-F1"] != b.values[3]["R-based-F1"]
              for p, b in zip(PRED_CASES, BOOL_PRED_CASES)]
    assert sum(differ) >= 3


@pytest.mark.parametrize("series,expected", list(period_cases()))
def test_find_length_rank_matches_tsbad(series, expected):
    assert [metrics.find_length_rank(series, rank=r) for r in (1, 2, 3)] == expected
    assert metrics.find_length_rank(np.c_[series, -series]) == expected[0]  # first channel


@pytest.mark.parametrize("backend", backend_params("vus_areas"))
@pytest.mark.parametrize("labels,score,window,expected", CASES)
def test_vus_matches_tsbad(labels, score, window, expected, backend):
    if window > len(score):  # get_metrics computes it (with a warning); vus refuses it
        with pytest.raises(ValueError, match="longer than the series"):
            metrics.vus(labels, score, sliding_window=window, backend=backend)
        return
    roc, pr = metrics.vus(labels, score, sliding_window=window, backend=backend)
    assert roc == pytest.approx(expected["VUS-ROC"], abs=1e-9)
    assert pr == pytest.approx(expected["VUS-PR"], abs=1e-9)


@pytest.mark.parametrize("labels,score,window,expected", CASES)
def test_point_metrics_match_tsbad(labels, score, window, expected):
    assert metrics.auc_roc(labels, score) == pytest.approx(expected["AUC-ROC"], abs=1e-9)
    assert metrics.auc_pr(labels, score) == pytest.approx(expected["AUC-PR"], abs=1e-9)
    assert metrics.point_f1(labels, score) == pytest.approx(expected["Standard-F1"], abs=1e-9)


@pytest.mark.parametrize("backend", backend_params("affiliation_sweep"))
@pytest.mark.parametrize("labels,score,window,expected", CASES)
def test_affiliation_matches_tsbad(labels, score, window, expected, backend):
    want = expected["Affiliation-F"]
    got = metrics.affiliation_f1(labels, score, backend=backend)
    assert got == (0.0 if np.isnan(want) else pytest.approx(want, abs=1e-9))


@pytest.mark.parametrize("labels,score,window,expected", CASES)
def test_event_metrics_match_tsbad(labels, score, window, expected):
    assert metrics.pa_f1(labels, score) == pytest.approx(expected["PA-F1"], abs=1e-9)
    assert metrics.event_f1(labels, score) == pytest.approx(expected["Event-based-F1"], abs=1e-9)
    assert metrics.range_f1(labels, score) == pytest.approx(expected["R-based-F1"], abs=1e-9)


def test_live_against_tsbad():
    tsb = pytest.importorskip("TSB_AD.evaluation.basic_metrics",
                              reason="TSB-AD 1.5 (the reference) is not installed")
    tsb_metrics = pytest.importorskip("TSB_AD.evaluation.metrics")
    rng = np.random.default_rng(11)
    for trial in range(4):
        n = int(rng.integers(200, 1500))
        labels = np.zeros(n, dtype=int)
        for _ in range(int(rng.integers(1, 8))):
            a = int(rng.integers(0, n))
            labels[a:a + int(rng.integers(1, 70))] = 1
        if trial == 0:
            labels[:4] = 1  # segments touching both ends
            labels[-1] = 1
        score = np.round(rng.random(n) + labels * rng.random(), int(rng.integers(1, 4)))
        window = int(rng.integers(1, 130))
        grader = tsb.basic_metricor()
        *_, ref_roc, ref_pr = tsb.generate_curve(labels, score, window, "opt", 250)
        roc, pr = metrics.vus(labels, score, sliding_window=window)
        assert roc == pytest.approx(ref_roc, abs=1e-9)
        assert pr == pytest.approx(ref_pr, abs=1e-9)
        assert metrics.auc_roc(labels, score) == pytest.approx(grader.metric_ROC(labels, score), abs=1e-9)
        assert metrics.auc_pr(labels, score) == pytest.approx(grader.metric_PR(labels, score), abs=1e-9)
        assert metrics.point_f1(labels, score) == pytest.approx(
            grader.metric_PointF1(labels, score), abs=1e-9)
        for name, ours, theirs in [("pa", metrics.pa_f1, grader.metric_PointF1PA),
                                   ("event", metrics.event_f1, grader.metric_EventF1PA),
                                   ("range", metrics.range_f1, grader.metric_RF1)]:
            assert ours(labels, score) == pytest.approx(theirs(labels, score), abs=1e-9), name
        for pred in [(score > np.median(score)).astype(int), labels.copy(),
                     np.r_[labels[1:], 0], np.ones(n, dtype=int)]:
            assert metrics.point_f1(labels, pred=pred) == pytest.approx(
                grader.metric_PointF1(labels, score, preds=pred), abs=1e-9)
            assert metrics.pa_f1(labels, pred=pred) == pytest.approx(
                grader.metric_PointF1PA(labels, score, preds=pred), abs=1e-9)
            assert metrics.event_f1(labels, pred=pred) == pytest.approx(
                grader.metric_EventF1PA(labels, score, preds=pred), abs=1e-9)
            assert metrics.range_f1(labels, pred=pred) == pytest.approx(
                grader.metric_RF1(labels, score, preds=pred), abs=1e-9)
            want = grader.metric_Affiliation(labels, score, preds=pred)
            got = metrics.affiliation_f1(labels, pred=pred)
            assert got == (0.0 if np.isnan(want) else pytest.approx(want, abs=1e-9))
        assert metrics.affiliation_f1(labels, score) == pytest.approx(
            grader.metric_Affiliation(labels, score), abs=1e-9)
        if trial >= 2:  # TSB-AD's get_metrics is slow: its main.py flow on two series
            continue
        # TSB-AD's main.py flow: boolean 3-sigma pred, and boolean labels, through get_metrics
        pred = score > score.mean() + 3 * score.std()
        for y, p in [(labels, pred), (labels.astype(bool), pred.astype(int)),
                     (labels.astype(bool), pred)]:
            want = tsb_metrics.get_metrics(score, y, slidingWindow=window, pred=p)
            assert_matches(metrics.get_metrics(score, y, slidingWindow=window, pred=p),
                           {k: float(v) for k, v in want.items()})
