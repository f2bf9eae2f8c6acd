"""The detectors of a benchmark grid: names, parameters, and how a worker builds one.

A grid's detector is a :class:`DetectorSpec`: a ``label`` (its name in the results), the
detector (a registered name, see ``REGISTRY``, or any picklable callable returning an object
with ``fit`` / ``decision_function`` and, for the SPOT predictions, ``decision_scores_``) and
its constructor ``params``. Strings like ``"gboc"`` and dicts ``{"label": ..., "detector": ...,
"params": {...}}`` convert to specs (:func:`as_spec`).
"""
from __future__ import annotations

from importlib import import_module
import inspect
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Union

# a grid's short name -> the class in tsad_fast.detectors (whose ``supervised`` tag says whether
# its fit takes the fit part's labels)
REGISTRY: Dict[str, str] = {
    "gboc": "GBOC", "scan": "SCAN", "msutnet": "MSUTNet", "moon": "Moon", "iforest": "IForest",
    "pca": "PCA", "knn": "KNN", "gbdt": "GradientBoosting", "logistic": "Logistic",
}


@dataclass(frozen=True)
class DetectorSpec:
    """``label`` (results name), ``detector`` (registered name or callable), ``params``
    (constructor keywords, JSON-serialisable: they are part of each result's key),
    ``supervised`` (fit takes the fit part's labels: the class's ``supervised`` tag, or what a
    dict says)."""

    label: str
    detector: Union[str, Callable[..., Any]]
    params: Mapping[str, Any] = field(default_factory=dict)
    supervised: bool = False

    def params_json(self) -> str:
        """The parameters as canonical JSON (sorted keys): part of a result's key."""
        return json.dumps(dict(self.params), sort_keys=True)


def as_spec(value: Union[str, Callable[..., Any], Mapping[str, Any], DetectorSpec]
            ) -> DetectorSpec:
    """A :class:`DetectorSpec` from a registered name, a detector class (or callable), a dict
    with ``detector`` (and optional ``label``, ``params``, ``supervised``) or a spec."""
    if isinstance(value, DetectorSpec):
        return value
    if isinstance(value, str) or callable(value):
        value = {"detector": value}
    if not isinstance(value, Mapping) or "detector" not in value:
        raise TypeError(f"detectors: expected a name, a dict with 'detector' or a DetectorSpec, "
                        f"got {value!r}")
    unknown = set(value) - {"label", "detector", "params", "supervised"}
    if unknown:
        raise ValueError(f"detectors: unknown key(s) {sorted(unknown)} in {dict(value)!r}")
    detector = value["detector"]
    params = dict(value.get("params") or {})
    json.dumps(params)  # the key of a result: a TypeError here names what is not serialisable
    if isinstance(detector, str):
        name = detector.lower()
        if name not in REGISTRY:
            raise ValueError(f"detectors: unknown detector {detector!r}; registered: "
                             f"{', '.join(REGISTRY)} (or pass a callable)")
        supervised = getattr(import_module("tsad_fast.detectors"), REGISTRY[name]).supervised
        return DetectorSpec(str(value.get("label", name)), name, params, supervised)
    if not callable(detector):
        raise TypeError(f"detectors: 'detector' must be a registered name or a callable, got "
                        f"{detector!r}")
    label = value.get("label", getattr(detector, "__name__", None))
    if not label:
        raise ValueError(f"detectors: give a 'label' for {detector!r}")
    supervised = value.get("supervised", getattr(detector, "supervised", False))
    return DetectorSpec(str(label), detector, params, bool(supervised))


def _factory(spec: DetectorSpec) -> Callable[..., Any]:
    if callable(spec.detector):
        return spec.detector
    return getattr(import_module("tsad_fast.detectors"), REGISTRY[spec.detector])


def preload(spec: DetectorSpec) -> None:
    """Import the detector's modules (torch, scikit-learn), so forked task processes start with
    them loaded."""
    _factory(spec)


def build(spec: DetectorSpec, seed: int, threads: int):
    """The detector of ``spec``: its params, plus ``seed``, ``verbose=0`` and the torch/BLAS
    thread count where the constructor takes them and ``params`` leave them unset.

    The thread count is ``threads`` (the task's share of the worker's cores), or fewer where the
    detector's own choice is smaller (GBOC's LSTM runs one thread).
    """
    factory = _factory(spec)
    try:
        accepted = inspect.signature(factory).parameters
    except (TypeError, ValueError):  # a builtin or C callable: nothing is added
        accepted = {}
    params = dict(spec.params)
    auto = getattr(factory, "_auto_threads", None)
    defaults = {"seed": seed, "verbose": 0,
                "n_threads": threads if auto is None else min(auto, threads)}
    for key, value in defaults.items():
        if key in accepted and key not in params:
            params[key] = value
    return factory(**params)


def check(spec: DetectorSpec, seed: int) -> None:
    """Build ``spec``'s detector and check its parameters as its ``fit`` would, before any task
    runs; ValueError naming the detector's label for an unknown parameter or a bad value."""
    try:
        detector = build(spec, seed, 1)
        check_params = getattr(detector, "_check_params", None)
        if check_params is not None:
            check_params()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"detector {spec.label!r}: {exc}") from exc
