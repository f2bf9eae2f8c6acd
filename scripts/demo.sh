#!/usr/bin/env bash
# Set up, then run the main job: the build report and GBOC on the bundled SMD machine, printing
# VUS-PR / VUS-ROC / F1 and writing tsad-fast-out/gboc_machine-1-6.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh demo
# shellcheck disable=SC1091
. .venv/bin/activate
tsad-fast info
tsad-fast demo --out tsad-fast-out
