"""Configuration: what this installation can run (:func:`show_config`) and the tunables that
size the work done at once (:func:`get_config`, :func:`set_config`, :func:`config_context`, as
scikit-learn's).

The tunables trade memory against passes; none changes a result beyond float32 rounding in
torch's or BLAS's products (a different batch may round differently):

``inference_batch``
    samples per inference pass of each torch detector, by class name (``"*"``: the others).
    Samples are timestamps for Moon, windows for the other detectors. Moon's and MSUT-Net's
    activations per sample are large, so a small batch keeps a pass near the caches; SCAN's
    windows hold T x C x d activations per scale, so it takes few.
``window_block_bytes``
    flattened float32 windows the classical baselines (PCA, IForest, KNN) score at once:
    memory stays O(n c) for any series length.
``nearest_block_bytes``
    float32 inner products (queries x centers) of one block of the NumPy nearest-center search.
``shap_batch_rows``
    model rows evaluated per block of Kernel SHAP coalitions.
``explain_chunk``
    rows per forward (or forward and backward) pass of Moon's explainer.
``stream_one_thread_rows``
    a stream's update of at most this many rows scores on one thread (detectors with
    ``n_threads="auto"``): waking a pool of waiting threads costs more than so little work.

Settings are process-wide (not per thread).
"""
from __future__ import annotations

import importlib
from contextlib import contextmanager
from typing import Any, Dict, Iterator

from tsad_fast import _backend

_DEFAULTS: Dict[str, Any] = {
    "inference_batch": {"*": 1024, "Moon": 64, "MSUTNet": 64, "SCAN": 4},
    "window_block_bytes": 16 << 20,
    "nearest_block_bytes": 4 << 20,
    "shap_batch_rows": 65536,
    "explain_chunk": 64,
    "stream_one_thread_rows": 64,
}
_config: Dict[str, Any] = {key: (dict(value) if isinstance(value, dict) else value)
                           for key, value in _DEFAULTS.items()}


def get_config() -> Dict[str, Any]:
    """The current tunables (a copy; see the module's docstring for each)."""
    return {key: (dict(value) if isinstance(value, dict) else value)
            for key, value in _config.items()}


def _positive(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{key} must be a positive integer, got {value!r}")
    return value


def set_config(**settings: Any) -> None:
    """Set tunables by name; ``inference_batch`` takes ``{class name: samples}``, merged into
    the current mapping. ValueError for an unknown name or a value that is not a positive
    integer; every setting is checked before any is applied, so a refused call changes
    nothing."""
    unknown = set(settings) - set(_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; known: {sorted(_DEFAULTS)}")
    checked = {}
    for key, value in settings.items():
        if key == "inference_batch":
            if not isinstance(value, dict):
                raise ValueError("inference_batch must be a dict {detector class name: samples}")
            checked[key] = {str(name): _positive(f"inference_batch[{name!r}]", size)
                            for name, size in value.items()}
        else:
            checked[key] = _positive(key, value)
    for key, value in checked.items():
        if key == "inference_batch":
            _config[key].update(value)
        else:
            _config[key] = value


@contextmanager
def config_context(**settings: Any) -> Iterator[None]:
    """:func:`set_config` inside a ``with`` block, the previous values restored after it."""
    before = get_config()
    try:
        set_config(**settings)
        yield
    finally:
        _config.clear()
        _config.update(before)


def inference_batch(detector: Any) -> int:
    """Samples per inference pass of ``detector`` (an instance or a class)."""
    name = detector.__name__ if isinstance(detector, type) else type(detector).__name__
    sizes = _config["inference_batch"]
    return sizes.get(name, sizes["*"])


def show_config(print_out: bool = True) -> Dict[str, Any]:
    """Print and return the build and runtime configuration.

    Keys: ``version``; ``backends`` (available, CPU ones in automatic order, then ``cuda``);
    ``openmp_threads`` (0 when the C++ extension is missing); ``cuda_built`` (whether
    ``tsad_fast._cuda`` exists); ``gpu`` (device name, or None); ``notes`` (why a backend is
    missing).
    """
    from tsad_fast import __version__

    notes = {b: r for b in _backend.BACKENDS if (r := _backend.unavailable_reason(b))}
    try:
        core = importlib.import_module("tsad_fast._core")
        threads = int(core.openmp_threads())
        compiler = f"{core.compiler}, OpenMP {'on' if core.openmp else 'off'}"
    except ImportError:
        threads, compiler = 0, None
        notes["cpp"] += "; the package runs on the numba/numpy backends"
    try:
        cuda = importlib.import_module("tsad_fast._cuda")
        cuda_built = True
        gpu = cuda.device_name(0) if cuda.device_count() > 0 else None
    except ImportError:
        cuda_built, gpu = False, None
    config = {
        "version": __version__,
        "backends": _backend.available_backends(),
        "openmp_threads": threads,
        "compiler": compiler,
        "cuda_built": cuda_built,
        "gpu": gpu,
        "notes": notes,
    }
    if print_out:
        width = max(map(len, config))
        for key, value in config.items():
            if key == "notes":
                for backend, reason in value.items():
                    print(f"{'note':<{width}} : {backend}: {reason}")
            else:
                print(f"{key:<{width}} : {value}")
    return config
