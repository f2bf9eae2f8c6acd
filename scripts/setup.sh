#!/usr/bin/env bash
# Set up .venv with tsad_fast built from this checkout (C++ core, CUDA module when nvcc exists).
# Usage: bash scripts/setup.sh [EXTRAS]   e.g. "demo" or "test" (comma-separated)
# Re-running reuses .venv and rebuilds the package. PYTHON picks the interpreter (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
extras=${1:-}
if [ ! -x .venv/bin/python ]; then
  # --system-site-packages: reuse NumPy/SciPy already on the machine; pip adds what is missing
  "${PYTHON:-python3}" -m venv --system-site-packages .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
spec="."
[ -n "$extras" ] && spec=".[${extras}]"
python -m pip install --quiet --disable-pip-version-check -e "$spec"
