"""The float32 matrix-product rate that the profiling scripts (``gboc_epoch.py``,
``profile_scan.py``) compare their FLOP rates with: the machine's practical peak."""
from __future__ import annotations

import time


def matmul_peak(threads: int) -> float:
    """FLOP/s of a 1024^3 float32 torch matrix product on ``threads`` threads."""
    import torch

    torch.set_num_threads(threads)
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    torch.mm(a, b)
    start = time.perf_counter()
    for _ in range(20):
        torch.mm(a, b)
    return 20 * 2 * 1024 ** 3 / (time.perf_counter() - start)
