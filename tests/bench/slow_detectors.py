"""Detectors for the grid tests, imported by reference on the Dask workers."""
import time

from tsad_fast.detectors import PCA


class SlowPCA(PCA):
    """PCA that takes ``delay`` extra seconds to fit (keeps a worker busy to be killed)."""

    def __init__(self, window=100, n_components=0.95, threshold="3sigma", seed=2024,
                 n_threads="auto", delay=1.0):
        super().__init__(window, n_components, threshold, seed, n_threads)
        self.delay = delay

    def fit(self, X, y=None):
        time.sleep(self.delay)
        return super().fit(X, y)
