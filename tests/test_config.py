"""tsad_fast.config: the tunables, set and restored, checked, read where the work is sized."""
import numpy as np
import pytest

import tsad_fast
from tsad_fast import config
from tsad_fast.config import config_context, get_config, inference_batch, set_config


def test_defaults_and_lookup():
    settings = get_config()
    assert set(settings) == {"inference_batch", "window_block_bytes", "nearest_block_bytes",
                             "shap_batch_rows", "explain_chunk", "stream_one_thread_rows"}
    assert inference_batch(tsad_fast.Moon) == settings["inference_batch"]["Moon"]
    assert inference_batch(tsad_fast.GBOC) == settings["inference_batch"]["*"]
    settings["window_block_bytes"] = 1  # a copy: the settings stay
    assert get_config()["window_block_bytes"] != 1


def test_context_sets_merges_and_restores():
    before = get_config()
    with config_context(inference_batch={"GBOC": 3}, explain_chunk=5):
        assert inference_batch(tsad_fast.GBOC) == 3 and get_config()["explain_chunk"] == 5
        assert inference_batch(tsad_fast.Moon) == before["inference_batch"]["Moon"]  # merged
    assert get_config() == before
    with pytest.raises(RuntimeError):
        with config_context(shap_batch_rows=7):
            raise RuntimeError("boom")
    assert get_config() == before


@pytest.mark.parametrize("settings,match", [
    ({"bogus": 1}, "unknown setting"),
    ({"window_block_bytes": 0}, "window_block_bytes must be a positive integer"),
    ({"explain_chunk": 2.5}, "explain_chunk"),
    ({"shap_batch_rows": True}, "shap_batch_rows"),
    ({"inference_batch": 64}, "inference_batch must be a dict"),
    ({"inference_batch": {"Moon": -1}}, r"inference_batch\['Moon'\]"),
    ({"explain_chunk": 3, "inference_batch": {"GBOC": 2, "Moon": 0}}, "Moon"),  # valid first
    ({"inference_batch": {"GBOC": 2}, "window_block_bytes": -5}, "window_block_bytes"),
])
def test_bad_settings_are_refused_by_name(settings, match):
    before = get_config()
    with pytest.raises(ValueError, match=match):
        set_config(**settings)
    assert get_config() == before


def test_the_numpy_nearest_search_reads_its_block(monkeypatch):
    """The float32 search in blocks of a few queries equals the search in one block."""
    from tsad_fast.kernels import nearest_center

    rng = np.random.default_rng(0)
    Q, C = rng.normal(size=(50, 4)).astype(np.float32), rng.normal(size=(6, 4)).astype(np.float32)
    whole = nearest_center(Q, C, dtype="float32", backend="numpy")
    calls = []
    real = config.get_config
    monkeypatch.setattr("tsad_fast.kernels._numpy.nearest.get_config",
                        lambda: calls.append(1) or real())
    with config_context(nearest_block_bytes=4 * 6 * 3):  # 3 queries a block
        blocked = nearest_center(Q, C, dtype="float32", backend="numpy")
    assert calls
    for got, want in zip(blocked, whole):
        np.testing.assert_array_equal(got, want)
