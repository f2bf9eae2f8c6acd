"""``show_config()``: what this installation can run."""
from __future__ import annotations

import importlib
from typing import Any, Dict

from tsad_fast import _backend


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
