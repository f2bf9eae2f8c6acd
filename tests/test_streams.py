"""Streams: every detector's scores row by row equal its batch scores, whatever the chunks;
alarms from its thresholder; save/load resumes; bad rows refused; bounded state."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tsad_fast import IForest, KNN, PCA, GradientBoosting, Logistic
from tsad_fast.streams import Stream
from tsad_fast.thresholds import SPOTThreshold, spot_thresholds

torch = pytest.importorskip("torch")
from tsad_fast import GBOC, SCAN, Moon, MSUTNet  # noqa: E402

N_FIT, N_TEST, C = 360, 300, 3


def _series(n, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    X = np.sin(t[:, None] / 9.0 + np.arange(C)) + 0.1 * rng.normal(size=(n, C))
    y = np.zeros(n)
    for start in rng.choice(n - 20, 3, replace=False):
        X[start:start + 8, start % C] += 2.0
        y[start:start + 8] = 1
    return X, y


DETECTORS = {
    "PCA": lambda: PCA(window=12),
    "KNN": lambda: KNN(window=9),
    "IForest": lambda: IForest(window=6, n_estimators=20),
    "GradientBoosting": lambda: GradientBoosting(window=5, max_iter=10),
    "Logistic": lambda: Logistic(window=4),
    "GBOC": lambda: GBOC(window=10, hidden=8, n_layers=1, epochs=1, inner_epochs=1,
                         verbose=0),
    "SCAN": lambda: SCAN(window=40, stride=20, kernels=(5, 1), patch=5, d=8, d_r=4,
                         n_clusters=3, epochs=1, batch_size=8, verbose=0, compiled=False),
    "MSUTNet": lambda: MSUTNet(window=16, stride=4, score_stride=5, channels=4, k=2,
                               d_model=8, heads=2, layers=1, epochs=1, batch_size=16,
                               verbose=0),
    "Moon": lambda: Moon(os_budget=(32, 256), epochs=1, batch_size=32, verbose=0),
}
LATENESS = {"PCA": 5, "KNN": 4, "IForest": 2, "GradientBoosting": 0, "Logistic": 0, "GBOC": 4,
            "SCAN": 39, "MSUTNet": 16, "Moon": 0}


@pytest.fixture(scope="module", params=sorted(DETECTORS))
def fitted(request):
    X, y = _series(N_FIT, 0)
    detector = DETECTORS[request.param]()
    detector.fit(X, y) if detector.supervised else detector.fit(X)
    test, _ = _series(N_TEST, 1)
    return request.param, detector, test, detector.decision_function(test)


def _run(stream, test, chunks):
    outputs, start, k = [], 0, 0
    while start < len(test):
        size = chunks[k % len(chunks)]
        outputs.append(stream.update(test[start:start + size]))
        start, k = start + size, k + 1
    outputs.append(stream.flush())
    return outputs


def _joined(outputs, field):
    return np.concatenate([getattr(o, field) for o in outputs])


@settings(max_examples=6, deadline=None)
@given(chunks=st.lists(st.integers(0, 90), min_size=1, max_size=5).filter(any))
def test_stream_scores_equal_batch_scores(fitted, chunks):
    name, detector, test, batch = fitted
    stream = detector.stream()
    outputs = _run(stream, test, chunks)
    np.testing.assert_array_equal(_joined(outputs, "index"), np.arange(len(test)))
    np.testing.assert_allclose(_joined(outputs, "scores"), batch, rtol=1e-6, atol=1e-12)
    assert stream.lateness == LATENESS[name]
    assert stream.n_rows == stream.n_final == len(test) and stream.closed


def test_each_score_arrives_within_the_lateness(fitted):
    name, detector, test, _ = fitted
    stream, latest = detector.stream(), -1
    for t in range(120):
        out = stream.update(test[t])
        if len(out):
            assert out.index[0] == latest + 1
            latest = out.index[-1]
        if t + 1 >= stream.warmup:
            assert latest >= t - stream.lateness
        else:
            assert latest == -1


def test_alarms_come_from_the_thresholder(fitted):
    name, detector, test, batch = fitted
    outputs = _run(detector.stream(), test, [37])
    alarms, thresholds = _joined(outputs, "alarms"), _joined(outputs, "thresholds")
    scores = _joined(outputs, "scores")
    if getattr(detector.thresholder_, "mode", "fit") == "stream":  # SCAN: SPOT runs on
        spot = spot_thresholds(detector.thresholder_.init_scores_, scores,
                               q=detector.thresholder_.q, level=detector.thresholder_.level)
        np.testing.assert_array_equal(np.flatnonzero(alarms), spot.alarms)
        np.testing.assert_allclose(thresholds, spot.upper, rtol=1e-12)
    else:
        np.testing.assert_array_equal(thresholds, np.full(len(test), detector.threshold_))
        np.testing.assert_array_equal(alarms, (scores > detector.threshold_).astype(np.int64))


def test_spot_stream_threshold_continues_over_the_stream():
    X, _ = _series(N_FIT, 0)
    test, _ = _series(N_TEST, 1)
    detector = PCA(window=12, threshold=SPOTThreshold(q=1e-2, mode="stream")).fit(X)
    outputs = _run(detector.stream(), test, [1, 50])
    spot = spot_thresholds(detector.decision_scores_, detector.decision_function(test), q=1e-2)
    np.testing.assert_array_equal(np.flatnonzero(_joined(outputs, "alarms")), spot.alarms)
    np.testing.assert_allclose(_joined(outputs, "thresholds"), spot.upper, rtol=1e-9)


def test_save_and_load_resume_the_stream(fitted, tmp_path):
    """The same chunks with and without a save and load in between: the same outputs (to
    BLAS's float32 rounding, which can depend on where NumPy placed an array)."""
    name, detector, test, _ = fitted
    unbroken = detector.stream()
    whole = [unbroken.update(test[:115])] + _run(unbroken, test[115:], [23])
    stream = detector.stream()
    first = [stream.update(test[:115])]
    stream.save(tmp_path / "stream.tsad")
    resumed = Stream.load(tmp_path / "stream.tsad")
    assert type(resumed.detector) is type(detector) and resumed.n_rows == 115
    rest = first + _run(resumed, test[115:], [23])
    for field in ("index", "alarms"):
        np.testing.assert_array_equal(_joined(rest, field), _joined(whole, field))
    for field in ("scores", "thresholds"):
        np.testing.assert_allclose(_joined(rest, field), _joined(whole, field), rtol=1e-6)


def test_the_state_does_not_grow_with_the_stream(fitted):
    name, detector, test, _ = fitted
    stream = detector.stream()
    sizes = []
    for repeat in range(4):
        for start in range(0, len(test), 25):
            stream.update(test[start:start + 25])
        state = stream._scorer.state()
        sizes.append(sum(np.asarray(v).size for v in state.values()
                         if isinstance(v, np.ndarray)))
    assert sizes[-1] <= sizes[0] and max(sizes) <= 4 * 40 * C + 4 * 40  # about two windows


def test_bad_rows_are_refused_and_nothing_is_taken():
    X, _ = _series(N_FIT, 0)
    detector = PCA(window=12).fit(X)
    stream = detector.stream()
    stream.update(X[:20])
    bad = X[:5].copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="rows"):
        stream.update(bad)
    with pytest.raises(ValueError, match="channels"):
        stream.update(np.zeros((4, C + 1)))
    assert stream.n_rows == 20
    stream.update(np.empty((0, C)))
    assert stream.n_rows == 20
    stream.flush()
    with pytest.raises(ValueError, match="flushed"):
        stream.update(X[:3])


def test_too_short_a_stream_for_a_window_is_refused_at_flush():
    X, _ = _series(N_FIT, 0)
    stream = PCA(window=12).fit(X).stream()
    assert len(stream.update(X[:11])) == 0
    with pytest.raises(ValueError, match="fewer than window=12"):
        stream.flush()


def test_unfitted_and_transductive_detectors_do_not_stream():
    from tsad_fast.detectors import NotFittedError

    with pytest.raises(NotFittedError):
        PCA().stream()
    X, _ = _series(N_FIT, 0)
    detector = GBOC(window=10, hidden=8, n_layers=1, epochs=1, inner_epochs=1, verbose=0,
                    protocol="transductive").fit(X)
    with pytest.raises(ValueError, match="inductive"):
        detector.stream()


def test_a_file_without_a_stream_is_refused(tmp_path):
    X, _ = _series(N_FIT, 0)
    detector = PCA(window=12).fit(X)
    detector.save(tmp_path / "model.tsad")
    with pytest.raises(ValueError, match="no tsad_fast stream"):
        Stream.load(tmp_path / "model.tsad")
