#!/usr/bin/env bash
# Issue 23's GBOC grid: every configuration as one Parquet under benchmarks/results/gboc/, run
# by `tsad-fast bench` on the 8 SMD machines and the 4 UCR series of ../shared/data (seed 2024,
# protocol train-test: fit on the training part, score the test part). Re-running resumes.
# Usage: bash benchmarks/gboc_grid.sh [CONFIG...]   (default: all, in the order below)
# Two workers, one thread a task: the fit seconds of this grid are those of a shared machine;
# the fit-time goal is measured alone (benchmarks/gboc_epoch.py).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${TSAD_FAST_DATA:-../shared/data}
OUT=benchmarks/results/gboc
mkdir -p "$OUT"
SMD=("$DATA"/smd/machine-*.npz)
UCR=("$DATA"/ucr/*.txt)
run() {  # run NAME DETECTORS [--set ...]: SMD and UCR (GBOC at the authors' univariate window 5)
  local name=$1 detectors=$2
  shift 2
  tsad-fast bench "${SMD[@]}" --detectors "$detectors" --out "$OUT/$name.parquet" --workers 2 \
    --threads 1 --resume --quiet --no-plot "$@"
  local ucr=()
  [[ $detectors == gboc ]] && ucr+=(--set gboc.window=5)  # a later --set window overrides it
  ucr+=("$@")
  tsad-fast bench "${UCR[@]}" --detectors "$detectors" --out "$OUT/$name-ucr.parquet" \
    --workers 2 --threads 1 --resume --quiet --no-plot "${ucr[@]}"
}
# The authors' configuration (SPEC 2.1) pinned: each ablation row changes one thing on top of it.
# (authors, epochs1 and epochs2 were first run before the pin, with GBOC's defaults of then: the
# same parameters.)
AUTHORS="--set gboc.score=balls --set gboc.epochs=3"
declare -A CONFIGS=(
  [authors]=""
  [default]="DEFAULT"                                   # GBOC's defaults as they are now
  [baselines]="BASELINES"
  [epochs1]="--set gboc.epochs=1"
  [epochs2]="--set gboc.epochs=2"
  [epochs5]="--set gboc.epochs=5"
  [transductive]="--set gboc.protocol=transductive"
  [window5]="--set gboc.window=5"
  [window20]="--set gboc.window=20"
  [rule-dm]="--set gboc.rule=dm"
  [decoder-window]="--set gboc.decoder=window"
  [loss-old]="--set gboc.lam=0.5 --set gboc.ball_loss=sum"
  [adam]="--set gboc.optimizer=adam --set gboc.lr=0.001 --set gboc.weight_decay=0 --set gboc.lr_step=0"
  [inner1]="--set gboc.inner_epochs=1 --set gboc.epochs=30"
  [combined]="--set gboc.score=balls+reconstruction"
  [combined-epochs1]="--set gboc.score=balls+reconstruction --set gboc.epochs=1"
  [combined-epochs2]="--set gboc.score=balls+reconstruction --set gboc.epochs=2"
  [combined-decoder-window]="--set gboc.score=balls+reconstruction --set gboc.decoder=window"
  [combined-decoder-window-epochs1]="--set gboc.score=balls+reconstruction --set gboc.decoder=window --set gboc.epochs=1"
  [combined-decoder-window-epochs2]="--set gboc.score=balls+reconstruction --set gboc.decoder=window --set gboc.epochs=2"
  [encoder2]="--set gboc.n_layers=2"
)
# combined is GBOC's default since issue 23 (the row "default" runs whatever the defaults are)
ORDER=(authors baselines epochs1 epochs2 combined transductive rule-dm window5 window20
       decoder-window loss-old adam encoder2 inner1 epochs5 combined-epochs1 combined-epochs2
       combined-decoder-window combined-decoder-window-epochs1 combined-decoder-window-epochs2)
for name in "${@:-${ORDER[@]}}"; do
  args=${CONFIGS[$name]}
  echo "== $name $(date -u +%H:%M:%S)"
  if [[ $args == BASELINES ]]; then
    run "$name" pca,knn,iforest
  elif [[ $args == DEFAULT ]]; then
    run "$name" gboc
  else
    # shellcheck disable=SC2086
    run "$name" gboc $AUTHORS $args
  fi
done
