"""Backend registry, dispatch, TSAD_FAST_BACKEND and show_config."""
import importlib.util

import numpy as np
import pytest

import tsad_fast
from tsad_fast import _backend
from tsad_fast.kernels import spot


def test_show_config_reports_the_build(capsys):
    config = tsad_fast.show_config()
    printed = capsys.readouterr().out
    assert {"version", "backends", "openmp_threads", "cuda_built", "gpu"} <= set(config)
    assert config["version"] == tsad_fast.__version__ and config["version"] in printed
    assert "numpy" in config["backends"]
    order = [b for b in config["backends"] if b != "cuda"]
    assert order == [b for b in _backend.AUTO_ORDER if b in order]
    if "cpp" in config["backends"]:
        assert config["openmp_threads"] >= 1
    if config["gpu"] is None:
        assert "cuda" not in config["backends"]


def test_auto_picks_the_first_available(monkeypatch):
    monkeypatch.delenv(_backend.ENV_VAR, raising=False)
    name, _ = _backend.resolve("spot_stream")
    assert name == next(b for b in _backend.AUTO_ORDER if _backend.is_available(b))


@pytest.mark.parametrize("forced", ["numpy", "numba", "cpp"])
def test_environment_variable_forces_a_backend(monkeypatch, forced):
    if not _backend.is_available(forced):
        pytest.skip(f"{forced} unavailable here")
    monkeypatch.setenv(_backend.ENV_VAR, forced)
    assert _backend.resolve("spot_stream")[0] == forced
    assert _backend.resolve("spot_stream", "numpy")[0] == "numpy"  # explicit beats the variable


def test_environment_variable_for_a_backend_the_kernel_lacks(monkeypatch):
    monkeypatch.setenv(_backend.ENV_VAR, "cuda")  # SPOT is sequential: no CUDA kernel
    assert _backend.resolve("spot_stream")[0] in _backend.AUTO_ORDER
    monkeypatch.setenv(_backend.ENV_VAR, "fortran")
    with pytest.raises(ValueError, match=_backend.ENV_VAR):
        _backend.resolve("spot_stream")


def test_missing_backends_raise_clear_errors(monkeypatch):
    with pytest.raises(_backend.BackendUnavailableError, match="no 'cuda' backend"):
        spot(np.arange(100.0), [], backend="cuda")
    with pytest.raises(ValueError, match="backend must be"):
        _backend.resolve("spot_stream", "gpu")
    monkeypatch.setitem(_backend.unavailable_reason.__wrapped__.__globals__, "_REGISTRY",
                        {**_backend._REGISTRY})
    _backend.unavailable_reason.cache_clear()
    monkeypatch.setattr(_backend, "unavailable_reason",
                        lambda b: None if b == "numpy" else f"{b} switched off for the test")
    with pytest.raises(_backend.BackendUnavailableError, match="switched off"):
        _backend.resolve("spot_stream", "cpp")
    assert _backend.resolve("spot_stream")[0] == "numpy"  # auto falls through to what is left


def test_gpu_arrays_are_detected_without_importing_frameworks():
    class FakeCupy:
        pass

    FakeCupy.__module__ = "cupy._core.core"
    assert _backend.is_gpu_array(FakeCupy())
    assert not _backend.is_gpu_array(np.zeros(3))
    with pytest.raises(_backend.BackendUnavailableError, match="cuda"):
        _backend.resolve("spot_stream", like=FakeCupy())


def test_cuda_extension_when_a_gpu_is_present():
    cuda = pytest.importorskip("tsad_fast._cuda", reason="tsad_fast._cuda not built")
    if cuda.device_count() == 0:
        pytest.skip("no CUDA device visible")
    y = np.array([0.5, 1.0, 3.0])
    expected = (1 + np.log(0.5)) * 2 - 1
    np.testing.assert_allclose(cuda.smoke(list(y)), expected, rtol=1e-14)


def test_registry_is_complete_after_import_and_every_entry_loads():
    """Every kernel registers when tsad_fast is imported (nothing else), and every
    ``module:function`` entry of every backend that is built resolves to a callable."""
    import subprocess
    import sys

    code = ("import tsad_fast, tsad_fast._backend as b; "
            "print(','.join(b.kernels()))")
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip().split(",")
    assert set(fresh) == {"affiliation_sweep", "granular_balls", "kmeans_assign", "mtf_digitize",
                          "mtf_field", "mtf_quantiles", "mtf_transitions", "nearest_center",
                          "nearest_center_f32", "shift_tolerance", "spot_resume", "spot_stream",
                          "vus_areas"}
    built = {"numpy", "numba"} | {b for b, module in (("cpp", "tsad_fast._core"),
                                                      ("cuda", "tsad_fast._cuda"))
                                  if importlib.util.find_spec(module) is not None}
    checked = 0
    for kernel in _backend.kernels():
        for backend in set(_backend.implementations(kernel)) & built:
            assert callable(_backend.load(kernel, backend)), (kernel, backend)
            checked += 1
    assert checked >= 3 * len(fresh)


def test_layer_names_match_the_kernel_name():
    """The registry name is the function name at every layer; a device entry point is the
    kernel's name with ``_device``, in the CUDA module."""
    for kernel in _backend.kernels():
        for backend in _backend.implementations(kernel):
            assert _backend._REGISTRY[kernel][backend].endswith(f":{kernel}"), (kernel, backend)
        if _backend.DEVICE in _backend._REGISTRY[kernel]:
            assert _backend._REGISTRY[kernel][_backend.DEVICE] == \
                f"tsad_fast._cuda:{kernel}_device"


def test_device_entry_points_are_registered_with_their_kernels():
    """Every CUDA kernel that takes GPU arrays names its entry point in the registry; asking
    for one without a usable CUDA backend, or of a kernel that has none, says why."""
    assert {k for k in _backend.kernels() if _backend.DEVICE in _backend._REGISTRY[k]} == \
        {"nearest_center", "kmeans_assign", "vus_areas"}
    with pytest.raises(_backend.BackendUnavailableError, match="no entry point for GPU arrays"):
        _backend.device_entry("spot_stream")
    with pytest.raises(KeyError, match="no kernel named"):
        _backend.device_entry("nope")
    with pytest.raises(ValueError, match="without a cuda implementation"):
        _backend.register("scratch_kernel", numpy="m:f", device="m:f_device")
    if not _backend.is_available("cuda"):
        with pytest.raises(_backend.BackendUnavailableError, match="GPU array was given"):
            _backend.device_entry("nearest_center")
