"""SHA-256 of the seeded scores of every detector on one synthetic series (small settings), to
compare two versions of the package bit for bit: run it on both and diff the output.

    python benchmarks/seeded_scores.py > scores-a.txt
"""
from __future__ import annotations

import hashlib

import numpy as np

import tsad_fast  # noqa: F401  (first: the OpenMP wait policy before torch loads)
from tsad_fast import GBOC, KNN, PCA, SCAN, GradientBoosting, IForest, Logistic, Moon, MSUTNet

SETTINGS = {
    GBOC: dict(window=8, hidden=8, n_layers=2, epochs=2, inner_epochs=3, batch_size=64),
    SCAN: dict(window=200, stride=20, kernels=(5, 1), patch=5, d=16, d_r=8, n_clusters=4,
               epochs=3, batch_size=8, lr=1e-2, compiled=False),
    MSUTNet: dict(window=20, stride=5, channels=8, k=3, d_model=16, heads=2, layers=1,
                  epochs=3, batch_size=16, lr=3e-3),
    Moon: dict(os_budget=(64, 2048), epochs=2, batch_size=32),
    PCA: dict(window=10), IForest: dict(window=10, n_estimators=20), KNN: dict(window=10),
    GradientBoosting: dict(max_iter=20), Logistic: dict(),
}


def series(n: int = 1200, c: int = 5, seed: int = 0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    X = np.stack([np.sin(2 * np.pi * t / (20 + 3 * k)) for k in range(c)], 1)
    X += 0.1 * rng.normal(size=(n, c))
    y = np.zeros(n, dtype=int)
    for start in range(100, n - 30, 150):
        X[start:start + 10, start % c] += 2.5
        y[start:start + 10] = 1
    return X, y


def main() -> None:
    X, y = series()
    fit, test = slice(0, 800), slice(800, None)
    for cls, params in SETTINGS.items():
        extra = {"n_threads": 1} if "n_threads" in cls().get_params() else {}
        if "verbose" in cls().get_params():
            extra["verbose"] = 0
        model = cls(**params, **extra)
        model.fit(X[fit], y[fit]) if cls.supervised else model.fit(X[fit])
        scores = np.concatenate([model.decision_scores_, model.decision_function(X[test])])
        print(f"{cls.__name__:17s} {hashlib.sha256(scores.tobytes()).hexdigest()[:16]} "
              f"{scores[:3]}")


if __name__ == "__main__":
    main()
