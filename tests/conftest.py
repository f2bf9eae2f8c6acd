"""Shared test helpers: the backends this machine can run, and seeded stream generators."""
import os

import numpy as np
import pytest
from hypothesis import settings

from tsad_fast import _backend

# HYPOTHESIS_PROFILE=thorough runs many more random cases than CI's default.
settings.register_profile("ci", max_examples=25, deadline=None)
settings.register_profile("thorough", max_examples=400, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CPU_BACKENDS = [b for b in _backend.AUTO_ORDER if _backend.is_available(b)]
COMPILED_BACKENDS = [b for b in CPU_BACKENDS if b != "numpy"]


def backend_params(kernel: str, reference: bool = True):
    """pytest params for every backend ``kernel`` implements (the NumPy reference only when
    ``reference``); a backend that cannot run here is a skip that says why, never left out."""
    params = []
    for backend in _backend.implementations(kernel):
        if backend == "numpy" and not reference:
            continue
        reason = _backend.unavailable_reason(backend)
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        params.append(pytest.param(backend, marks=marks, id=backend))
    return params


def make_stream(kind: str, seed: int, n: int) -> np.ndarray:
    """A seeded stream: 'normal', 'exponential', 'pareto' (heavy tail) or 'drift' (random walk
    trend plus noise, for DSPOT)."""
    rng = np.random.default_rng(seed)
    if kind == "normal":
        return rng.normal(size=n)
    if kind == "exponential":
        return rng.exponential(size=n)
    if kind == "pareto":
        return rng.pareto(3.0, size=n)
    if kind == "drift":
        return np.cumsum(rng.normal(scale=0.05, size=n)) + rng.normal(size=n)
    raise ValueError(kind)


@pytest.fixture(params=COMPILED_BACKENDS or [pytest.param("none", marks=pytest.mark.skip(
    reason="no compiled backend (cpp, numba) available"))])
def compiled_backend(request):
    return request.param
