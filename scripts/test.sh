#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what Folio needs, builds it with warnings as errors, and runs the whole test suite:
# once in a normal build, once under AddressSanitizer + UndefinedBehaviorSanitizer, and the
# formatting check, then runs each libFuzzer target for a fixed time (scripts/fuzz.sh; set
# FOLIO_FUZZ_SECONDS to change the 25 s per target). This is the README's second command;
# .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
jobs=$(nproc)

echo "== build (warnings as errors)"
cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFOLIO_WERROR=ON >/dev/null
cmake --build build/ci -j "$jobs"
echo "== tests"
ctest --test-dir build/ci --output-on-failure -j "$jobs"
echo "== install, .deb packages and the examples"
bash scripts/check_install.sh build/ci

echo "== relevance metrics self-test, and smoke runs of the evaluation and benchmarks"
python3 eval/test_metrics.py
python3 eval/run_eval.py --smoke --searcher build/ci/searcher/folio-searcher --indexer build/ci/indexer/folio-indexer
python3 bench/index_bench.py --quick --no-build --build build/ci
python3 bench/formats_bench.py --quick --no-build --build build/ci
python3 bench/query_bench.py --quick --no-build --build build/ci
python3 bench/feedback_bench.py --quick --no-build --build build/ci
python3 bench/process_cost.py --rounds 3 --no-docs --build build/ci --work build/ci/bench-quick
python3 bench/python_bench.py --quick --no-build --build build/ci
python3 scripts/hot_functions.py --build build/ci --out build/ci/hot-functions.txt

echo "== formatting (clang-format)"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

echo "== build and tests under ASan + UBSan"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFOLIO_SANITIZE=ON \
  -DFOLIO_WERROR=ON >/dev/null
cmake --build build/asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure --timeout 600 -j "$jobs"

echo "== fuzzing: each libFuzzer target for a fixed time (clang, ASan + UBSan)"
bash scripts/fuzz.sh "${FOLIO_FUZZ_SECONDS:-25}"
