#!/usr/bin/env bash
# Builds the libFuzzer targets (test/fuzz/fuzz_*.cc) with clang into build/fuzz and runs each for
# TSDB_FUZZ_SECONDS seconds (default 30), one after the other. Prints one line per target and
# exits non-zero when any target crashed, leaked, timed out or ran out of memory.
#
#   scripts/run_fuzz.sh                                   every target, 30 s each
#   TSDB_FUZZ_SECONDS=300 scripts/run_fuzz.sh             longer
#   TSDB_FUZZ_TARGETS="fuzz_block_decode" scripts/run_fuzz.sh   only these targets
#
# Each target fuzzes in tmp/fuzz/<target>/, seeded with a copy of test/fuzz/corpus/<target>/, so
# the committed corpus never changes; new inputs stay in tmp/fuzz/<target>/ for the next run.
# Crashing inputs are written as tmp/fuzz/<target>-crash-<sha1> (also -timeout-, -oom-, -leak-)
# and the full log as tmp/fuzz/<target>.log. Reproduce one with: build/fuzz/<target> <file>
# Regenerate the committed corpus with: build/release/tsdb_make_corpus test/fuzz/corpus
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

seconds=${TSDB_FUZZ_SECONDS:-30}
build=build/fuzz
out=tmp/fuzz

command -v clang++ >/dev/null || die "clang++ not found: libFuzzer targets need clang (apt-get install clang)"
mkdir -p "$out"
# Runs from the same checkout share build/fuzz and tmp/fuzz: take turns rather than clobber each
# other's builds and logs.
if command -v flock >/dev/null; then
  exec 9>"$out/.lock"
  flock 9
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -DTSDB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build" -j2

targets=()
if [ -n "${TSDB_FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$TSDB_FUZZ_TARGETS"
else
  for src in test/fuzz/fuzz_*.cc; do
    targets+=("$(basename "$src" .cc)")
  done
fi
[ "${#targets[@]}" -gt 0 ] || die "no fuzz targets in test/fuzz"

# last_value PREFIX LOG: the number after the last PREFIX in a libFuzzer log (empty if none).
last_value() {
  { grep -ao "$1[0-9]*" "$2" || true; } | tail -n 1 | sed 's/.*[^0-9]//'
}

failed=0
summary=()
for target in "${targets[@]}"; do
  bin=$build/$target
  [ -x "$bin" ] || die "$bin was not built"
  scratch=$out/$target
  seeds=test/fuzz/corpus/$target
  mkdir -p "$scratch" "$seeds"
  cp -R "$seeds/." "$scratch/"
  log=$out/$target.log
  note "$target: ${seconds}s, log in $log"
  set +e
  "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$out/$target-" "$scratch" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(last_value 'stat::number_of_executed_units: *' "$log")
  rate=$(last_value 'stat::average_exec_per_sec: *' "$log")
  cov=$(last_value 'cov: ' "$log")
  ft=$(last_value 'ft: ' "$log")
  corp=$(last_value 'corp: ' "$log")
  line=$(printf '%-20s %s execs (%s/s), cov %s, ft %s, corpus %s' "$target" "${execs:-?}" \
    "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}")
  if [ "$rc" -eq 0 ]; then
    summary+=("ok      $line")
  else
    failed=$((failed + 1))
    artifacts=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | paste -sd ' ' - || true)
    summary+=("FAILED  $line, exit $rc, input: ${artifacts:-none written}")
    # The sanitizer or libFuzzer report names the bug: show its first lines.
    grep -a -m 1 -A 12 -E '^==[0-9]+==|ERROR: libFuzzer|runtime error' "$log" >&2 || true
  fi
done

echo
printf '%s\n' "${summary[@]}"
if [ "$failed" -gt 0 ]; then
  note "$failed of ${#targets[@]} fuzz targets failed; reproduce with: $build/<target> <input>"
  exit 1
fi
