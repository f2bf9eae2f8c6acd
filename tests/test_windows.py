"""tsad_fast.windows: sliding windows (NumPy and torch), tumbling windows padded and trimmed,
window scores to point scores (TSB-AD's padding and the mean over covering windows)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tsad_fast.windows import (count_windows, overlapping_windows, sliding_windows,
                               tumbling_windows, unoverlap, untumble,
                               window_scores_to_points)


def naive_mean_cover(scores, window, stride, n):
    """Loop-level: each timestamp the mean score of the windows covering it; uncovered
    timestamps (after the last window) the last window's score."""
    out = []
    for t in range(n):
        covering = [s for i, s in enumerate(scores) if i * stride <= t < i * stride + window]
        out.append(np.mean(covering) if covering else scores[-1])
    return np.array(out)


@given(n=st.integers(1, 60), c=st.integers(1, 3), window=st.integers(1, 20),
       stride=st.integers(1, 7))
def test_sliding_windows_numpy_and_torch(n, c, window, stride):
    torch = pytest.importorskip("torch")
    X = np.arange(n * c, dtype=np.float64).reshape(n, c)
    if n < window:
        with pytest.raises(ValueError, match="fewer than window"):
            sliding_windows(X, window, stride)
        return
    W = sliding_windows(X, window, stride)
    assert W.shape == (count_windows(n, window, stride), window, c)
    for i in range(W.shape[0]):
        np.testing.assert_array_equal(W[i], X[i * stride:i * stride + window])
    np.testing.assert_array_equal(sliding_windows(torch.from_numpy(X), window, stride).numpy(), W)


def test_sliding_windows_are_views():
    X = np.arange(20.0).reshape(10, 2)
    W = sliding_windows(X, 4)
    assert np.shares_memory(W, X) and not W.flags.writeable


@given(n=st.integers(1, 50), window=st.integers(1, 12))
def test_tumbling_windows_pad_and_trim(n, window):
    X = np.random.default_rng(n).normal(size=(n, 2))
    W, length = tumbling_windows(X, window)
    assert W.shape == (-(-n // window), window, 2) and length == n
    np.testing.assert_array_equal(untumble(W, n), X)
    padding = np.repeat(X[-1:], W.shape[0] * window - n, axis=0)
    np.testing.assert_array_equal(W.reshape(-1, 2)[n:], padding)
    per_row = W.sum(axis=2)  # any per-row output (n_windows, window) comes back as (n,)
    np.testing.assert_array_equal(untumble(per_row, n), X.sum(axis=1))


@given(n=st.integers(1, 50), window=st.integers(1, 12))
def test_tumbling_windows_end_with_the_last_full_window(n, window):
    X = np.random.default_rng(n).normal(size=(n, 2))
    W, length = tumbling_windows(X, window, tail="last")
    assert W.shape == (-(-n // window), window, 2) and length == n
    if n >= window:  # no padding: every window is a stretch of X, the last one X[n-window:]
        np.testing.assert_array_equal(W[-1], X[n - window:])
        starts = [i * window for i in range(W.shape[0] - 1)] + [n - window]
        for w, start in zip(W, starts):
            np.testing.assert_array_equal(w, X[start:start + window])
    np.testing.assert_array_equal(untumble(W, n, tail="last"), X)
    np.testing.assert_array_equal(untumble(W.sum(axis=2), n, tail="last"), X.sum(axis=1))


def test_window_scores_to_points_pads_like_tsbad():
    out = window_scores_to_points([1.0, 2.0, 3.0], window=4)
    np.testing.assert_array_equal(out, [1, 1, 1, 2, 3, 3])  # ceil(3/2) = 2 front, 1 behind
    assert window_scores_to_points([5.0], 1).tolist() == [5.0]


@given(n_windows=st.integers(1, 30), window=st.integers(1, 15), stride=st.integers(1, 6),
       extra=st.integers(0, 5))
def test_window_scores_mean_over_covering_windows(n_windows, window, stride, extra):
    scores = np.random.default_rng(n_windows * 7 + window).random(n_windows)
    n = (n_windows - 1) * stride + window + extra
    got = window_scores_to_points(scores, window, stride, n=n, how="mean")
    np.testing.assert_allclose(got, naive_mean_cover(scores, window, stride, n), rtol=1e-12)


@pytest.mark.parametrize("call,error,match", [
    (lambda: window_scores_to_points([1.0], 0), ValueError, "window"),
    (lambda: window_scores_to_points([1.0, 2.0], 3, stride=2), ValueError, "how='mean'"),
    (lambda: window_scores_to_points([1.0, 2.0], 3, how="max"), ValueError, "how"),
    (lambda: window_scores_to_points([1.0, 2.0], 3, n=3, how="mean"), ValueError, "n must be"),
    (lambda: window_scores_to_points([np.nan], 1), ValueError, "window_scores"),
    (lambda: sliding_windows(np.zeros(5), 2), ValueError, "2-D"),
    (lambda: tumbling_windows(np.zeros((0, 2)), 3), ValueError, "empty"),
    (lambda: untumble(np.zeros((2, 3)), 7), ValueError, "exceeds"),
    (lambda: tumbling_windows(np.zeros((4, 2)), 3, tail="drop"), ValueError, "tail"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


@given(n=st.integers(1, 60), window=st.integers(1, 20), stride=st.integers(1, 20))
def test_overlapping_windows_cover_every_row_and_average_back(n, window, stride):
    stride = min(stride, window)
    X = np.arange(n * 2, dtype=float).reshape(n, 2)
    windows, starts, m = overlapping_windows(X, window, stride)
    assert m == n and windows.shape == (len(starts), window, 2)
    if n >= window:
        assert starts[-1] == n - window and (np.diff(starts) <= stride).all()
        np.testing.assert_array_equal(windows, np.stack([X[s:s + window] for s in starts]))
    # a per-row output equal to the row itself averages back to the series
    np.testing.assert_array_equal(unoverlap(windows, starts, n), X)
    # averaged, not summed: a row held by two windows gets the mean of their outputs
    outputs = np.stack([np.full((window, 2), float(i)) for i in range(len(starts))])
    back = unoverlap(outputs, starts, n)
    held = [[i for i, s in enumerate(starts) if s <= row < s + window] for row in range(n)]
    np.testing.assert_allclose(back[:, 0], [np.mean(h) for h in held])


def test_overlapping_windows_bad_input():
    with pytest.raises(ValueError, match="empty"):
        overlapping_windows(np.zeros((0, 2)), 3, 1)
    with pytest.raises(ValueError, match="stride"):
        overlapping_windows(np.zeros((5, 2)), 3, 0)
    with pytest.raises(ValueError, match="stride=4 exceeds window=3"):
        overlapping_windows(np.zeros((5, 2)), 3, 4)
    with pytest.raises(ValueError, match="2-D"):
        overlapping_windows(np.zeros(5), 3, 1)
    with pytest.raises(ValueError, match="one window per start"):
        unoverlap(np.zeros((2, 3, 1)), np.array([0]), 5)
    with pytest.raises(ValueError, match="starts must lie"):
        unoverlap(np.zeros((1, 3, 1)), np.array([4]), 5)


def test_standardizer_state_round_trip_and_bad_states():
    from tsad_fast.scaling import Standardizer

    X = np.random.default_rng(0).normal(size=(50, 3))
    fitted = Standardizer.fit(X)
    back = Standardizer.from_state(fitted.to_state())
    np.testing.assert_array_equal(back.transform(X), fitted.transform(X))
    for mean, std in ((np.zeros(3), np.zeros(3)), (np.zeros(3), np.ones(2)),
                      (np.full(3, np.nan), np.ones(3))):
        with pytest.raises(ValueError, match="Standardizer state"):
            Standardizer.from_state({"scaler_mean": mean, "scaler_std": std})
