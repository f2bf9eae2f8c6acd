#!/usr/bin/env bash
# SCAN's and MSUT-Net's grids: every configuration as one Parquet under
# benchmarks/results/<detector>/, run by `tsad-fast bench` on the 8 SMD machines and the 4 UCR
# series of ../shared/data (seed 2024, protocol train-test: fit on the training part, score the
# test part). Re-running resumes.
# Usage: bash benchmarks/detector_grid.sh scan|msutnet [CONFIG...]   (default: all, in order)
#        SMD=dev|confirm bash benchmarks/detector_grid.sh ...   (one half of the machines, no UCR)
# One task at a time on two threads: the fit seconds are those of the 2 cores alone. The
# classical baselines of the same data and protocol are benchmarks/results/gboc/baselines*.parquet.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${TSAD_FAST_DATA:-../shared/data}
DETECTOR=$1
shift
OUT=benchmarks/results/$DETECTOR
mkdir -p "$OUT"
if [[ ${SMD:-all} == dev ]]; then
  SERIES=("$DATA"/smd/machine-{1-6,2-1,2-7,3-3}.npz)
  UCR=()
elif [[ ${SMD:-all} == confirm ]]; then
  SERIES=("$DATA"/smd/machine-{1-7,2-2,2-8,3-4}.npz)
  UCR=()
else
  SERIES=("$DATA"/smd/machine-*.npz)
  UCR=("$DATA"/ucr/*.txt)
fi
declare -A CONFIGS=(
  [scan:default]=""                                    # the defaults as they are now
  [scan:noclu]="--set scan.clustering=false"           # the paper's Table 2 rows
  [scan:notrust]="--set scan.trusted=false"
  [scan:nofuse]="--set scan.fusion=false"
  [scan:1scale]="--set scan.kernels=[1]"
  [msutnet:default]=""
  [msutnet:temporal]="--set msutnet.spatial=false"     # the ablation: levels, spatial off
  [msutnet:nolevel2]="--set msutnet.levels=[1,3]"
  [msutnet:nolevel3]="--set msutnet.levels=[1,2]"
  [msutnet:encoder]="--set msutnet.temporal=encoder"   # the temporal bottleneck option
  # the default before gap and the branch objective (files *-fused-gap0.parquet)
  [msutnet:fused-gap0]="--set msutnet.objective=fused --set msutnet.gap=0"
  [msutnet:temporal-fused-gap0]="--set msutnet.objective=fused --set msutnet.gap=0 --set msutnet.spatial=false"
  [msutnet:encoder-fused-gap0]="--set msutnet.objective=fused --set msutnet.gap=0 --set msutnet.temporal=encoder"
)
declare -A ORDER=([scan]="default noclu notrust nofuse 1scale"
                  [msutnet]="default temporal nolevel2 nolevel3 encoder")
# UCR: training parts of 1,200-3,000 points; SCAN's windows of 500 every 50 steps
declare -A UCR_ARGS=([scan]="--set scan.window=500 --set scan.stride=50" [msutnet]="")
read -r -a names <<< "${ORDER[$DETECTOR]}"
for name in "${@:-${names[@]}}"; do
  read -r -a args <<< "${CONFIGS[$DETECTOR:$name]}"
  read -r -a ucr <<< "${UCR_ARGS[$DETECTOR]}"
  echo "== $DETECTOR $name $(date -u +%H:%M:%S)"
  tsad-fast bench "${SERIES[@]}" --detectors "$DETECTOR" --out "$OUT/$name.parquet" \
    --workers 1 --threads 2 --resume --quiet --no-plot "${args[@]}"
  if ((${#UCR[@]})); then
    tsad-fast bench "${UCR[@]}" --detectors "$DETECTOR" --out "$OUT/$name-ucr.parquet" \
      --workers 1 --threads 2 --resume --quiet --no-plot "${ucr[@]}" "${args[@]}"
  fi
done
