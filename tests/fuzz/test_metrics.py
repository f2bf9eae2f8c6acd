"""Fuzz: every public metric on hostile scores, labels, predictions, windows and presentations:
the same result as on the canonical input (across backends for the metrics that take one), or
a ValueError/TypeError naming the argument (tests/fuzz/contract.py)."""
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import backend_params
from tests.fuzz.contract import assert_close, assert_equal, canonical, check, outcome
from tests.fuzz.hostile import (LENGTHS, MAX, hostile_arrays, hostile_labels, labelled_scores,
                                parameters, presented, windows)
from tsad_fast import metrics
from tsad_fast.metrics._inputs import is_boolean

POINT_AND_EVENT = ["auc_roc", "auc_pr", "point_f1", "pa_f1", "event_f1", "range_f1"]


@pytest.mark.parametrize("name", POINT_AND_EVENT)
@given(case=labelled_scores())
def test_score_metrics(name, case):
    labels, score = case
    metric = getattr(metrics, name)
    want = outcome(lambda: metric(canonical(labels), canonical(score)))
    check(outcome(lambda: metric(labels, score)), want, ("labels", "score"), assert_equal)


@st.composite
def labelled_predictions(draw):
    """(labels, pred): hostile 0/1 arrays (with strays) of one length or not."""
    n = draw(st.sampled_from(LENGTHS))
    pred = draw(hostile_labels(draw(st.sampled_from([n] * 12 + [n + 1]))))
    return draw(hostile_labels(n)), pred


@pytest.mark.parametrize("name", ["point_f1", "pa_f1", "event_f1", "range_f1"])
@given(case=labelled_predictions())
def test_prediction_metrics(name, case):
    labels, pred = case
    metric = getattr(metrics, name)
    want = outcome(lambda: metric(canonical(labels), pred=canonical(pred)))
    check(outcome(lambda: metric(labels, pred=pred)), want, ("labels", "pred"), assert_equal)


@pytest.mark.parametrize("backend", backend_params("affiliation_sweep"))
@given(case=labelled_scores(), predictions=labelled_predictions(), use_pred=st.booleans())
def test_affiliation_f1(backend, case, predictions, use_pred):
    labels, score = predictions if use_pred else case
    key = "pred" if use_pred else "score"
    want = outcome(lambda: metrics.affiliation_f1(canonical(labels), **{key: canonical(score)},
                                                  backend="numpy"))
    got = outcome(lambda: metrics.affiliation_f1(labels, **{key: score}, backend=backend))
    check(got, want, ("labels", key), assert_close())


VUS = {"vus": "sliding_window", "vus_roc": "sliding_window", "vus_pr": "sliding_window",
       "vus_curves": "sliding_window", "range_auc": "window"}


@pytest.mark.parametrize("backend", backend_params("vus_areas"))
@pytest.mark.parametrize("name", sorted(VUS))
@given(case=labelled_scores(), data=st.data())
def test_vus_metrics(name, backend, case, data):
    labels, score = case
    window = VUS[name]
    args = data.draw(parameters({"n_thresholds": ([1, 7, 250], [0, True])}))
    args[window] = data.draw(windows(len(labels)))
    metric = getattr(metrics, name)
    want = outcome(lambda: metric(canonical(labels), canonical(score), **args, backend="numpy"))
    got = outcome(lambda: metric(labels, score, **args, backend=backend))
    check(got, want, ("labels", "score", "n_thresholds", window), assert_close())


def suite_canonical(x):
    """get_metrics' canonical input: boolean labels and pred keep TSB-AD's boolean range
    conversion (documented in metrics/events.py), so their canonical form stays boolean."""
    return np.asarray(x, dtype=bool, order="C") if is_boolean(x) else canonical(x)


@pytest.mark.parametrize("backend", backend_params("vus_areas"))
@settings(max_examples=10)
@given(case=labelled_scores(), data=st.data())
@pytest.mark.filterwarnings("ignore:slidingWindow")
def test_get_metrics(backend, case, data):
    labels, score = case
    n = len(labels)
    args = data.draw(parameters({"slidingWindow": ([0, 1, n // 2, n, n + 2], [-1, 1.5]),
                                 "thre": ([1, 250], [0]), "version": (["opt", "opt_mem"], [""]),
                                 "pred": ([None, "pred"], [])}))
    if args["pred"]:
        args["pred"] = data.draw(hostile_labels(n))
    reference = dict(args, pred=None if args["pred"] is None else suite_canonical(args["pred"]))
    want = outcome(lambda: metrics.get_metrics(canonical(score), suite_canonical(labels),
                                               **reference, backend="numpy"))
    got = outcome(lambda: metrics.get_metrics(score, labels, **args, backend=backend))
    check(got, want, ("score", "labels") + tuple(args), assert_close())


@given(data=st.sampled_from(LENGTHS + (300,)).flatmap(
    lambda n: st.sampled_from([(n,)] * 4 + [(n, 2), (n, 1), (n, 2, 2)])).flatmap(hostile_arrays),
    rank=st.sampled_from([0, 1, 1, 2, 3, 4, -1, True]))
def test_find_length_rank(data, rank):
    want = outcome(lambda: metrics.find_length_rank(canonical(data), rank))
    check(outcome(lambda: metrics.find_length_rank(data, rank)), want, ("data", "rank"),
          assert_equal)


def naive_interpretation(gt, att, p, rows):
    """(HitRate@P, NDCG@P) by the definitions (metrics/interpretation.py): each row ranked by
    attribution, ties to the lower index, top k = ceil(P |GT|) (exact) of at most c."""
    hits, gains = [], []
    for t in rows:
        truth = {j for j in range(gt.shape[1]) if gt[t, j] == 1}
        if not truth:
            continue
        order = sorted(range(gt.shape[1]), key=lambda j: (-att[t, j], j))
        top = order[:min(gt.shape[1], math.ceil(Fraction(p) * len(truth)))]
        hits.append(len(truth.intersection(top)) / len(truth))
        dcg = sum(1 / math.log2(i + 2) for i, j in enumerate(top) if j in truth)
        gains.append(dcg / sum(1 / math.log2(i + 2) for i in range(min(len(top), len(truth)))))
    return np.mean(hits), np.mean(gains)


@st.composite
def attributions(draw):
    """Keyword arguments of hit_rate_at_p / ndcg_at_p: 0/1 ground truth (n, c), hostile
    attributions (n, c), P from 5e-324 to the largest double, timestamps as rows or a mask."""
    n, c = draw(st.sampled_from(LENGTHS[:9])), draw(st.integers(1, 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    gt = (rng.random((n, c)) < draw(st.sampled_from([0.0, 0.2, 0.5, 1.0]))).astype(float)
    if draw(st.integers(0, 5)) == 0:
        gt[int(rng.integers(n)), 0] = draw(st.sampled_from([2.0, 0.5, np.nan]))
    rows = rng.integers(0, n, size=int(rng.integers(0, 2 * n + 1)))
    kwargs = draw(parameters({
        "p": ([1.0, 1.5, 0.5, 2.0, 5e-324, 1e-300, 1e308, MAX], [0.0, -1.0, np.nan, np.inf, True]),
        "timestamps": ([None, "rows", "mask"], [[0.5], [n], [-1], np.ones(n + 1, bool)])}))
    if isinstance(kwargs["timestamps"], str):
        kwargs["timestamps"] = rows if kwargs["timestamps"] == "rows" else rng.random(n) < 0.5
    shape = draw(st.sampled_from([(n, c)] * 8 + [(n, c + 1), (n,)]))
    return dict(kwargs, dim_labels=draw(presented(gt)),
                attributions=draw(hostile_arrays(shape)))


@pytest.mark.parametrize("which", [0, 1])
@given(kwargs=attributions())
def test_interpretation_metrics(which, kwargs):
    """HitRate@P (0) and NDCG@P (1): the definitions on the canonical input, in [0, 1]."""
    metric = [metrics.hit_rate_at_p, metrics.ndcg_at_p][which]
    reference = {k: canonical(v) if k in ("dim_labels", "attributions") else v
                 for k, v in kwargs.items()}
    want = outcome(lambda: metric(**reference))

    def same(got, want):
        assert got == want
        gt, att = reference["dim_labels"], reference["attributions"]
        rows = kwargs["timestamps"]
        rows = range(gt.shape[0]) if rows is None else (
            np.flatnonzero(rows) if np.asarray(rows).dtype == bool else rows)
        assert 0.0 <= got <= 1.0
        assert got == pytest.approx(naive_interpretation(gt, att, kwargs["p"], rows)[which],
                                    rel=1e-12)

    check(outcome(lambda: metric(**kwargs)), want, tuple(kwargs), same)
