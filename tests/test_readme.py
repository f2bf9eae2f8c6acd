"""The README's Python snippets run, in order, in one namespace (the quickstart builds on
itself), from a scratch folder holding the ``metrics.csv`` the "your own data" snippet reads;
and the README stays a front door of at most 200 lines."""
import re
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def snippets():
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_is_short():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 200


def test_readme_snippets_run(tmp_path, monkeypatch, capsys):
    pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    from tsad_fast.datasets import bundled_smd

    code = snippets()
    assert len(code) >= 4  # the quickstart's three, your own data, show_config
    monkeypatch.chdir(tmp_path)
    rows = bundled_smd().test[:2000, :5]
    np.savetxt("metrics.csv", rows, delimiter=",", header="a,b,c,d,e", comments="")
    namespace = {}
    for block in code:
        exec(compile(block, str(README), "exec"), namespace)
    out = capsys.readouterr().out
    assert "VUS-PR" in out and "backends" in out
    assert namespace["scores"].shape == (1000,) and np.isfinite(namespace["scores"]).all()
    assert Path("gboc.tsad").exists()
