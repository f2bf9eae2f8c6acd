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
