#!/usr/bin/env bash
# SCAN's grid: every configuration as one Parquet under benchmarks/results/scan/, run
# by `tsad-fast bench` on the 8 SMD machines and the 4 UCR series of ../shared/data (seed 2024,
# protocol train-test: fit on the training part, score the test part). Re-running resumes.
# Usage: bash benchmarks/scan_grid.sh [CONFIG...]   (default: all, in the order below)
# One task at a time on two threads: the fit seconds are those of the 2 cores alone. The
# classical baselines of the same data and protocol are benchmarks/results/gboc/baselines*.parquet.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${TSAD_FAST_DATA:-../shared/data}
OUT=benchmarks/results/scan
mkdir -p "$OUT"
SMD=("$DATA"/smd/machine-*.npz)
UCR=("$DATA"/ucr/*.txt)
declare -A CONFIGS=(
  [default]=""                                   # SCAN's defaults as they are now
  [noclu]="--set scan.clustering=false"          # the paper's Table 2 rows
  [notrust]="--set scan.trusted=false"
  [nofuse]="--set scan.fusion=false"
  [1scale]="--set scan.kernels=[1]"
)
ORDER=(default noclu notrust nofuse 1scale)
for name in "${@:-${ORDER[@]}}"; do
  read -r -a args <<< "${CONFIGS[$name]}"
  echo "== $name $(date -u +%H:%M:%S)"
  tsad-fast bench "${SMD[@]}" --detectors scan --out "$OUT/$name.parquet" --workers 1 \
    --threads 2 --resume --quiet --no-plot "${args[@]}"
  # UCR: training parts of 1,200-3,000 points, so windows of 500 every 50 steps
  tsad-fast bench "${UCR[@]}" --detectors scan --out "$OUT/$name-ucr.parquet" --workers 1 \
    --threads 2 --resume --quiet --no-plot --set scan.window=500 --set scan.stride=50 \
    "${args[@]}"
done
