"""The package's demo: GBOC on one real SMD machine (bundled), metrics and a plot.

``tsad-fast demo`` trains :class:`tsad_fast.GBOC` (its defaults: the authors' configuration)
on the machine's ``train`` part, scores every window of its ``test`` part, prints
TSB-AD's metrics (VUS-PR, VUS-ROC, AUC-PR, AUC-ROC, and the F1 scores and Affiliation-F of the
detector's own 3-sigma predictions) with the wall time, and writes a PNG of
the scores, the threshold and the labelled anomalies.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Dict, Optional, Union


from tsad_fast import datasets
from tsad_fast.metrics import find_length_rank, get_metrics


def run_demo(data: Optional[Union[str, Path]] = None, out_dir: Union[str, Path] = "tsad-fast-out",
             epochs: Optional[int] = None, window: Optional[int] = None, stride: int = 1,
             seed: int = 2024, verbose: int = 1, backend: str = "auto",
             plot: bool = True) -> Dict[str, float]:
    """Train GBOC on an SMD machine (default: the bundled one), print and return the metrics
    (plus ``fit_seconds``, ``score_seconds``); the plot goes to ``out_dir/gboc_<machine>.png``.
    ``epochs`` and ``window`` default to GBOC's; ``stride`` > 1 trains on every stride-th
    window only (faster, for a quick look)."""
    from tsad_fast import GBOC

    series = datasets.bundled_smd() if data is None else datasets.load_smd_npz(data)
    print(f"{series.name}: train {series.train.shape}, test {series.test.shape}, "
          f"{int(series.labels.sum())} anomalous test points")
    given = {k: v for k, v in (("epochs", epochs), ("window", window)) if v is not None}
    model = GBOC(stride=stride, seed=seed, verbose=verbose, backend=backend, **given)
    start = time.perf_counter()
    model.fit(series.train)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    scores = model.decision_function(series.test)
    score_seconds = time.perf_counter() - start
    pred = model.thresholder_.predict(scores)
    sliding = find_length_rank(series.test[:, 0], rank=1)
    metrics = get_metrics(scores, series.labels, slidingWindow=sliding, pred=pred, backend=backend)
    print(f"GBOC: {model.epochs} epochs of up to {model.inner_epochs} passes "
          f"({len(model.history_)} passes; training windows every {stride} rows), "
          f"{model.n_balls_} granular balls, "
          f"threshold {model.threshold_:.4g} (3 sigma of the training scores)")
    print(f"metrics (anomaly class; slidingWindow {sliding}; F1 scores and Affiliation-F of "
          "the thresholded predictions):")
    width = max(map(len, metrics))
    for key, value in metrics.items():
        print(f"  {key:<{width}}  {value:.4f}")
    print(f"wall time: fit {fit_seconds:.1f} s, score {score_seconds:.2f} s "
          f"({score_seconds / len(scores) * 1e6:.1f} us per test point)")
    if plot:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        png = out / f"gboc_{series.name}.png"
        from tsad_fast.plots import plot_detection

        plot_detection(png, scores, model.threshold_, series.labels,
                       f"GBOC on SMD {series.name} (test part): VUS-PR {metrics['VUS-PR']:.3f}, "
                       f"VUS-ROC {metrics['VUS-ROC']:.3f}")
        print(f"plot written to {png}")
    return {**metrics, "fit_seconds": fit_seconds, "score_seconds": score_seconds}


def __getattr__(name):
    if name == "plot_detection":
        import warnings

        from tsad_fast.plots import plot_detection

        warnings.warn("tsad_fast.demo.plot_detection moved to tsad_fast.plots.plot_detection",
                      DeprecationWarning, stacklevel=2)
        return plot_detection
    raise AttributeError(f"module 'tsad_fast.demo' has no attribute {name!r}")
