"""Detector files under damage: load refuses what it cannot read with ValueError and runs
nothing; save replaces the target atomically."""
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from tsad_fast import PCA  # noqa: E402

X = np.random.default_rng(0).normal(size=(200, 2))
RAN = Path(__file__).with_name("__loaded_code_ran__")


class Payload:
    """Unpickling this calls Path.touch on RAN: proof that code ran."""

    def __reduce__(self):
        return (Path.touch, (RAN,))


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.pt"
    PCA(window=10, n_threads=1).fit(X).save(path)
    return path


def test_truncated_and_foreign_files_raise_value_error(saved, tmp_path):
    data = saved.read_bytes()
    for size in (0, 10, len(data) // 2, len(data) - 1):
        broken = tmp_path / f"cut{size}.pt"
        broken.write_bytes(data[:size])
        with pytest.raises(ValueError, match="not a readable tsad_fast detector file"):
            PCA.load(broken)
    text = tmp_path / "notes.pt"
    text.write_text("hello")
    with pytest.raises(ValueError, match="notes.pt"):
        PCA.load(text)
    with pytest.raises(FileNotFoundError):
        PCA.load(tmp_path / "missing.pt")


def test_a_file_carrying_a_pickled_object_runs_nothing(tmp_path):
    RAN.unlink(missing_ok=True)
    path = tmp_path / "evil.pt"
    torch.save({"format": "tsad_fast.detector", "payload": Payload()}, str(path))
    with pytest.raises(ValueError, match="not a readable"):
        PCA.load(path)
    assert not RAN.exists()


def test_a_crash_mid_save_keeps_the_previous_file(saved, monkeypatch):
    before = saved.read_bytes()

    def crash(obj, name):
        Path(name).write_bytes(b"PK\x03\x04 half a file")
        raise KeyboardInterrupt  # the process is stopped while writing

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        PCA(window=5, n_threads=1).fit(X).save(saved)
    assert saved.read_bytes() == before
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]  # no temporary left
    monkeypatch.undo()
    np.testing.assert_array_equal(PCA.load(saved).decision_function(X),
                                  PCA(window=10, n_threads=1).fit(X).decision_function(X))


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_every_flipped_bit_is_refused_or_harmless(saved, tmp_path):
    """Flip one bit in every fourth byte: load raises ValueError, or (a byte torch never reads,
    such as zip padding or a record's mtime) gives a detector that scores as the original."""
    data = bytearray(saved.read_bytes())
    expected = PCA.load(saved).decision_function(X)
    refused = harmless = 0
    damaged = tmp_path / "flipped.pt"
    for i in range(0, len(data), 4):
        data[i] ^= 1 << (i % 7)
        damaged.write_bytes(data)
        data[i] ^= 1 << (i % 7)
        try:
            scores = PCA.load(damaged).decision_function(X)
        except ValueError:
            refused += 1
            continue
        np.testing.assert_array_equal(scores, expected, err_msg=f"byte {i} changed the scores")
        harmless += 1
    assert refused > harmless > 0


def _rewritten(path, tmp_path, **changes):
    payload = torch.load(str(path), weights_only=True)
    out = tmp_path / "rewritten.pt"
    torch.save({**payload, **changes}, str(out))
    return out


def test_wrong_version_class_or_digest_is_refused(saved, tmp_path):
    with pytest.raises(ValueError, match="format version 99 is not supported"):
        PCA.load(_rewritten(saved, tmp_path, format_version=99))
    with pytest.raises(ValueError, match="holds a PCA, not a KNN"):
        from tsad_fast import KNN
        KNN.load(saved)
    with pytest.raises(ValueError, match="does not match its SHA-256"):  # state edited
        payload = torch.load(str(saved), weights_only=True)
        state = dict(payload["state"])
        state["scaler_mean"] = state["scaler_mean"] + 1e-12
        PCA.load(_rewritten(saved, tmp_path, state=state))
    with pytest.raises(ValueError, match="does not match its SHA-256"):  # class edited
        PCA.load(_rewritten(saved, tmp_path, **{"class": "KNN"}))


def test_a_version_2_file_without_digest_still_loads(saved, tmp_path):
    payload = torch.load(str(saved), weights_only=True)
    del payload["sha256"]
    old = tmp_path / "v2.pt"
    torch.save({**payload, "format_version": 2}, str(old))
    np.testing.assert_array_equal(PCA.load(old).decision_function(X),
                                  PCA.load(saved).decision_function(X))
    payload["state"] = {}  # damaged beyond what a digest-less file can detect up front
    torch.save({**payload, "format_version": 2}, str(old))
    with pytest.raises(ValueError, match="cannot be rebuilt"):
        PCA.load(old)
