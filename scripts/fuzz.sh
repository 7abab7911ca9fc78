#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer targets (clang, ASan + UBSan) in build/fuzz and runs each for a fixed time
# on a copy of its seed corpus (fuzz/corpus/NAME). Prints the executions of each target and
# writes them to build/fuzz/figures.txt ("fuzz.NAME.executions N"). A crashing input is left in
# build/fuzz/artifacts/; copy it into fuzz/regressions/NAME/ so that ctest replays it.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    (default 25 s, every target)
# FOLIO_FUZZ_SEED picks libFuzzer's random seed: 1 unless set, so that a run (CI's) explores the
# same inputs wherever it runs and a finding can be replayed; FOLIO_FUZZ_SEED=0 draws a new seed
# each run, for longer exploratory runs.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-25}
seed=${FOLIO_FUZZ_SEED:-1}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(text markdown html jsonl pdf epub docx odt query stub terminal)
build=build/fuzz
# Leaks inside Gumbo that Folio cannot free are suppressed (tests/lsan.supp says which).
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DFOLIO_FUZZ=ON -DFOLIO_BUILD_TESTS=OFF -DFOLIO_WERROR=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

# Every seed and every kept regression must run through (ctest replays them with -runs=0).
pattern=$(IFS='|'; echo "${targets[*]}")
ctest --test-dir "$build" -R "^fuzz\.($pattern)\$" --output-on-failure

mkdir -p "$build/artifacts"
: >"$build/figures.txt"
status=0
for name in "${targets[@]}"; do
  work="$build/work/$name"
  rm -rf "$work"
  mkdir -p "$work"
  cp fuzz/corpus/"$name"/* "$work"/
  log="$build/$name.log"
  if "$build/fuzz/fuzz_$name" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -seed="$seed" \
      -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$build/artifacts/$name-" \
      "$work" >"$log" 2>&1; then
    result=ok
  else
    result="FAILED (see $log; input in $build/artifacts/)"
    status=1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  echo "fuzz $name: ${execs:-0} executions in ${seconds} s, $(ls "$work" | wc -l) corpus inputs: $result"
  echo "fuzz.$name.executions ${execs:-0}" >>"$build/figures.txt"
  echo "fuzz.$name.seconds $seconds" >>"$build/figures.txt"
done
exit $status
