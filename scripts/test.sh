#!/usr/bin/env bash
# Set up, then run the test-suite: everything once on the automatic backend (benchmarks run as
# tests, untimed), then the kernel tests again forced onto Numba and onto NumPy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
# shellcheck disable=SC1091
. .venv/bin/activate
# TSB-AD 1.5, the metrics reference: its own requirements (torch, numpy<2, ...) are not needed
# by its evaluation code, so it comes without them
python -m pip install --quiet --disable-pip-version-check --no-deps tsb-ad==1.5
python -c "import tsad_fast; tsad_fast.show_config()"
# the Numba kernels compiled once into numba's on-disk cache, not inside the first test
python scripts/warm_numba.py
python -m pytest -q -p no:cacheprovider tests benchmarks --benchmark-disable --durations=5
for backend in numba numpy; do
  echo "== kernel tests with TSAD_FAST_BACKEND=$backend"
  TSAD_FAST_BACKEND=$backend python -m pytest -q -p no:cacheprovider tests/kernels tests/metrics tests/test_thresholds.py
done
