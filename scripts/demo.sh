#!/usr/bin/env bash
# Set up, then run the main job: the build report and SPOT on the bundled real UCR series,
# writing tsad-fast-out/spot_ucr.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh demo
# shellcheck disable=SC1091
. .venv/bin/activate
mkdir -p tsad-fast-out
tsad-fast info
tsad-fast spot --plot tsad-fast-out/spot_ucr.png
