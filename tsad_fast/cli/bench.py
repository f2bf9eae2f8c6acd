"""`tsad-fast bench`: a detector x series grid on Dask (:mod:`tsad_fast.bench`)."""
from __future__ import annotations

from typing import List

from tsad_fast.bench.detectors import REGISTRY
from tsad_fast.bench.inputs import PROTOCOLS


def add_parser(sub) -> None:
    parser = sub.add_parser("bench", help="a detector x series grid on Dask: metrics, time and "
                            "memory per task, resumable (needs the bench extra)")
    parser.add_argument("data", nargs="+", help="TSB-AD .csv, SMD .npz or UCR .txt files, or "
                        "directories of them")
    parser.add_argument("--detectors", required=True,
                        help="comma-separated: " + ", ".join(REGISTRY))
    parser.add_argument("--out", required=True, help="results file, .parquet or .csv")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. "
                       "tcp://host:8786 (default: a local cluster)")
    where.add_argument("--workers", type=int, help="worker processes of the local cluster "
                       "(default: the usable cores)")
    parser.add_argument("--threads", type=int, help="threads per task (default: the cores "
                        "shared among the local workers; 1 on a remote cluster)")
    parser.add_argument("--resume", action="store_true", help="complete an existing --out: the "
                        "tasks already in it are skipped, those that failed run again")
    parser.add_argument("--timeout", type=float, metavar="S", help="kill a task after S seconds "
                        "and record it as a timeout")
    parser.add_argument("--protocol", default="train-test", choices=PROTOCOLS)
    parser.add_argument("--set", action="append", default=[], metavar="DETECTOR.PARAM=VALUE",
                        help="a detector parameter (repeatable; VALUE read as JSON, else text)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--explain", type=int, default=0, help="true positives explained per "
                        "task (Moon's interpretation metrics; default 0)")
    parser.add_argument("--coalitions", type=int, default=256)
    parser.add_argument("--no-plot", dest="plot", action="store_false")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)


def setting_value(text: str):
    """A ``--set`` value: JSON where it parses (numbers, booleans, lists, null), else the text."""
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def bench_detectors(names: str, settings: List[str]) -> List[dict]:
    """The detector dicts of ``--detectors a,b`` with the ``--set a.param=value`` parameters
    (values read as JSON where they parse, else as strings)."""
    detectors = {name: {"detector": name, "params": {}}
                 for name in (n.strip().lower() for n in names.split(",")) if name}
    for setting in settings:
        target, _, value = setting.partition("=")
        name, _, param = target.partition(".")
        if not _ or not param or name.lower() not in detectors:
            raise ValueError(f"--set {setting!r}: expected DETECTOR.PARAM=VALUE with DETECTOR "
                             f"one of --detectors ({', '.join(detectors)})")
        detectors[name.lower()]["params"][param] = setting_value(value)
    return list(detectors.values())


def run(args) -> int:
    from tsad_fast._optional import require

    require("distributed", "bench", "tsad-fast bench")
    from tsad_fast.bench import run_bench
    from tsad_fast.bench.store import ResultsExist

    try:
        run_bench(args.data, bench_detectors(args.detectors, args.set), args.out,
                  scheduler=args.scheduler, workers=args.workers, threads=args.threads,
                  resume=args.resume, timeout=args.timeout, protocol=args.protocol,
                  seed=args.seed, explain=args.explain, coalitions=args.coalitions,
                  progress=not args.quiet, plot=args.plot)
    except ResultsExist:
        raise ValueError(f"--out {args.out} already holds results (or an interrupted run's "
                         "journal): add --resume to complete it, or give another --out") from None
    return 0
