"""Files of the formats before 4 (torch files of tensors and plain values), written from a
payload of today's format, to test that they still load."""
import numpy as np
import torch

from tsad_fast.detectors import persistence


def tensors(value):
    """NumPy arrays and scalars inside dicts, lists and tuples as tensors, as those files held
    them."""
    if isinstance(value, (np.ndarray, np.generic)):
        return torch.from_numpy(np.ascontiguousarray(value))
    if isinstance(value, dict):
        return {k: tensors(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(tensors(v) for v in value)
    return value


def write_torch_file(path, payload, version):
    """``payload`` (as :func:`persistence.read` gives it) as a torch file of ``version``,
    with its SHA-256 when the version has one (3)."""
    payload = {k: v for k, v in tensors(payload).items() if k != "sha256"}
    payload["format_version"] = version
    if version == 3:
        payload["sha256"] = persistence.torch_digest(payload)
    torch.save(payload, str(path))
