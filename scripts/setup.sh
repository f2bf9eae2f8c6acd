#!/usr/bin/env bash
# Set up .venv with tsad_fast built from this checkout (C++ core, CUDA module when nvcc exists).
# Usage: bash scripts/setup.sh [EXTRAS]   e.g. "torch,plot" or "test" (comma-separated)
# Re-running reuses .venv and the CMake build in build/: only what changed is recompiled.
# PYTHON picks the interpreter (default python3); TSAD_FAST_TORCH the torch version installed
# when none is importable (default 2.13.0, a CPU build); TSAD_FAST_CUDA=OFF skips the CUDA module.
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
# The build requirements live in .venv and the build runs without isolation, so CMake's cache in
# build/ stays valid between runs and a second set-up recompiles only what changed.
python -c "import scikit_build_core, pybind11" >/dev/null 2>&1 ||
  pipq "scikit-build-core>=0.10" "pybind11>=2.12"
# torch: a bare requirement resolves to a multi-GB CUDA build; the CPU build 2.13.0 is what the
# models are tested with. Only installed when an extra needs it and no torch is importable (a
# user's own torch stays).
case ",$extras," in
  *,torch,*|*,test,*|*,demo,*|*,bench,*)
    python -c "import torch" >/dev/null 2>&1 || pipq "torch==${TSAD_FAST_TORCH:-2.13.0}" ;;
esac
spec="."
[ -n "$extras" ] && spec=".[${extras}]"
pipq --no-build-isolation -e "$spec"
