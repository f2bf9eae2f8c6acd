"""Detector files: a NumPy ``.npz`` archive (a zip of ``.npy`` arrays) read without pickle.

A file holds three kinds of entries:

* ``header``: the payload (format, version, class, parameters, learned state) as JSON, in
  which every array, NumPy scalar and torch tensor is a reference ``{"array": "a3"}``,
  ``{"scalar": ...}``, ``{"tensor": ...}`` to an entry of its own, and every dict, list and
  tuple is tagged (``{"dict": [[key, value], ...]}``, ``{"list": [...]}``,
  ``{"tuple": [...]}``) so that non-string keys and tuples come back as they were;
* ``a0``, ``a1``, ...: the arrays, of plain dtypes only (no object arrays);
* ``sha256``: the SHA-256 of the header and of every array's name, dtype, shape and bytes, so
  a changed bit anywhere in the content is refused.

Reading uses ``numpy.load(allow_pickle=False)`` and ``json``: it rebuilds arrays and plain
values and nothing else, so a file from an untrusted source cannot run code, and a model
without torch tensors (PCA, IForest, KNN and the supervised baselines) is written and read
without torch. Writing goes to a temporary file renamed over the target, so a crash mid-save
leaves the previous file intact.

Files of formats 1 to 3 (written with ``torch.save``) are read with
``torch.load(weights_only=True)``, which needs torch.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Union

import numpy as np

FORMAT = "tsad_fast.detector"
VERSION = 4  # 4: npz + JSON; 3: torch file with SHA-256; 2: thresholder objects; 1: a float
_DIGESTED = ("class", "params", "state")  # what the torch formats' digest (version 3) covers


def _is_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


def _encode(value: Any, arrays: List[np.ndarray]) -> Any:
    """``value`` as JSON-ready data, its arrays appended to ``arrays``."""
    def stored(array: np.ndarray) -> str:
        if array.dtype.hasobject:
            raise TypeError("a detector's state cannot hold object arrays")
        arrays.append(np.ascontiguousarray(array))
        return f"a{len(arrays) - 1}"

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return {"scalar": stored(np.asarray(value))}
    if isinstance(value, np.ndarray):
        return {"array": stored(value)}
    if _is_tensor(value):
        return {"tensor": stored(value.detach().cpu().numpy())}
    if isinstance(value, dict):
        return {"dict": [[_encode(k, arrays), _encode(v, arrays)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return {"tuple" if isinstance(value, tuple) else "list":
                [_encode(v, arrays) for v in value]}
    raise TypeError(f"a detector file cannot hold a {type(value).__name__}")


def _decode(value: Any, arrays: Dict[str, np.ndarray]) -> Any:
    if not isinstance(value, dict):
        return value
    (kind, content), = value.items()
    if kind == "array":
        return arrays[content]
    if kind == "scalar":
        return arrays[content][()]
    if kind == "tensor":
        from tsad_fast._optional import require

        torch = require("torch", "torch", "reading a torch model's weights")
        return torch.from_numpy(np.array(arrays[content]))
    if kind == "dict":
        return {_decode(k, arrays): _decode(v, arrays) for k, v in content}
    if kind in ("list", "tuple"):
        items = [_decode(v, arrays) for v in content]
        return items if kind == "list" else tuple(items)
    raise ValueError(f"unknown entry kind {kind!r}")


def _digest(header: str, arrays: Dict[str, np.ndarray]) -> str:
    h = hashlib.sha256(header.encode())
    for name in sorted(arrays, key=lambda n: int(n[1:])):
        array = arrays[name]
        h.update(f"{name}:{array.dtype.str}:{array.shape};".encode())
        h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


def write(path: Union[str, Path], payload: Dict[str, Any]) -> None:
    """Write ``payload`` (plain values, arrays, tensors, nested in dicts, lists, tuples) to
    ``path`` atomically."""
    arrays: List[np.ndarray] = []
    header = json.dumps(_encode(payload, arrays), allow_nan=True)
    named = {f"a{i}": a for i, a in enumerate(arrays)}
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:  # a crash mid-save never leaves a damaged file under the target name
        with open(temporary, "wb") as out:
            np.savez(out, header=np.array(header), sha256=np.array(_digest(header, named)),
                     **named)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def read(path: Union[str, Path], formats=(FORMAT,)) -> Dict[str, Any]:
    """The payload of a detector file (format 4, or 1 to 3 through torch), with its digest
    checked where the format has one; ValueError naming ``path`` for anything unreadable or
    of a ``format`` not in ``formats`` (a stream file: :mod:`tsad_fast.streams`)."""
    path = Path(path)
    data = path.read_bytes()  # FileNotFoundError stays what it is
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise _unreadable(path, exc) from exc
    if "header.npy" not in names:
        return _read_torch_file(path, data)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            entries = {name: archive[name] for name in archive.files}
        header, digest = str(entries.pop("header")), str(entries.pop("sha256"))
    except Exception as exc:  # damaged entries, pickled objects, missing digest
        raise _unreadable(path, exc) from exc
    if digest != _digest(header, entries):
        raise ValueError(f"{path} is damaged: its content does not match its SHA-256")
    try:
        payload = _decode(json.loads(header), entries)
    except (ValueError, KeyError, TypeError) as exc:
        raise _unreadable(path, exc) from exc
    if not isinstance(payload, dict) or payload.get("format") not in formats:
        raise ValueError(f"{path} is not a tsad_fast detector file")
    return payload


def _unreadable(path: Path, exc: BaseException) -> ValueError:
    first = (str(exc).splitlines() or [""])[0][:200]
    return ValueError(f"{path} is not a readable tsad_fast detector file "
                      f"({type(exc).__name__}: {first})")


def _read_torch_file(path: Path, data: bytes) -> Dict[str, Any]:
    """A file of formats 1 to 3: a torch file of tensors and plain values."""
    from tsad_fast._optional import require

    torch = require("torch", "torch", f"reading {path} (a detector file of format 3 or older)")
    try:
        payload = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated, not a torch file, or holding pickled objects
        raise _unreadable(path, exc) from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(f"{path} is not a tsad_fast detector file")
    if payload.get("format_version") == 3 and payload.get("sha256") != torch_digest(payload):
        raise ValueError(f"{path} is damaged: its content does not match its SHA-256")
    return payload


def torch_digest(payload: Dict[str, Any]) -> str:
    """SHA-256 (hex) of a format-3 file's class, parameters and state: dict entries in key
    order, sequences in order, tensors by dtype, shape and bytes, plain values by repr."""
    import torch

    h = hashlib.sha256()

    def feed(value: Any) -> None:
        if isinstance(value, dict):
            h.update(b"{%d" % len(value))
            for key in sorted(value, key=repr):
                feed(key)
                feed(value[key])
        elif isinstance(value, (list, tuple)):
            h.update(b"%s%d" % (type(value).__name__.encode(), len(value)))
            for item in value:
                feed(item)
        elif isinstance(value, torch.Tensor):
            flat = value.detach().cpu().contiguous().reshape(-1)
            h.update(f"T{flat.dtype}{tuple(value.shape)}".encode())
            h.update(flat.view(torch.uint8).numpy().tobytes())
        else:
            h.update(f"{type(value).__name__}:{value!r};".encode())

    for key in _DIGESTED:
        feed(key)
        feed(payload.get(key))
    return h.hexdigest()
