#!/usr/bin/env bash
# Moon beside the supervised baselines (issue 26): the 8 SMD machines of ../shared/data under
# Moon's protocols, one Parquet per configuration under benchmarks/results/supervised/
# (moon-CONFIG-PROTOCOL.parquet), by `tsad-fast bench` (seed 2024; one task at a time on two
# threads). Re-running resumes; MACHINES picks machines (default: all 8).
# Usage: bash benchmarks/moon_grid.sh [CONFIG...]   (default: best-f1)
#        PROTOCOL=split60|moon-paper MACHINES="1-6 2-1" bash benchmarks/moon_grid.sh ...
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${TSAD_FAST_DATA:-../shared/data}
PROTOCOL=${PROTOCOL:-split60}
MACHINES=${MACHINES:-"1-6 1-7 2-1 2-2 2-7 2-8 3-3 3-4"}
OUT=${OUT:-benchmarks/results/supervised}
mkdir -p "$OUT"
declare -A CONFIGS=(
  [half]=""                                                 # P(anomaly) > 0.5, every row trains
  [best-f1]="threshold=best-f1 validation_size=0.2"         # cut on the last 20 %, not trained on
  [balanced]="threshold=best-f1 validation_size=0.2 sampling=balanced"
)
files=()
for m in $MACHINES; do files+=("$DATA/smd/machine-$m.npz"); done
for name in ${@:-best-f1}; do
  args=()
  for setting in ${CONFIGS[$name]}; do args+=(--set "moon.$setting"); done
  echo "== moon $name $PROTOCOL $MACHINES $(date -u +%H:%M:%S)"
  tsad-fast bench "${files[@]}" --detectors moon --protocol "$PROTOCOL" \
    --out "$OUT/moon-$name-$PROTOCOL.parquet" --workers 1 --threads 2 --resume --quiet \
    --no-plot "${args[@]}"
done
