"""Moon's fit time on 10,000 labelled SMD rows (issue 26): the first 10,000 rows of a machine's
test part (the paper's training part), seeded, two threads; prints the wall seconds of the fit
and of its stages (MV-MTF, the training epochs, the training scores and anomaly types).

    python benchmarks/moon_fit_time.py [--machine machine-1-6] [--epochs 5] [--set sampling=balanced]
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import tsad_fast  # noqa: F401  (first: the OpenMP wait policy before torch loads)
from tsad_fast import Moon

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "smd"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machine", default="machine-1-6")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE")
    args = parser.parse_args()
    data = np.load(DATA / f"{args.machine}.npz")
    X, y = data["test"][:10_000], data["label"][:10_000].astype(int)
    params = {k: json.loads(v) if v[:1] in "0123456789[{-" else v
              for k, v in (s.split("=", 1) for s in args.set)}
    model = Moon(epochs=args.epochs, verbose=0, n_threads=2, **params)
    stages, original = {}, {}
    for name in ("_prepare", "_train", "_after_training"):
        original[name] = getattr(Moon, name)

        def timed(self, *a, _name=name, **k):
            start = time.perf_counter()
            out = original[_name](self, *a, **k)
            stages[_name.strip("_")] = time.perf_counter() - start
            return out

        setattr(Moon, name, timed)
    start = time.perf_counter()
    model.fit(X, y)
    total = time.perf_counter() - start
    print(f"{args.machine}: 10,000 rows ({int(y.sum())} anomalous), {args.epochs} epochs, "
          f"{params or 'defaults'}: fit {total:.1f} s; " +
          ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))


if __name__ == "__main__":
    main()
