"""Backend probes, the kernel registry and dispatch.

Every kernel has up to four implementations: ``cpp`` (``tsad_fast._core``, C++/pybind11),
``cuda`` (``tsad_fast._cuda``), ``numba`` and ``numpy`` (the readable reference). A kernel's
public function calls :func:`resolve` once per call:

* ``backend="auto"``: a GPU array (CuPy array, CUDA torch tensor) goes to ``cuda``; anything
  else to the first available of ``cpp -> numba -> numpy``. The environment variable
  ``TSAD_FAST_BACKEND`` replaces that order for the kernels that implement the named backend
  (the others keep the automatic order).
* an explicit backend that is not built, not installed or has no device raises
  :class:`BackendUnavailableError` saying why.

A kernel with a CUDA implementation may also register its ``device`` entry point: the
function of ``tsad_fast._cuda`` that takes device pointers of arrays already on the GPU (CuPy
arrays, CUDA torch tensors) and a stream (:func:`device_entry`, used by
:mod:`tsad_fast.kernels.device`).

Probes are lazy: nothing heavy (numba, the CUDA runtime) is imported until a kernel asks.
"""
from __future__ import annotations

import importlib
import os
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Tuple

AUTO_ORDER: Tuple[str, ...] = ("cpp", "numba", "numpy")
BACKENDS: Tuple[str, ...] = AUTO_ORDER + ("cuda",)
ENV_VAR = "TSAD_FAST_BACKEND"

DEVICE = "device"  # the registry key of a kernel's GPU-array entry point

# kernel name -> backend (or DEVICE) -> "module:function" (imported on first use)
_REGISTRY: Dict[str, Dict[str, str]] = {}


class BackendUnavailableError(RuntimeError):
    """An explicitly requested backend cannot run here (not built, not installed, no GPU)."""


def register(kernel: str, **implementations: str) -> None:
    """Declare the implementations of ``kernel`` as ``backend="module:function"`` strings, and
    optionally its GPU-array entry point as ``device="module:function"`` (which needs a
    ``cuda`` implementation beside it)."""
    unknown = set(implementations) - set(BACKENDS) - {DEVICE}
    if unknown:
        raise ValueError(f"unknown backend(s) {sorted(unknown)} for kernel {kernel!r}")
    if DEVICE in implementations and "cuda" not in implementations:
        raise ValueError(f"kernel {kernel!r} registers a device entry point without a cuda "
                         "implementation")
    _REGISTRY[kernel] = dict(implementations)


def implementations(kernel: str) -> Tuple[str, ...]:
    """The backends ``kernel`` implements, in ``BACKENDS`` order."""
    if kernel not in _REGISTRY:
        raise KeyError(f"no kernel named {kernel!r}")
    return tuple(b for b in BACKENDS if b in _REGISTRY[kernel])


def kernels() -> Tuple[str, ...]:
    """The registered kernel names (all of them once ``tsad_fast`` is imported)."""
    return tuple(sorted(_REGISTRY))


@lru_cache(maxsize=None)
def unavailable_reason(backend: str) -> Optional[str]:
    """``None`` when ``backend`` can run here, else a sentence saying why not."""
    if backend == "numpy":
        return None
    if backend == "cpp":
        try:
            importlib.import_module("tsad_fast._core")
        except ImportError as exc:
            return f"the C++ extension tsad_fast._core is not built ({exc})"
        return None
    if backend == "numba":
        try:
            importlib.import_module("numba")
        except ImportError:
            return "numba is not installed (pip install numba)"
        return None
    if backend == "cuda":
        try:
            cuda = importlib.import_module("tsad_fast._cuda")
        except ImportError:
            return ("the CUDA extension tsad_fast._cuda was not built (no CUDA compiler at "
                    "build time)")
        if cuda.device_count() == 0:
            return "tsad_fast._cuda is built but no CUDA device is visible"
        return None
    raise ValueError(f"unknown backend {backend!r}; expected one of {BACKENDS}")


def is_available(backend: str) -> bool:
    return unavailable_reason(backend) is None


def available_backends() -> List[str]:
    """Available backends: the CPU ones in automatic order, then ``cuda`` if usable."""
    return [b for b in BACKENDS if is_available(b)]


_KDL_CUDA, _KDL_CUDA_MANAGED = 2, 13  # DLPack device types of CUDA memory


def is_gpu_array(obj: Any) -> bool:
    """True for arrays in CUDA memory: CUDA torch tensors, CuPy arrays, anything with the CUDA
    Array Interface or a CUDA DLPack device, detected without importing a framework."""
    module = type(obj).__module__ or ""
    if module.startswith("torch"):
        return bool(getattr(obj, "is_cuda", False))
    if module.startswith("cupy") or hasattr(type(obj), "__cuda_array_interface__"):
        return True
    dlpack_device = getattr(obj, "__dlpack_device__", None)
    if callable(dlpack_device):
        try:
            return int(dlpack_device()[0]) in (_KDL_CUDA, _KDL_CUDA_MANAGED)
        except Exception:  # a device we cannot read: treat it as host memory
            return False
    return False


def device_entry(kernel: str) -> Callable:
    """The GPU-array entry point of ``kernel`` (registered as ``device=``), imported once the
    ``cuda`` backend is known to run here; :class:`BackendUnavailableError` otherwise."""
    if kernel not in _REGISTRY:
        raise KeyError(f"no kernel named {kernel!r}")
    if DEVICE not in _REGISTRY[kernel]:
        raise BackendUnavailableError(f"kernel {kernel!r} has no entry point for GPU arrays")
    reason = unavailable_reason("cuda")
    if reason is not None:
        raise BackendUnavailableError(f"a GPU array was given to {kernel!r}, but {reason}")
    return load(kernel, DEVICE)


def load(kernel: str, backend: str) -> Callable:
    """The implementation of ``kernel`` on ``backend``, imported, without availability checks
    (``resolve`` checks; the registry test loads every entry this way)."""
    module_name, _, attr = _REGISTRY[kernel][backend].partition(":")
    return getattr(importlib.import_module(module_name), attr)


def _require(kernel: str, backend: str, implementations: Dict[str, str]) -> Tuple[str, Callable]:
    if backend not in implementations:
        raise BackendUnavailableError(
            f"kernel {kernel!r} has no {backend!r} backend; it implements {sorted(implementations)}"
        )
    reason = unavailable_reason(backend)
    if reason is not None:
        raise BackendUnavailableError(f"backend {backend!r} requested for {kernel!r}, but {reason}")
    return backend, load(kernel, backend)


def resolve(kernel: str, backend: str = "auto", like: Any = None) -> Tuple[str, Callable]:
    """Pick the implementation of ``kernel``: returns ``(backend_name, function)``.

    ``like`` is an input array: a GPU array makes ``auto`` choose ``cuda``.
    """
    if kernel not in _REGISTRY:
        raise KeyError(f"no kernel named {kernel!r}")
    implementations = _REGISTRY[kernel]
    if not isinstance(backend, str) or backend not in ("auto",) + BACKENDS:
        raise ValueError(f"backend must be 'auto' or one of {BACKENDS}, got {backend!r}")
    if backend != "auto":
        return _require(kernel, backend, implementations)
    if like is not None and is_gpu_array(like):
        return _require(kernel, "cuda", implementations)
    forced = os.environ.get(ENV_VAR, "auto").strip().lower() or "auto"
    if forced != "auto":
        if forced not in BACKENDS:
            raise ValueError(f"{ENV_VAR}={forced!r}; expected 'auto' or one of {BACKENDS}")
        if forced in implementations:
            return _require(kernel, forced, implementations)
    for name in AUTO_ORDER:
        if name in implementations and is_available(name):
            return name, load(kernel, name)
    raise BackendUnavailableError(f"no backend of kernel {kernel!r} can run here")
