"""Benchmark plumbing: every benchmark belongs to a group with one named anchor (the library
users run today); at the end of the session the ratio anchor_time / time of each other entry
of the group, measured in the same run, is printed.

Full-size inputs run when timing; with ``--benchmark-disable`` (CI) each benchmark runs once as
a test on reduced inputs, so the suite stays a quick correctness check there.
"""
import pytest

import tsad_fast  # noqa: F401  (first, so that the OpenMP wait policy is set before torch loads)

_TIMES = {}  # group -> {name: (seconds, is_anchor)}


@pytest.fixture
def timed(benchmark, request):
    """``timed(group, name, fn, anchor=False, rounds=3)``: benchmark fn and record its time."""

    def run(group, name, fn, anchor=False, rounds=3):
        benchmark.group = group
        benchmark.name = name
        benchmark.extra_info["anchor"] = anchor
        result = benchmark.pedantic(fn, rounds=rounds, iterations=1, warmup_rounds=0)
        if not benchmark.disabled:
            _TIMES.setdefault(group, {})[name] = (benchmark.stats.stats.min, anchor)
        return result

    return run


@pytest.fixture
def full_size(request):
    """True when timing (not --benchmark-disable)."""
    return not request.config.getoption("benchmark_disable", False)


def pytest_terminal_summary(terminalreporter):
    if not _TIMES:
        return
    terminalreporter.section("tsad_fast speed-ups against the anchors (min time, same run)")
    for group, entries in sorted(_TIMES.items()):
        anchors = [(n, t) for n, (t, a) in entries.items() if a]
        if not anchors:
            continue
        anchor_name, anchor_time = anchors[0]
        terminalreporter.write_line(f"{group}: anchor {anchor_name} {anchor_time:.4f} s")
        for name, (seconds, is_anchor) in sorted(entries.items(), key=lambda kv: kv[1][0]):
            if not is_anchor:
                terminalreporter.write_line(
                    f"    {name:<28} {seconds:.4f} s   {anchor_time / seconds:8.1f}x")


def raw_model_function(model, X, t: int):
    """P(anomaly) (N,) float64 of raw rows (N, c) for a fitted Moon, the MV-MTF row held at
    timestamp t of X: the model function the published code hands ``shap.KernelExplainer``
    (the network on every row at once)."""
    import numpy as np
    import torch

    mtf = model.inputs(X[max(t - 1, 0):t + 1])[1][-1:]

    def f(rows):
        with torch.no_grad():
            rows = torch.from_numpy(np.asarray(rows, dtype=np.float32))
            logits = model.model_(rows, mtf.expand(len(rows), -1))
            return torch.softmax(logits, dim=1)[:, 1].double().numpy()

    return f
