"""tsad_fast.plots: each plot writes its PNG and returns the path, or returns the open figure."""
import numpy as np
import pytest

pytest.importorskip("matplotlib")
import matplotlib  # noqa: E402

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

from tsad_fast import plots  # noqa: E402
from tsad_fast.thresholds import spot_thresholds  # noqa: E402


def _calls():
    rng = np.random.default_rng(0)
    values = rng.exponential(size=3000)
    labels = np.zeros(3000, dtype=int)
    labels[2500:2520] = 1
    return {
        "detection": lambda path: plots.plot_detection(path, values, 3.0, labels, "t"),
        "spot": lambda path: plots.plot_spot(path, values, 2000,
                                             spot_thresholds(values[:2000], values[2000:]),
                                             labels),
        "graph": lambda path: plots.plot_graph(path, rng.random((6, 6)), np.array([0, 1] * 3)),
        "grid": lambda path: plots.plot_vus_pr_box(_grid(), path),
    }


def _grid():
    pd = pytest.importorskip("pandas")
    return pd.DataFrame({"detector": ["a", "a", "b", "b"], "series": ["s", "t", "s", "t"],
                         "status": ["ok", "ok", "ok", "error"], "VUS-PR": [0.2, 0.4, 0.3, None]})


@pytest.mark.parametrize("name", sorted(_calls()))
def test_png_or_figure(name, tmp_path):
    import matplotlib.pyplot as plt

    call = _calls()[name]
    path = call(tmp_path / f"{name}.png")
    assert path == tmp_path / f"{name}.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    before = len(plt.get_fignums())
    fig = call(None)
    assert isinstance(fig, Figure) and len(plt.get_fignums()) == before + 1 and fig.axes
    plt.close(fig)
