"""What the scripts that fit one detector per labelled series share: the ``--set PARAM=VALUE``
settings, the rows already written to ``--out`` (``--resume``) and the series still to run."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Dict, List, Tuple

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
