"""Score utilities: TSB-AD's window-to-point mapping and the 3-sigma threshold (SPEC 1.6)."""
from __future__ import annotations

import numpy as np

from tsad_fast._validation import as_float_array, check_int


def window_scores_to_points(window_scores, window: int) -> np.ndarray:
    """Point scores (n_windows + window - 1,) from one score per sliding window (stride 1):
    ``ceil((window-1)/2)`` copies of the first score in front, ``floor((window-1)/2)`` of the
    last behind, as TSB-AD pads its detectors' outputs."""
    scores = as_float_array(window_scores, "window_scores")
    window = check_int(window, "window", 1)
    front, back = -(-(window - 1) // 2), (window - 1) // 2
    return np.concatenate([np.full(front, scores[0]), scores, np.full(back, scores[-1])])


def three_sigma_threshold(scores) -> float:
    """``mean + 3 * std`` (population std) of the scores."""
    values = as_float_array(scores, "scores")
    return float(values.mean() + 3.0 * values.std())
