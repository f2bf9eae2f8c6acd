"""Detector files under damage: load refuses what it cannot read with ValueError and runs
nothing; save replaces the target atomically; the format keeps every value as it was; files of
the torch formats (1 to 3) still load."""
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tsad_fast import KNN, PCA
from tsad_fast.detectors import persistence

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


def entries(path):
    """The raw entries of a format-4 file: header text, digest, arrays."""
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def test_every_kind_of_value_comes_back_as_it_was(tmp_path):
    torch = pytest.importorskip("torch")
    payload = {"format": persistence.FORMAT, "state": {
        "array": np.arange(6.0).reshape(2, 3), "ints": np.arange(3, dtype=np.int32),
        "scalar": np.float32(1.5), "tensor": torch.ones(2, dtype=torch.float64),
        "tuple": (1, "a", None), "list": [np.zeros(1), [2.5]], 3: float("nan"),
        "inf": -float("inf"), "exact": 0.1 + 0.2, "flag": True, "empty": np.empty((0, 4))}}
    persistence.write(tmp_path / "f", payload)
    back = persistence.read(tmp_path / "f")["state"]
    assert set(back) == set(payload["state"])
    for key in ("array", "ints", "empty"):
        assert back[key].dtype == payload["state"][key].dtype
        np.testing.assert_array_equal(back[key], payload["state"][key])
    assert back["scalar"] == 1.5 and back["scalar"].dtype == np.float32
    assert isinstance(back["tensor"], torch.Tensor) and back["tensor"].dtype == torch.float64
    assert back["tuple"] == (1, "a", None) and isinstance(back["tuple"], tuple)
    assert back["list"][1] == [2.5] and np.isnan(back[3]) and back["inf"] == -np.inf
    assert back["exact"] == 0.1 + 0.2 and back["flag"] is True


def test_what_cannot_be_stored_is_a_type_error(tmp_path):
    with pytest.raises(TypeError, match="object arrays"):
        persistence.write(tmp_path / "f", {"a": np.array([None])})
    with pytest.raises(TypeError, match="set"):
        persistence.write(tmp_path / "f", {"a": {1, 2}})
    assert not list(tmp_path.iterdir())


def test_baselines_save_and_load_without_torch_tensors(saved):
    assert "tensor" not in str(entries(saved)["header"])
    np.testing.assert_array_equal(PCA.load(saved).decision_function(X),
                                  PCA(window=10, n_threads=1).fit(X).decision_function(X))


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
    other = tmp_path / "other.npz"
    np.savez(other, header=np.array(json.dumps({"dict": [["weights", [1, 2]]]})),
             sha256=np.array(persistence._digest(json.dumps({"dict": [["weights", [1, 2]]]}),
                                                 {})))
    with pytest.raises(ValueError, match="not a tsad_fast detector file"):
        PCA.load(other)


def test_a_file_carrying_a_pickled_object_runs_nothing(saved, tmp_path):
    RAN.unlink(missing_ok=True)
    path = tmp_path / "evil.pt"
    with open(path, "wb") as out:
        np.savez(out, **{**entries(saved), "a0": np.array([Payload()], dtype=object)})
    with pytest.raises(ValueError, match="not a readable"):
        PCA.load(path)
    assert not RAN.exists()


def test_a_crash_mid_save_keeps_the_previous_file(saved, monkeypatch):
    before = saved.read_bytes()

    def crash(file, **arrays):
        file.write(b"PK\x03\x04 half a file")
        raise KeyboardInterrupt  # the process is stopped while writing

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        PCA(window=5, n_threads=1).fit(X).save(saved)
    assert saved.read_bytes() == before
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]  # no temporary left
    monkeypatch.undo()
    np.testing.assert_array_equal(PCA.load(saved).decision_function(X),
                                  PCA(window=10, n_threads=1).fit(X).decision_function(X))


def test_every_flipped_bit_is_refused_or_harmless(saved, tmp_path):
    """Flip one bit in every fourth byte: load raises ValueError, or (a byte no reader uses,
    such as a record's modification time) gives a detector that scores as the original."""
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


def _resaved(path, tmp_path, header=lambda h: h, arrays=lambda a: a):
    """The file at ``path`` with its header text or arrays edited and its digest kept."""
    raw = entries(path)
    header_text = header(str(raw.pop("header")))
    out = tmp_path / "edited.pt"
    with open(out, "wb") as file:
        np.savez(file, header=np.array(header_text), **arrays(raw))
    return out


def test_wrong_version_class_or_digest_is_refused(saved, tmp_path):
    payload = persistence.read(saved)
    persistence.write(tmp_path / "v99.pt", {**payload, "format_version": 99})
    with pytest.raises(ValueError, match="format version 99 is not supported"):
        PCA.load(tmp_path / "v99.pt")
    with pytest.raises(ValueError, match="holds a PCA, not a KNN"):
        KNN.load(saved)

    def shifted(arrays):  # the first array (a state entry) moved by one ulp
        arrays["a0"] = np.nextafter(arrays["a0"], np.inf)
        return arrays

    with pytest.raises(ValueError, match="does not match its SHA-256"):
        PCA.load(_resaved(saved, tmp_path, arrays=shifted))
    with pytest.raises(ValueError, match="does not match its SHA-256"):
        PCA.load(_resaved(saved, tmp_path, header=lambda h: h.replace('"PCA"', '"KNN"')))
    with pytest.raises(ValueError, match="not a readable"):  # no digest at all
        PCA.load(_resaved(saved, tmp_path, arrays=lambda a: {k: v for k, v in a.items()
                                                             if k != "sha256"}))


def test_torch_files_of_versions_2_and_3_still_load(saved, tmp_path):
    torch = pytest.importorskip("torch")
    from tests.detectors.legacy import tensors, write_torch_file

    payload = persistence.read(saved)
    expected = PCA.load(saved).decision_function(X)
    for version in (2, 3):
        write_torch_file(tmp_path / "old.pt", payload, version)
        np.testing.assert_array_equal(PCA.load(tmp_path / "old.pt").decision_function(X),
                                      expected)
    edited = tensors({**payload, "format_version": 3})
    edited["sha256"] = persistence.torch_digest(edited)
    edited["state"]["scaler_mean"] = edited["state"]["scaler_mean"] + 1e-12
    torch.save(edited, str(tmp_path / "edited.pt"))
    with pytest.raises(ValueError, match="does not match its SHA-256"):
        PCA.load(tmp_path / "edited.pt")
    write_torch_file(tmp_path / "v2.pt", {**payload, "state": {}}, 2)  # no digest to catch it
    with pytest.raises(ValueError, match="cannot be rebuilt"):
        PCA.load(tmp_path / "v2.pt")
    torch.save({"format": "tsad_fast.detector", "payload": Payload()}, str(tmp_path / "e.pt"))
    RAN.unlink(missing_ok=True)
    with pytest.raises(ValueError, match="not a readable"):
        PCA.load(tmp_path / "e.pt")
    assert not RAN.exists()


def test_the_archive_is_a_plain_zip_of_npy_entries(saved):
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        names = archive.namelist()
    assert {"header.npy", "sha256.npy"} <= set(names)
    assert all(n.endswith(".npy") for n in names)
