#!/usr/bin/env bash
# Build tsad_fast._core with AddressSanitizer + UndefinedBehaviorSanitizer and libstdc++'s
# assertions (_GLIBCXX_ASSERTIONS: bounds-checked operator[], front/back, ...), install it into
# its own venv (build/sanitize/venv; the CUDA module is left out), and run the kernel, metrics,
# threshold, fuzz, interruption and thread tests against it from outside the source tree (the
# memory bounds of tests/reliability/test_scale.py do not hold under ASan's redzones and
# quarantine). Any invalid read or write, use after free, overflowed signed integer,
# misaligned or out-of-range access or failed assertion aborts the run with a report: exit
# status 0 means clean. Leak detection is off (CPython keeps its interned objects to the end
# by design). Not part of CI (a fresh run takes ~5 min on 2 cores); run it after C++ changes.
# Usage: bash scripts/sanitize.sh [PYTEST ARGS]   (default: the test selection above)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=build/sanitize/venv
if [ ! -x "$venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
pipq() { "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"; }
pipq "scikit-build-core>=0.10" "pybind11>=2.12" numpy scipy numba pytest hypothesis pandas
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
flags="$flags -D_GLIBCXX_ASSERTIONS"
start=$(date +%s)
pipq --no-build-isolation --force-reinstall --no-deps . \
  -C build-dir=build/sanitize/cmake -C cmake.build-type=RelWithDebInfo \
  -C cmake.define.TSAD_FAST_CUDA=OFF \
  -C "cmake.define.CMAKE_CXX_FLAGS=$flags" \
  -C "cmake.define.CMAKE_MODULE_LINKER_FLAGS=-fsanitize=address,undefined"
echo "sanitized build installed in $(( $(date +%s) - start )) s"
run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
cd "$run"  # the installed package, not the source tree
core=$("$root/$venv/bin/python" -c "import importlib.util as u; print(u.find_spec('tsad_fast._core').origin)")
linked=$(ldd "$core")
grep -q libasan <<<"$linked" || { echo "$core is not linked with ASan" >&2; exit 1; }
grep -q libubsan <<<"$linked" || { echo "$core is not linked with UBSan" >&2; exit 1; }
# ASan must be the first library loaded into the interpreter, and libstdc++ loaded with it so
# that its exception interceptors find the real __cxa_throw (the interpreter does not link it)
preload="$(${CXX:-c++} -print-file-name=libasan.so) $(${CXX:-c++} -print-file-name=libstdc++.so)"
tests=("$@")
[ ${#tests[@]} -eq 0 ] && tests=("$root/tests/kernels" "$root/tests/metrics"
                                  "$root/tests/test_thresholds.py" "$root/tests/fuzz"
                                  "$root/tests/reliability/test_interrupt.py"
                                  "$root/tests/reliability/test_threads.py")
start=$(date +%s)
LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$root/$venv/bin/python" -m pytest -q -p no:cacheprovider --import-mode=append --rootdir "$root" \
  "${tests[@]}"
echo "tests under the sanitizers ran in $(( $(date +%s) - start )) s: clean"
