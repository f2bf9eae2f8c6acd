"""Detector fit time on an idle machine (anchor) and beside one busy process (a Python loop
on one core), in the same run: the ratio says how a fit degrades under load (goal: at most 2x
slower on these 2-core machines). GBOC trains its small LSTM on one thread; Moon's OS-CNN on
every core, its OpenMP threads waiting passively (tsad_fast/_threads.py).

Full size (timing): one outer epoch of GBOC (10 training passes) on 6,000 rows of the bundled
SMD machine and 1 epoch of a reduced Moon on 4,000 rows.

    python -m pytest benchmarks/test_bench_threads.py --benchmark-only
"""
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")

from tsad_fast import GBOC, Moon  # noqa: E402
from tsad_fast.datasets import bundled_smd  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return bundled_smd()


@pytest.fixture
def busy():
    """One process spinning on a core for the duration of the test."""
    process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    yield process
    process.kill()
    process.wait()


def gboc_fit(data, full):
    rows = 6000 if full else 600
    return lambda: GBOC(epochs=1, inner_epochs=10 if full else 2, patience=None,
                        verbose=0).fit(data.train[:rows])


def moon_fit(data, full):
    rows = 4000 if full else 1000
    return lambda: Moon(os_budget=(256, 16384) if full else (32, 1024), epochs=1,
                        verbose=0).fit(data.test[:rows], data.labels[:rows])


GROUPS = {"GBOC": ("GBOC fit (1 epoch of 10 passes, 6,000 rows), idle vs one busy process",
                    gboc_fit),
          "Moon": ("Moon fit (1 epoch, 4,000 rows), idle vs one busy process", moon_fit)}


@pytest.mark.parametrize("load", ["idle", "busy"])
@pytest.mark.parametrize("detector", sorted(GROUPS))
def test_fit_under_load(timed, data, full_size, detector, load, request):
    if load == "busy":
        request.getfixturevalue("busy")
    group, fit = GROUPS[detector]
    name = f"{detector} fit {'idle (anchor)' if load == 'idle' else 'beside a busy process'}"
    timed(group, name, fit(data, full_size), anchor=load == "idle", rounds=2)
