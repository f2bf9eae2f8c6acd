#!/usr/bin/env bash
# Build the documentation site into docs/_build/html, warnings as errors: set-up (the `docs`
# extra), the API pages, the narrative pages and the gallery (its examples run and draw).
# TSAD_FAST_DOCS_GALLERY=0 builds the pages without running the examples (CI does that).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh docs
# shellcheck disable=SC1091
. .venv/bin/activate
# TSB-AD 1.5 for the get_metrics example (its evaluation code needs none of its requirements)
python -m pip install --quiet --disable-pip-version-check --no-deps tsb-ad==1.5
rm -rf docs/_build docs/generated docs/auto_examples
MPLBACKEND=Agg python -m sphinx -W --keep-going -q -b html docs docs/_build/html
echo "docs/_build/html/index.html"
