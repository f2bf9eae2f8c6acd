"""Scale: wall time and peak memory of the metrics, SPOT and the detectors' scoring on long
series, each case in a fresh process (tests/reliability/scale_child.py). The peak is the
process's peak resident set during the call, reset after the inputs are built (and, for a
detector, after its fit on 6,000 x 38 rows); growth = peak - resident set before the call.

    python benchmarks/scale.py                       # the default plan below (~25 min)
    python benchmarks/scale.py vus_areas=10000000 moon=20000 moon=50000
"""
import json
import subprocess
import sys
from pathlib import Path

CHILD = Path(__file__).resolve().parents[1] / "tests" / "reliability" / "scale_child.py"
PLAN = ["vus_areas=10000000", "get_metrics=10000000", "spot=10000000", "scan=1000000",
        "gboc=1000000", "msutnet=1000000", "iforest=1000000", "pca=1000000", "knn=200000",
        "moon=20000", "moon=50000"]


def main(plan):
    print("| case | n | seconds | resident before (MB) | peak growth (MB) | bytes / point |")
    print("| --- | --- | --- | --- | --- | --- |")
    for item in plan:
        case, n = item.split("=")
        done = subprocess.run([sys.executable, str(CHILD), case, n], capture_output=True,
                              text=True)
        if done.returncode:
            print(f"| {case} | {int(n):,} | failed: {done.stderr.strip().splitlines()[-1]} |")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"| {case} | {row['n']:,} | {row['seconds']:.1f} | {row['base_mb']:.0f} | "
              f"{row['growth_mb']:.0f} | {row['bytes_per_point']:.0f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or PLAN)
