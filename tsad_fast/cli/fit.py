"""`tsad-fast fit`: a detector fitted on a user's table and saved."""
from __future__ import annotations

import time

from tsad_fast.bench.detectors import REGISTRY
from tsad_fast.cli.bench import setting_value
from tsad_fast.tables import read_rows, read_series


def add_parser(sub) -> None:
    parser = sub.add_parser("fit", help="fit a detector on a table (CSV with or without a "
                            "header, Parquet, .npy; every column a channel) and save it")
    parser.add_argument("detector", help="one of " + ", ".join(REGISTRY) + " (or its class "
                        "name)")
    parser.add_argument("train", help="the training rows")
    parser.add_argument("--out", required=True, help="the model file to write")
    parser.add_argument("--labels", help="0/1 per training row (the supervised detectors: "
                        "moon, gbdt, logistic)")
    parser.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE",
                        help="a constructor parameter (repeatable; VALUE read as JSON, else "
                        "text), e.g. --set window=50")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)


def detector_of(name: str, settings, quiet: bool):
    """A detector built from its grid name or class name and ``PARAM=VALUE`` settings."""
    from tsad_fast.detectors import detector_class

    cls = detector_class(REGISTRY.get(name.lower(), name))
    params = {}
    for setting in settings:
        param, sep, value = setting.partition("=")
        if not sep or not param:
            raise ValueError(f"--set {setting!r}: expected PARAM=VALUE")
        params[param.strip()] = setting_value(value)
    detector = cls()
    if "verbose" in detector.get_params(deep=False):
        params.setdefault("verbose", 0 if quiet else 1)
    return detector.set_params(**params)


def run(args) -> int:
    X, _ = read_rows(args.train, "train")
    detector = detector_of(args.detector, args.set, args.quiet)
    labels = None
    if detector.supervised:
        if args.labels is None:
            raise ValueError(f"{type(detector).__name__} is supervised: give --labels")
        labels = read_series(args.labels, "labels")
        if labels.size != len(X):
            raise ValueError(f"labels file {args.labels!r} holds {labels.size} values, the "
                             f"train file {args.train!r} {len(X)} rows")
    start = time.perf_counter()
    detector.fit(X, labels) if detector.supervised else detector.fit(X)
    seconds = time.perf_counter() - start
    detector.save(args.out)
    print(f"{type(detector).__name__} fitted on {X.shape[0]} rows x {X.shape[1]} channels in "
          f"{seconds:.1f} s; threshold {detector.threshold_:.6g}; saved to {args.out}")
    return 0
