"""The device path of the CUDA kernels (``tsad_fast/kernels/device.py``), run without a GPU.

Two layers:

* simulated: torch CPU tensors stand in for GPU arrays and the ``*_device`` entry points of
  ``tsad_fast._cuda`` are replaced by NumPy versions that read and write the memory behind the
  pointers they are given. This runs everything the device path does in Python (library
  detection, conversion and validation on the "device", output allocation in the caller's
  library, pointers, the VUS thresholds and label runs) on any machine;
* real: CuPy arrays and CUDA tensors against the host backends, where a GPU is visible.
"""
import contextlib
import ctypes

import numpy as np
import pytest

from tsad_fast import _backend
from tsad_fast.kernels import device, kmeans_assign, nearest_center, vus_areas
from tsad_fast.kernels import kmeans as kmeans_module
from tsad_fast.kernels import nearest as nearest_module
from tsad_fast.kernels import vus as vus_module
from tsad_fast.kernels._numpy.kmeans import kmeans_assign as ref_assign
from tsad_fast.kernels._numpy.nearest import nearest_center as ref_nearest
from tsad_fast.kernels._numpy.vus import vus_areas as ref_vus

torch = pytest.importorskip("torch")


def _view(address, count, ctype):
    return np.ctypeslib.as_array((ctype * max(count, 1)).from_address(address))[:count]


class FakeCuda:
    """The ``*_device`` entry points on host memory: read the inputs behind the pointers,
    compute with the NumPy reference, write the outputs behind the pointers."""

    def __init__(self):
        self.calls = []

    def nearest_center_device(self, Q, m, C, k, d, distances, indices, stream):
        self.calls.append("nearest_center_device")
        dist, idx = ref_nearest(_view(Q, m * d, ctypes.c_double).reshape(m, d),
                                _view(C, k * d, ctypes.c_double).reshape(k, d))
        _view(distances, m, ctypes.c_double)[:] = dist
        _view(indices, m, ctypes.c_int64)[:] = idx

    def kmeans_assign_device(self, X, n, C, k, d, labels, stream):
        self.calls.append("kmeans_assign_device")
        _view(labels, n, ctypes.c_int64)[:] = ref_assign(
            _view(X, n * d, ctypes.c_double).reshape(n, d),
            _view(C, k * d, ctypes.c_double).reshape(k, d))

    def vus_areas_device(self, score, n, starts, ends, thresholds, m, window, roc, pr, stream):
        self.calls.append("vus_areas_device")
        r, p = ref_vus(_view(score, n, ctypes.c_double).copy(), starts, ends,
                       _view(thresholds, m, ctypes.c_double).copy(), window)
        _view(roc, window + 1, ctypes.c_double)[:] = r
        _view(pr, window + 1, ctypes.c_double)[:] = p


@pytest.fixture
def simulated(monkeypatch):
    """torch CPU tensors are 'GPU arrays', the cuda backend is available, the registered device
    entry points are FakeCuda's."""
    fake = FakeCuda()

    def is_gpu(obj):
        return isinstance(obj, torch.Tensor)

    for module in (_backend, device, nearest_module, kmeans_module, vus_module):
        monkeypatch.setattr(module, "is_gpu_array", is_gpu)
    monkeypatch.setattr(_backend, "unavailable_reason", lambda backend: None)
    real_load = _backend.load
    fakes = {"cuda": lambda kernel: (lambda *args: None),
             _backend.DEVICE: lambda kernel: getattr(fake, f"{kernel}_device")}
    monkeypatch.setattr(_backend, "load", lambda kernel, backend: (
        fakes[backend](kernel) if backend in fakes else real_load(kernel, backend)))
    monkeypatch.setattr(device.TorchOps, "stream", lambda self, x: 0)
    monkeypatch.setattr(device.TorchOps, "on_device", lambda self, x: contextlib.nullcontext())
    return fake


def test_nearest_center_stays_in_the_callers_library(simulated):
    rng = np.random.default_rng(0)
    Q, C = rng.normal(size=(300, 7)), rng.normal(size=(20, 7))
    dist, idx = nearest_center(torch.from_numpy(Q).float(), torch.from_numpy(C))
    assert isinstance(dist, torch.Tensor) and dist.dtype == torch.float64
    assert isinstance(idx, torch.Tensor) and idx.dtype == torch.int64
    want_dist, want_idx = nearest_center(Q, C, backend="numpy")
    # float32 queries are converted to float64 on the device, like the host path does
    got_dist, got_idx = nearest_center(torch.from_numpy(Q.astype(np.float32)).double(), C)
    np.testing.assert_allclose(got_dist.numpy(), nearest_center(Q.astype(np.float32), C)[0])
    np.testing.assert_array_equal(got_idx.numpy(), nearest_center(Q.astype(np.float32), C)[1])
    # host centers are copied over; the same result with a device C
    dist, idx = nearest_center(torch.from_numpy(Q), C)
    np.testing.assert_allclose(dist.numpy(), want_dist, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(idx.numpy(), want_idx)
    assert simulated.calls.count("nearest_center_device") == 3
    empty_dist, empty_idx = nearest_center(torch.empty(0, 7, dtype=torch.float64), C)
    assert empty_dist.shape == (0,) and simulated.calls.count("nearest_center_device") == 3


def test_kmeans_assign_stays_in_the_callers_library(simulated):
    rng = np.random.default_rng(1)
    X, C = rng.normal(size=(257, 5)), rng.normal(size=(9, 5))
    labels = kmeans_assign(torch.from_numpy(X), torch.from_numpy(C))
    assert isinstance(labels, torch.Tensor) and labels.dtype == torch.int64
    np.testing.assert_array_equal(labels.numpy(), kmeans_assign(X, C, backend="numpy"))


def test_vus_areas_on_device_equal_the_host(simulated):
    rng = np.random.default_rng(2)
    labels = np.zeros(500, dtype=np.int8)
    labels[[3, 100]] = 1
    labels[200:230] = 1
    labels[-4:] = 1
    score = np.round(rng.random(500) + labels * rng.random(500), 2)
    want = vus_areas(labels, score, 40, 50, backend="numpy")
    for device_labels in (torch.from_numpy(labels), labels, torch.from_numpy(labels).bool()):
        roc, pr = vus_areas(device_labels, torch.from_numpy(score), 40, 50)
        assert isinstance(roc, torch.Tensor) and roc.shape == (41,)
        np.testing.assert_allclose(roc.numpy(), want[0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(pr.numpy(), want[1], rtol=0, atol=1e-12)


@pytest.mark.parametrize("call,error,match", [
    (lambda: nearest_center(torch.tensor([[np.nan, 1.0]]), np.ones((2, 2))), ValueError,
     "Q contains NaN"),
    (lambda: nearest_center(torch.ones(3, 2), torch.ones(2, 3)), ValueError, "Q has 2 columns"),
    (lambda: nearest_center(torch.ones(3, 2), np.ones((0, 2))), ValueError, "C"),
    (lambda: nearest_center(torch.ones(3), np.ones((1, 1))), ValueError, "Q must be 2-D"),
    (lambda: kmeans_assign(torch.ones(3, 2), torch.tensor([[np.inf, 0.0]])), ValueError, "centers"),
    (lambda: vus_areas(torch.zeros(50), torch.rand(50), 5), ValueError, "no anomaly"),
    (lambda: vus_areas(torch.full((50,), 2.0), torch.rand(50), 5), ValueError, "only 0"),
    (lambda: vus_areas(torch.ones(40), torch.rand(50), 5), ValueError, "labels has shape"),
    (lambda: vus_areas(np.r_[np.zeros(49), 1], torch.rand(50), 51), ValueError, "longer"),
])
def test_device_inputs_are_validated_on_the_device(simulated, call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_mixed_libraries_are_refused(simulated, monkeypatch):
    class Other:  # a GPU array of another library, viewed through "cupy"
        pass

    other_library = type("OtherOps", (), {"name": "cupy"})()
    monkeypatch.setattr(device, "adopt", lambda x, name: (
        (device.TorchOps(), x) if isinstance(x, torch.Tensor) else (other_library, x)))
    monkeypatch.setattr(nearest_module, "is_gpu_array", lambda x: True)
    monkeypatch.setattr(device, "is_gpu_array", lambda x: True)
    with pytest.raises(TypeError, match="give both from one library"):
        nearest_center(torch.ones(3, 2), Other())


def test_gpu_arrays_are_recognised_without_importing_a_framework():
    class CudaArrayInterface:
        __cuda_array_interface__ = {}

    class DLPackOnGpu:
        def __dlpack_device__(self):
            return (2, 0)

    class DLPackOnCpu:
        def __dlpack_device__(self):
            return (1, 0)

    assert _backend.is_gpu_array(CudaArrayInterface())
    assert _backend.is_gpu_array(DLPackOnGpu())
    assert not _backend.is_gpu_array(DLPackOnCpu())
    assert not _backend.is_gpu_array(np.zeros(3)) and not _backend.is_gpu_array(torch.zeros(3))


# --- on a real GPU ------------------------------------------------------------------------------
def _gpu_libraries():
    params = []
    reason = _backend.unavailable_reason("cuda")
    for name in ("cupy", "torch"):
        why = reason
        if why is None and name == "cupy":
            try:
                import cupy  # noqa: F401
            except ImportError:
                why = "cupy is not installed"
        if why is None and name == "torch" and not torch.cuda.is_available():
            why = "torch sees no CUDA device"
        params.append(pytest.param(name, marks=[pytest.mark.skip(reason=why)] if why else [],
                                   id=name))
    return params


def _to_device(library, values):
    if library == "cupy":
        import cupy

        return cupy.asarray(values)
    return torch.as_tensor(values, device="cuda")


def _to_numpy(library, values):
    if library == "cupy":
        import cupy

        return cupy.asnumpy(values)
    return values.cpu().numpy()


@pytest.mark.parametrize("library", _gpu_libraries())
def test_real_gpu_arrays_stay_on_the_device(library):
    rng = np.random.default_rng(3)
    Q, C = rng.normal(size=(5000, 33)), rng.normal(size=(300, 33))
    dist, idx = nearest_center(_to_device(library, Q), _to_device(library, C))
    assert type(dist).__module__.split(".")[0] == library
    want_dist, want_idx = nearest_center(Q, C, backend="numpy")
    np.testing.assert_allclose(_to_numpy(library, dist), want_dist, rtol=1e-12, atol=1e-12)
    assert np.mean(_to_numpy(library, idx) == want_idx) > 0.999
    labels = kmeans_assign(_to_device(library, Q), C)
    np.testing.assert_array_equal(_to_numpy(library, labels), kmeans_assign(Q, C, backend="numpy"))
    y = np.zeros(5000, dtype=np.int8)
    y[1000:1100] = 1
    score = rng.random(5000) + y
    roc, pr = vus_areas(_to_device(library, y), _to_device(library, score), 100)
    want_roc, want_pr = vus_areas(y, score, 100, backend="numpy")
    np.testing.assert_allclose(_to_numpy(library, roc), want_roc, rtol=0, atol=1e-9)
    np.testing.assert_allclose(_to_numpy(library, pr), want_pr, rtol=0, atol=1e-9)


def test_arrays_on_two_gpus_are_refused(simulated, monkeypatch):
    monkeypatch.setattr(device.TorchOps, "device_of",
                        lambda self, x: 1 if getattr(x, "other_gpu", False) else 0)
    C = torch.ones(2, 2, dtype=torch.float64)
    C.other_gpu = True
    with pytest.raises(ValueError, match="C is on GPU 1 but the first argument is on GPU 0"):
        nearest_center(torch.ones(3, 2), C)
