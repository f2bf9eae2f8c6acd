#!/usr/bin/env bash
# The supervised baselines beside Moon (issue 26): GradientBoosting ("gbdt") and Logistic on
# the 8 SMD machines of ../shared/data under Moon's protocols, one Parquet per configuration
# under benchmarks/results/supervised/, run by `tsad-fast bench` (seed 2024; one task at a
# time on two threads). Re-running resumes.
# Usage: bash benchmarks/supervised_grid.sh [CONFIG...]   (default: all, in order)
#        PROTOCOL=split60|moon-paper bash benchmarks/supervised_grid.sh ...   (default split60)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${TSAD_FAST_DATA:-../shared/data}
PROTOCOL=${PROTOCOL:-split60}
OUT=benchmarks/results/supervised
mkdir -p "$OUT"
declare -A CONFIGS=(
  [half]=""                                                   # P(anomaly) > 0.5, every row trains
  [best-f1]="threshold=best-f1 validation_size=0.2"           # cut on the last 20 %, not trained on
  [balanced]="class_weight=balanced"                          # classes weighted 1 / frequency
)
ORDER="half best-f1 balanced"
for name in ${@:-$ORDER}; do
  for detector in gbdt logistic; do
    args=()
    for setting in ${CONFIGS[$name]}; do args+=(--set "$detector.$setting"); done
    echo "== $detector $name $PROTOCOL $(date -u +%H:%M:%S)"
    tsad-fast bench "$DATA"/smd/machine-*.npz --detectors "$detector" --protocol "$PROTOCOL" \
      --out "$OUT/$detector-$name-$PROTOCOL.parquet" --workers 1 --threads 2 --resume --quiet \
      --no-plot "${args[@]}"
  done
done
