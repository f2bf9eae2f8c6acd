"""The VUS kernel: every backend against the NumPy reference on random inputs, the reference
against the definition (tests/naive.py), and bad input."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import backend_params
from tests.naive import naive_vus
from tsad_fast.kernels import vus_areas
from tsad_fast.metrics import range_auc, vus


@st.composite
def labelled_scores(draw, max_n=400):
    n = draw(st.integers(2, max_n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    labels = np.zeros(n, dtype=np.int8)
    for _ in range(draw(st.integers(1, 10))):
        a = int(rng.integers(0, n))
        labels[a:a + int(rng.integers(1, max(2, n // 5)))] = 1
    if labels.all():
        labels[int(rng.integers(0, n))] = 0
    decimals = draw(st.sampled_from([0, 1, 2, 8]))  # 0 and 1: heavy ties
    score = np.round(rng.random(n) + labels * rng.random(), decimals)
    return labels, score, draw(st.integers(0, min(60, n))), draw(st.sampled_from([1, 7, 250]))


@pytest.mark.parametrize("backend", backend_params("vus_areas", reference=False))
@given(case=labelled_scores(max_n=3000))
def test_backends_match_reference(backend, case):
    labels, score, window, n_thresholds = case
    ref_roc, ref_pr = vus_areas(labels, score, window, n_thresholds, backend="numpy")
    roc, pr = vus_areas(labels, score, window, n_thresholds, backend=backend)
    # CPU backends add in the reference's order; CUDA's atomics change the order of additions
    tolerance = 1e-9 if backend == "cuda" else 1e-12
    np.testing.assert_allclose(roc, ref_roc, rtol=0, atol=tolerance)
    np.testing.assert_allclose(pr, ref_pr, rtol=0, atol=tolerance)


@given(labelled_scores(max_n=60))
def test_reference_matches_definition(case):
    labels, score, window, n_thresholds = case
    window = min(window, 20)
    expected = naive_vus(labels, score, window, n_thresholds)
    np.testing.assert_allclose(vus(labels, score, window, n_thresholds, backend="numpy"),
                               expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("backend", backend_params("vus_areas"))
def test_vus_properties(backend):
    rng = np.random.default_rng(5)
    labels = np.zeros(2000, dtype=np.int8)
    labels[[100, 900, 1500]] = 1
    labels[400:480] = 1
    perfect = vus(labels, labels + 0.01 * rng.random(2000), 50, backend=backend)
    assert perfect[0] > 0.99 and perfect[1] > 0.9
    noise = vus(labels, rng.random(2000), 50, backend=backend)
    assert noise[0] < perfect[0] and noise[1] < perfect[1]
    # w = 0 is the point-wise range AUC: one buffer length gives a curve of length 1
    noise_score = rng.random(2000)
    roc, pr = vus_areas(labels, noise_score, 0, backend=backend)
    assert roc.shape == pr.shape == (1,)
    roc, pr = vus_areas(labels, noise_score, 30, backend=backend)
    assert range_auc(labels, noise_score, 30, backend=backend) == (roc[-1], pr[-1])
    assert range_auc(labels, noise_score, 0, backend=backend) == (roc[0], pr[0])


@pytest.mark.parametrize("backend", backend_params("vus_areas", reference=False))
def test_one_threshold(backend):
    """With one threshold (the maximum score) every other point ranks below all thresholds:
    it is never predicted, and no backend may count it anywhere."""
    labels = np.zeros(300, dtype=np.int8)
    labels[[10, 150]] = 1
    labels[200:240] = 1
    score = np.random.default_rng(8).random(300) + labels
    want = vus_areas(labels, score, 30, 1, backend="numpy")
    got = vus_areas(labels, score, 30, 1, backend=backend)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    np.testing.assert_allclose([want[0].mean(), want[1].mean()], naive_vus(labels, score, 30, 1),
                               rtol=0, atol=1e-12)


BAD = [
    (dict(labels=np.zeros(100)), ValueError, "no anomaly"),
    (dict(labels=np.ones(100)), ValueError, "no normal"),
    (dict(labels=np.r_[np.zeros(99), 2.0]), ValueError, "only 0"),
    (dict(labels=np.r_[np.zeros(98), 1.0]), ValueError, "99 values"),
    (dict(score=np.r_[np.nan, np.zeros(99)]), ValueError, "score"),
    (dict(score=np.zeros((100, 2))), ValueError, "score"),
    (dict(score=[]), ValueError, "score"),
    (dict(sliding_window=-1), ValueError, "sliding_window"),
    (dict(sliding_window=101), ValueError, "longer than the series"),
    (dict(n_thresholds=0), ValueError, "n_thresholds"),
    (dict(sliding_window=2.5), TypeError, "sliding_window"),
    (dict(labels="abc"), TypeError, "labels"),
]


@pytest.mark.parametrize("change,error,match", BAD)
def test_bad_input(change, error, match):
    args = dict(labels=np.r_[np.zeros(90), np.ones(10)], score=np.linspace(0, 1, 100),
                sliding_window=10, n_thresholds=250)
    args.update(change)
    with pytest.raises(error, match=match):
        vus_areas(**args)
