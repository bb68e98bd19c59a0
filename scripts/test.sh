#!/usr/bin/env bash
# README command 2: every test. First scripts/setup.sh --no-demo (packages, build, install, cluster), then
# each suite below in order, going on after a failure. Ends with a table and the line
# "tests: N passed, N failed" (N counts suites); exits non-zero when one failed.
#
#   scripts/test.sh                              all suites
#   TSDB_TEST_ONLY="unit asan" scripts/test.sh   only these suites (setup always runs)
#   TSDB_FUZZ_SECONDS=5 scripts/test.sh          seconds per fuzz target (scripts/run_fuzz.sh; default 30)
#
# With CI set, warnings are errors. A cluster that was not running before is stopped at the end (deleted on CI).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

pg_config=$(tsdb_pg_config)
werror=OFF
if [ -n "${CI:-}" ]; then
  werror=ON
fi

names=() results=() seconds=()
failed=0 passed=0

selected() {
  [ -z "${TSDB_TEST_ONLY:-}" ] || [[ " $TSDB_TEST_ONLY " == *" $1 "* ]]
}

# suite NAME COMMAND...: runs COMMAND (usually a suite_* function below) under set -e and records the result.
suite() {
  local name=$1 start rc
  shift
  if [ "$name" != setup ] && ! selected "$name"; then
    return 0
  fi
  printf '\n=== %s: %s\n' "$name" "$*"
  start=$SECONDS
  # A subshell with its own set -e: a function called from `if` or `||` would ignore errexit.
  set +e
  (
    set -e
    "$@"
  )
  rc=$?
  set -e
  names+=("$name")
  seconds+=($((SECONDS - start)))
  if [ "$rc" -eq 0 ]; then
    results+=(ok)
    passed=$((passed + 1))
  else
    results+=("FAILED (exit $rc)")
    failed=$((failed + 1))
  fi
  printf '=== %s: %s in %ss\n' "$name" "${results[-1]}" "${seconds[-1]}"
}

# skip NAME WHY: a suite that cannot run here; listed in the table, counted neither way.
skip() {
  if selected "$1"; then
    names+=("$1") results+=("skipped: $2") seconds+=(0)
  fi
}

# Points libpq (psql, pg_regress, pg_prove) at the cluster of scripts/cluster.sh, starting it if needed.
use_cluster() {
  bash scripts/cluster.sh start >/dev/null
  eval "$(bash scripts/cluster.sh env)"
}

suite_unit() {
  cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTSDB_WERROR="$werror"
  cmake --build build/release -j2
  ctest --test-dir build/release --output-on-failure --no-tests=error -j2
}

# Prometheus's PromQL test scripts (build/release/promqltest): every script against the engine, then
# the scripts of promql_sql_files through the extension's SQL functions in a fresh database of the test
# cluster. Cases listed in test/promqltest/known_failures{,_sql}.txt may fail; any other failure fails
# the suite. The scripts are read from $TSDB_PROMQL_DIR (default ../shared/promql beside the checkout).
promql_dir=${TSDB_PROMQL_DIR:-$(cd .. && pwd)/shared/promql}
promql_sql_files="literals selectors staleness collision operators aggregators fill-modifier histograms
  range_queries limit duration_expression name_label_dropping type_and_unit functions
  extended_vectors info"
suite_promql() {
  cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTSDB_WERROR="$werror" >/dev/null
  cmake --build build/release -j2 --target promqltest
  build/release/promqltest --known-failures test/promqltest/known_failures.txt "$promql_dir"
  use_cluster
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'DROP DATABASE IF EXISTS tsdb_promqltest' \
    -c 'CREATE DATABASE tsdb_promqltest'
  psql -X -q -v ON_ERROR_STOP=1 -d tsdb_promqltest -c 'CREATE EXTENSION tsdb'
  local files=() f
  for f in $promql_sql_files; do files+=("$promql_dir/$f.test"); done
  # The scripts assume Prometheus's delayed name removal, as the engine run does.
  PGOPTIONS="-c tsdb.promql_delayed_name_removal=on" build/release/promqltest \
    --connection "dbname=tsdb_promqltest" \
    --known-failures test/promqltest/known_failures_sql.txt "${files[@]}"
  # Again with every sample read through SQL (the path used under row-level security).
  PGOPTIONS="-c tsdb.promql_delayed_name_removal=on -c tsdb.promql_direct_read=off" \
    build/release/promqltest \
    --connection "dbname=tsdb_promqltest" --known-failures test/promqltest/known_failures_sql.txt \
    "${files[@]}"
}

# Asserts stay on (no NDEBUG) at -O1, the usual optimisation for AddressSanitizer.
suite_asan() {
  cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
    -DTSDB_SANITIZE=ON -DTSDB_BENCH=OFF -DTSDB_WERROR="$werror"
  cmake --build build/asan -j2
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan --output-on-failure --no-tests=error -j2
}

# pg_regress (the Makefile's REGRESS) against the running cluster.
suite_regress() {
  local listed file name
  # Every pg_regress input is in the Makefile's REGRESS list (and has an expected output).
  listed=" $(sed -n 's/^REGRESS = //p' Makefile) "
  for file in sql/*.sql; do
    name=$(basename "$file" .sql)
    case "$name" in tsdb | tsdb--*) continue ;; esac
    [[ "$listed" == *" $name "* ]] || { echo "sql/$name.sql is not in the Makefile's REGRESS"; return 1; }
    [ -f "expected/$name.out" ] || { echo "expected/$name.out is missing"; return 1; }
  done
  use_cluster
  rm -f regression.diffs regression.out output_iso/regression.diffs
  if ! make installcheck PG_CONFIG="$pg_config"; then
    local diffs
    for diffs in regression.diffs output_iso/regression.diffs; do
      if [ -f "$diffs" ]; then
        echo "--- $diffs (first 200 lines)"
        head -n 200 "$diffs"
      fi
    done
    return 1
  fi
}

# pgTAP: each file creates the extensions it needs, in a database made afresh for each run.
suite_pgtap() {
  local bindir files
  use_cluster
  bindir=$("$pg_config" --bindir)
  files=(test/pgtap/*.sql)
  [ -e "${files[0]}" ] || { echo "no test/pgtap/*.sql"; return 1; }
  "$bindir/dropdb" --if-exists tsdb_tap
  "$bindir/createdb" tsdb_tap
  pg_prove --psql-bin "$bindir/psql" -h "$PGHOST" -p "$PGPORT" -U postgres -d tsdb_tap "${files[@]}"
}

# Shell tests against the cluster (test/sh/*.sh): dump/restore and the like.
suite_sh() {
  local t
  use_cluster
  for t in test/sh/*.sh; do
    echo "--- $t"
    bash "$t"
  done
}

was_running=0
if bash scripts/cluster.sh status >/dev/null 2>&1; then
  was_running=1
fi
# Leaves the cluster as it was found; CI, whose clone is thrown away, deletes it (it may be under /tmp).
stop_cluster() {
  local how=stop
  if [ -n "${CI:-}" ]; then
    how=destroy
  fi
  if [ "$was_running" -eq 0 ]; then
    bash scripts/cluster.sh "$how" >/dev/null 2>&1 || true
  fi
}
trap stop_cluster EXIT

# The suites, in order: one line each.
suite setup bash scripts/setup.sh --no-demo
suite unit suite_unit
if [ -d "$promql_dir" ]; then
  suite promql suite_promql
else
  skip promql "no PromQL test scripts at $promql_dir (set TSDB_PROMQL_DIR)"
fi
suite asan suite_asan
suite regress suite_regress
suite pgtap suite_pgtap
suite sh suite_sh
if [ -f scripts/run_fuzz.sh ]; then
  suite fuzz bash scripts/run_fuzz.sh
else
  skip fuzz "no scripts/run_fuzz.sh"
fi

echo
printf '%-10s %-28s %8s\n' suite result seconds
for i in "${!names[@]}"; do
  printf '%-10s %-28s %8s\n' "${names[$i]}" "${results[$i]}" "${seconds[$i]}"
done
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
