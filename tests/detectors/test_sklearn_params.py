"""Every detector follows scikit-learn's parameter protocol: ``get_params(deep)``,
``set_params`` (nested ``threshold__param`` included) and ``sklearn.base.clone``, so
meta-estimators and PyOD's combination tools can copy them."""
import numpy as np
import pytest

pytest.importorskip("torch")
sklearn_base = pytest.importorskip("sklearn.base")

import tsad_fast  # noqa: E402
from tsad_fast import SCAN, GradientBoosting, MSUTNet  # noqa: E402
from tsad_fast.thresholds import Quantile, SPOTThreshold  # noqa: E402

DETECTORS = [getattr(tsad_fast, name) for name in tsad_fast._DETECTORS]


@pytest.mark.parametrize("cls", DETECTORS, ids=lambda c: c.__name__)
def test_clone_copies_the_parameters_and_nothing_learned(cls):
    model = cls()
    copy = sklearn_base.clone(model)
    assert type(copy) is cls and copy is not model
    shallow = model.get_params(deep=False)
    assert copy.get_params(deep=False).keys() == shallow.keys()
    for name, value in shallow.items():
        assert repr(copy.get_params(deep=False)[name]) == repr(value), name
    assert not any(k.endswith("_") and not k.startswith("_") for k in vars(copy))


def test_set_params_plain_and_nested():
    model = MSUTNet()
    assert model.set_params(window=50, gap=3) is model
    assert (model.window, model.gap) == (50, 3)
    model.set_params(threshold=Quantile(0.9))
    assert model.get_params()["threshold__q"] == 0.9
    model.set_params(threshold__q=0.99)
    assert model.threshold.q == 0.99
    with pytest.raises(ValueError, match="has no parameter 'windows'"):
        model.set_params(windows=3)
    with pytest.raises(ValueError, match="has no parameters of its own"):
        MSUTNet().set_params(window__size=3)
    with pytest.raises(ValueError, match="has no parameter 'level'"):
        GradientBoosting(threshold=Quantile(0.5)).set_params(threshold__level=0.9)


def test_a_nested_setting_of_a_rule_given_by_name_builds_its_object():
    """SCAN's default thresholder is a name (no object shared by every SCAN); setting its level
    makes the object it names, with that level."""
    assert SCAN().threshold == "spot-stream"
    tuned = SCAN().set_params(threshold__level=0.9)
    assert isinstance(tuned.threshold, SPOTThreshold)
    assert (tuned.threshold.level, tuned.threshold.mode) == (0.9, "stream")
    assert SCAN().threshold == "spot-stream"
    shared = SPOTThreshold(level=0.95)
    tuned = SCAN(threshold=shared).set_params(threshold__level=0.9)
    assert tuned.threshold.level == 0.9 and shared.level == 0.95  # a given object is copied


def test_a_detector_without_its_hooks_cannot_be_made():
    from tsad_fast.detectors import BaseDetector, TorchDetector

    class Half(BaseDetector):
        def fit(self, X, y=None):
            return self

    with pytest.raises(TypeError, match="_restore, _score, _state"):
        Half()

    class NoNetwork(TorchDetector):
        def _score(self, X):
            return X[:, 0]

    with pytest.raises(TypeError, match="_after_training, _build_model, _fitted_state, _loss, "
                                        "_prepare, _restore_fitted"):
        NoNetwork()


def test_the_detectors_are_listed_by_dir():
    assert set(tsad_fast._DETECTORS) <= set(dir(tsad_fast))


def test_a_clone_fits_like_the_original():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = (rng.random(300) < 0.1).astype(int)
    a = GradientBoosting(max_iter=20, n_threads=1).fit(X, y)
    b = sklearn_base.clone(a).fit(X, y)
    np.testing.assert_array_equal(a.decision_scores_, b.decision_scores_)
