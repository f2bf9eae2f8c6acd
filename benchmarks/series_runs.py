"""What the scripts that fit one detector per labelled series share: the ``--set PARAM=VALUE``
settings, the rows already written to ``--out`` (``--resume``) and the series still to run
(:func:`pending`), and the whole run of a script that reads several score rules from one fit
(:func:`score_rules_main`)."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Callable, Dict, List, Tuple

from tsad_fast.bench.inputs import expand
from tsad_fast.cli import setting_value


def pending(args, params: Dict) -> Tuple[Dict, List[dict], str, list]:
    """(params updated by ``args.set``, the rows of ``args.out`` kept by ``args.resume``, the
    command line, the series of ``args.data`` not in those rows)."""
    import pandas as pd

    params = dict(params)
    for setting in args.set:
        key, _, value = setting.partition("=")
        params[key] = setting_value(value)
    out = Path(args.out)
    rows = pd.read_parquet(out).to_dict("records") if args.resume and out.exists() else []
    done = {row["series"] for row in rows}
    command = shlex.join([sys.executable, *sys.argv])
    return params, rows, command, [ref for ref in expand(args.data) if ref.name not in done]


def score_rules_main(description: str, scores_of: Callable) -> None:
    """The command line of a score-rule script: for each series of ``data`` not yet in
    ``--out``, ``scores_of(params, split)`` (the protocol train-test's split) gives {rule: (n,)
    scores of the test part}, each evaluated with TSB-AD's VUS-PR / VUS-ROC (slidingWindow of
    the test part's first channel, as ``tsad-fast bench``); one row per series and rule,
    written to ``--out`` after each series."""
    import argparse
    import json

    import pandas as pd

    from tsad_fast.bench.inputs import load
    from tsad_fast.metrics import find_length_rank, get_metrics

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("data", nargs="+")
    parser.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE")
    parser.add_argument("--out", required=True)
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()
    params, rows, command, refs = pending(args, {"verbose": 0, "seed": 2024, "n_threads": 2})
    out = Path(args.out)
    for ref in refs:
        split = load(ref, "train-test")
        sliding = min(find_length_rank(split.test[:, 0], rank=1), split.labels.size)
        for rule, scores in scores_of(params, split).items():
            metrics = get_metrics(scores, split.labels, slidingWindow=sliding)
            rows.append({"series": ref.name, "rule": rule, "params": json.dumps(params),
                         "command": command, "VUS-PR": metrics["VUS-PR"],
                         "VUS-ROC": metrics["VUS-ROC"]})
            print(f"{ref.name} {rule:<10} VUS-PR {metrics['VUS-PR']:.4f} "
                  f"VUS-ROC {metrics['VUS-ROC']:.4f}", flush=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(rows).to_parquet(out, index=False)
