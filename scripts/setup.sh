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
pipq() { python -m pip install --quiet --disable-pip-version-check "$@"; }
# torch: a bare requirement resolves to a multi-GB CUDA build; the CPU build 2.13.0 is what the
# models are tested with. Only installed when no torch is importable (a user's own torch stays).
if ! python -c "import torch" >/dev/null 2>&1; then
  pipq "torch==${TSAD_FAST_TORCH:-2.13.0}"
fi
spec="."
[ -n "$extras" ] && spec=".[${extras}]"
pipq -e "$spec"
