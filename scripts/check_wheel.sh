#!/usr/bin/env bash
# Install the repaired wheel in dist/ into a fresh venv with binaries only and no compiler on
# PATH, from a directory without the source tree; check that show_config() lists the C++
# backend; run the kernel, metrics and threshold tests against the installed package.
# Prints the wheel's size and the install time. Usage: bash scripts/check_wheel.sh [WHEEL]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wheel=${1:-$(ls "$root"/dist/*manylinux*.whl | head -n 1)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"${PYTHON:-python3}" -m venv "$work/venv"
# no compiler reachable: a PATH of links to the few tools pip needs, cc/c++/gcc/nvcc absent
mkdir "$work/bin"
for tool in sh bash env uname ls cat rm mkdir; do
  ln -s "$(command -v "$tool")" "$work/bin/$tool"
done
start=$(date +%s%N)
PATH="$work/venv/bin:$work/bin" CC=/nonexistent CXX=/nonexistent "$work/venv/bin/python" -m pip \
  install --quiet --disable-pip-version-check --only-binary=:all: "$wheel" pytest hypothesis
end=$(date +%s%N)
echo "wheel $(basename "$wheel"): $(du -k "$wheel" | cut -f1) kB; installed (with NumPy, SciPy," \
  "Numba, pytest, hypothesis) in $(( (end - start) / 1000000 )) ms"
cd "$work"
PATH="$work/venv/bin:$work/bin" "$work/venv/bin/python" - <<'PY'
import tsad_fast
from tsad_fast import _backend
tsad_fast.show_config()
assert "cpp" in _backend.available_backends(), "the wheel's C++ backend does not load"
assert "site-packages" in tsad_fast.__file__, tsad_fast.__file__
PY
PATH="$work/venv/bin:$work/bin" "$work/venv/bin/python" -m pytest -q -p no:cacheprovider \
  --import-mode=append --rootdir "$root" "$root/tests/kernels" "$root/tests/metrics" \
  "$root/tests/test_thresholds.py"
