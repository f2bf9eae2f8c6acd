"""GPU arrays in, GPU arrays out: the device path of the CUDA kernels.

A CuPy array or a CUDA torch tensor given to ``nearest_center``, ``kmeans_assign`` or
``vus_areas`` never visits the host: it is converted to a C-contiguous float64 array on its
device by its own library, validated there (shape, non-empty, finite: one reduction whose
boolean is the only thing read back), the outputs are allocated by the same library on the
same device, and the kernel's registered ``device`` entry point
(:func:`tsad_fast._backend.device_entry`) runs on the library's current stream with the arrays'
device pointers. Other GPU arrays (Numba device arrays, anything with
the CUDA Array Interface or a CUDA DLPack capsule) are viewed zero-copy through CuPy, or torch
when CuPy is missing, and their results come back in that library.

:class:`ArrayOps` is the little each library must provide; ``TorchOps`` and ``CupyOps`` are the
two implementations.
"""
from __future__ import annotations

import importlib
from typing import Any, Tuple

import numpy as np

from tsad_fast._backend import device_entry, is_gpu_array
from tsad_fast._validation import as_float_array

class ArrayOps:
    """What the device path needs from an array library (all on the array's device)."""

    name = "abstract"

    def float64(self, x: Any) -> Any:
        """x as a C-contiguous float64 array (no copy when it already is one)."""
        raise NotImplementedError

    def shape(self, x: Any) -> Tuple[int, ...]:
        return tuple(int(s) for s in x.shape)

    def all_finite(self, x: Any) -> bool:
        raise NotImplementedError

    def empty(self, like: Any, shape: Tuple[int, ...], dtype: str) -> Any:
        """An uninitialised array of ``dtype`` ("float64" or "int64") on the device of ``like``."""
        raise NotImplementedError

    def pointer(self, x: Any) -> int:
        raise NotImplementedError

    def stream(self, x: Any) -> int:
        """The handle of the library's current stream on the device of ``x`` (0: default)."""
        raise NotImplementedError

    def device_of(self, x: Any) -> int:
        """The index of the GPU holding ``x``."""
        raise NotImplementedError

    def on_device(self, x: Any):
        """A context in which the device of ``x`` is the current CUDA device."""
        raise NotImplementedError

    def to_host(self, x: Any) -> np.ndarray:
        raise NotImplementedError

    def from_host(self, like: Any, values: np.ndarray) -> Any:
        raise NotImplementedError

    def sort_descending(self, x: Any) -> Any:
        raise NotImplementedError

    def take(self, x: Any, index: np.ndarray) -> Any:
        """x[index] for a host array of indices, as a contiguous device array."""
        raise NotImplementedError

    def label_edges(self, labels: Any) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Checks 0/1 labels on the device and returns, on the host, (starts, ends) of their
        runs of 1 (inclusive, int64) and (count of 0, count of 1); raises ValueError naming
        ``labels`` when a value is neither 0 nor 1."""
        raise NotImplementedError


class TorchOps(ArrayOps):
    name = "torch"

    def __init__(self):
        self.torch = importlib.import_module("torch")

    def float64(self, x):
        return x.detach().to(self.torch.float64).contiguous()

    def all_finite(self, x):
        return bool(self.torch.isfinite(x).all())

    def empty(self, like, shape, dtype):
        return self.torch.empty(shape, dtype=getattr(self.torch, dtype), device=like.device)

    def pointer(self, x):
        return int(x.data_ptr())

    def stream(self, x):
        return int(self.torch.cuda.current_stream(x.device).cuda_stream)

    def device_of(self, x):
        return int(x.device.index or 0)

    def on_device(self, x):
        return self.torch.cuda.device(x.device)

    def to_host(self, x):
        return x.detach().cpu().numpy()

    def from_host(self, like, values):
        return self.torch.as_tensor(np.ascontiguousarray(values), device=like.device)

    def sort_descending(self, x):
        return self.torch.sort(x, descending=True).values

    def take(self, x, index):
        return x[self.torch.as_tensor(index, device=x.device)].contiguous()

    def label_edges(self, labels):
        torch = self.torch
        values = labels.detach().to(torch.float64).reshape(-1)
        binary = torch.logical_or(values == 0, values == 1)
        if not bool(binary.all()):
            raise ValueError("labels must hold only 0 (normal) and 1 (anomaly)")
        flags = values.to(torch.int8)
        zero = torch.zeros(1, dtype=torch.int8, device=values.device)
        edges = torch.diff(torch.cat([zero, flags, zero]))
        starts = torch.nonzero(edges == 1).reshape(-1)
        ends = torch.nonzero(edges == -1).reshape(-1) - 1
        n_anomalous = int(flags.sum())
        return (starts.cpu().numpy().astype(np.int64), ends.cpu().numpy().astype(np.int64),
                (int(values.numel()) - n_anomalous, n_anomalous))


class CupyOps(ArrayOps):
    name = "cupy"

    def __init__(self):
        self.cp = importlib.import_module("cupy")

    def _on(self, like):
        return self.cp.cuda.Device(like.device.id)

    def float64(self, x):
        with self._on(x):
            return self.cp.ascontiguousarray(x, dtype=self.cp.float64)

    def all_finite(self, x):
        with self._on(x):
            return bool(self.cp.isfinite(x).all())

    def empty(self, like, shape, dtype):
        with self._on(like):
            return self.cp.empty(shape, dtype=dtype)

    def pointer(self, x):
        return int(x.data.ptr)

    def stream(self, x):
        with self._on(x):
            return int(self.cp.cuda.get_current_stream().ptr)

    def device_of(self, x):
        return int(x.device.id)

    def on_device(self, x):
        return self._on(x)

    def to_host(self, x):
        return self.cp.asnumpy(x)

    def from_host(self, like, values):
        with self._on(like):
            return self.cp.asarray(np.ascontiguousarray(values))

    def sort_descending(self, x):
        with self._on(x):
            return self.cp.sort(x)[::-1]

    def take(self, x, index):
        with self._on(x):
            return self.cp.ascontiguousarray(x[self.cp.asarray(index)])

    def label_edges(self, labels):
        cp = self.cp
        with self._on(labels):
            values = cp.asarray(labels, dtype=cp.float64).reshape(-1)
            if not bool(cp.logical_or(values == 0, values == 1).all()):
                raise ValueError("labels must hold only 0 (normal) and 1 (anomaly)")
            flags = values.astype(cp.int8)
            edges = cp.diff(cp.concatenate([cp.zeros(1, cp.int8), flags, cp.zeros(1, cp.int8)]))
            starts = cp.flatnonzero(edges == 1)
            ends = cp.flatnonzero(edges == -1) - 1
            n_anomalous = int(flags.sum())
            return (cp.asnumpy(starts).astype(np.int64), cp.asnumpy(ends).astype(np.int64),
                    (int(values.size) - n_anomalous, n_anomalous))


def _engine(prefer: str) -> ArrayOps:
    """CuPy (or torch, as ``prefer`` says) to view foreign GPU arrays through."""
    order = ("cupy", "torch") if prefer == "cupy" else ("torch", "cupy")
    for name in order:
        try:
            return CupyOps() if name == "cupy" else TorchOps()
        except ImportError:
            continue
    raise TypeError("a GPU array that is neither a CuPy array nor a torch tensor needs CuPy "
                    "(pip install cupy-cuda12x) or torch to be viewed on the device")


def adopt(x: Any, name: str) -> Tuple[ArrayOps, Any]:
    """(the ops of x's library, x as an array of that library) for a GPU array ``x``."""
    module = type(x).__module__ or ""
    if module.startswith("torch"):
        return TorchOps(), x
    if module.startswith("cupy"):
        return CupyOps(), x
    ops = _engine("cupy")
    try:
        if ops.name == "cupy":
            return ops, ops.cp.asarray(x) if hasattr(type(x), "__cuda_array_interface__") \
                else ops.cp.from_dlpack(x)
        return ops, ops.torch.from_dlpack(x)
    except Exception as exc:
        raise TypeError(f"{name} is a GPU array that could not be viewed through "
                        f"{ops.name}: {exc}") from None


def checked(ops: ArrayOps, x: Any, name: str, ndim: int, min_rows: int) -> Any:
    """x as a validated C-contiguous float64 device array of ``ndim`` dimensions with at
    least ``min_rows`` rows and finite entries; errors name the argument."""
    shape = ops.shape(x)
    if ndim == 1 and len(shape) == 2 and shape[1] == 1:
        x, shape = x.reshape(-1), (shape[0],)
    if len(shape) != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {shape}")
    if shape[0] < min_rows:
        raise ValueError(f"{name} has {shape[0]} rows; at least {min_rows} are needed")
    try:
        x = ops.float64(x)
    except Exception as exc:  # complex or non-numeric dtypes
        raise TypeError(f"{name} must hold real numbers: {exc}") from None
    if not ops.all_finite(x):
        raise ValueError(f"{name} contains NaN/inf value(s)")
    return x


def operand(ops: ArrayOps, like: Any, x: Any, name: str, ndim: int, min_rows: int) -> Any:
    """A further argument of a device call, validated, on the device of ``like``: a GPU array
    of the same library as ``like`` (other GPU arrays are viewed through it), or a host array,
    validated on the host and copied over."""
    if not is_gpu_array(x):
        return ops.from_host(like, as_float_array(x, name, ndim=ndim, min_length=min_rows))
    other, x = adopt(x, name)
    if other.name != ops.name:
        raise TypeError(f"{name} is a {other.name} array but the first argument is a "
                        f"{ops.name} array; give both from one library")
    if ops.device_of(x) != ops.device_of(like):
        raise ValueError(f"{name} is on GPU {ops.device_of(x)} but the first argument is on GPU "
                         f"{ops.device_of(like)}; give both on one device")
    return checked(ops, x, name, ndim, min_rows)


def points_and_centers(points: Any, centers: Any, points_name: str, centers_name: str):
    """(ops, points (m, d), centers (k >= 1, d)) validated on the device of ``points`` (a GPU
    array; m may be 0), as ``as_points_and_centers`` does on the host."""
    ops, points = adopt(points, points_name)
    points = checked(ops, points, points_name, ndim=2, min_rows=0)
    centers = operand(ops, points, centers, centers_name, ndim=2, min_rows=1)
    d, d_centers = ops.shape(points)[1], ops.shape(centers)[1]
    if d != d_centers:
        raise ValueError(f"{points_name} has {d} columns but {centers_name} has {d_centers}")
    if d == 0:
        raise ValueError(f"{points_name} and {centers_name} have no columns")
    return ops, points, centers


def to_host(x: Any) -> Any:
    """A GPU array copied to a NumPy array; anything else unchanged."""
    if not is_gpu_array(x):
        return x
    ops, x = adopt(x, "array")
    return ops.to_host(x)


def launch(ops: ArrayOps, like: Any, kernel: str, *args) -> None:
    """Run the registered device entry point of ``kernel`` with ``args`` and the current stream
    of the GPU holding ``like``, that GPU being the current device (where temporaries are
    allocated and kernels launched)."""
    entry = device_entry(kernel)
    with ops.on_device(like):
        entry(*args, ops.stream(like))
