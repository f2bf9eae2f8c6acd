"""The detectors inside PyOD's own utilities (pyod is a test dependency only): score
combination over standardised scores, ``evaluate_print``, and LSCP, PyOD's locally selective
combination, which fits and scores any object with ``fit``, ``decision_function`` and
``decision_scores_`` (its ``check_detector`` duck-types them)."""
import numpy as np
import pytest

pytest.importorskip("torch")
pyod = pytest.importorskip("pyod")

from pyod.models.iforest import IForest  # noqa: E402
from pyod.models.lscp import LSCP  # noqa: E402
from pyod.utils.data import evaluate_print  # noqa: E402
from pyod.utils.utility import standardizer  # noqa: E402

from tests.detectors.test_gboc import FAST  # noqa: E402
from tests.detectors.test_msut_net import SMALL as MSUT_SMALL  # noqa: E402
from tsad_fast import GBOC, MSUTNet  # noqa: E402


def series(n=700, c=4, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)[:, None]
    X = np.sin(2 * np.pi * t / 25 + np.arange(c)) + 0.05 * rng.normal(size=(n, c))
    y = np.zeros(n, dtype=int)
    for start in (520, 610):
        X[start:start + 10] += 2.5
        y[start:start + 10] = 1
    return X, y


@pytest.fixture(scope="module")
def fitted():
    X, y = series()
    models = [GBOC(**FAST).fit(X[:450]), MSUTNet(**MSUT_SMALL).fit(X[:450]),
              IForest(random_state=0).fit(X[:450])]
    return models, X, y


def test_score_combination_and_evaluate_print(fitted, capsys):
    combination = pytest.importorskip("pyod.models.combination")  # needs combo
    models, X, y = fitted
    train = np.column_stack([m.decision_scores_ for m in models])
    test = np.column_stack([m.decision_function(X[450:]) for m in models])
    train_norm, test_norm = standardizer(train, test)
    for combine, reduce in ((combination.average, np.mean), (combination.maximization, np.max)):
        combined = combine(test_norm)
        np.testing.assert_allclose(combined, reduce(test_norm, axis=1))
        evaluate_print(combine.__name__, y[450:], combined)
    out = capsys.readouterr().out
    assert out.count("ROC:") == 2
    rocs = [float(line.split("ROC:")[1].split(",")[0]) for line in out.splitlines()]
    assert all(roc > 0.5 for roc in rocs)  # the injected shifts rank above the normal sine


def test_lscp_selects_among_tsad_fast_and_pyod_detectors(fitted):
    X, y = series()
    lscp = LSCP([GBOC(**FAST), MSUTNet(**MSUT_SMALL), IForest(random_state=0)],
                local_region_size=30, n_bins=3, random_state=0)
    lscp.fit(X[:450])
    assert lscp.train_scores_.shape == (450, 3) and np.isfinite(lscp.train_scores_).all()
    scores = lscp.decision_function(X[450:])
    assert scores.shape == (250,) and np.isfinite(scores).all()
    assert set(np.unique(lscp.predict(X[450:]))) <= {0, 1}
