#!/usr/bin/env bash
# Ingest benchmark on TSBS-like cpu data (../shared/bench/TSBS.md): loads the
# same generated rows with COPY ... FROM STDIN (FORMAT csv) into each target
# table, with 1 and 2 loading sessions, and prints a Markdown table of rows/s
# and bytes/row.
#
# Usage: scripts/bench_ingest.sh [--size XS|S|M|L] [--sessions "1 2"]
#                                [--targets "heap heap_wide_noindex"] [--repeat R] [--keep-db]
#                                [--copy-format csv|binary]
#   --size      generator size (default XS: 100 hosts x 1 day, 864K rows;
#               S: 1000 hosts x 1 day, 8.64M rows, a few minutes)
#   --sessions  session counts to run, each a separate load (default "1 2")
#   --targets   target tables, from the target_* functions below (default all)
#   --repeat    loads per target and session count; the table shows medians
#               (default 1; single loads of the heap vary by up to 2x here)
#   --copy-format  csv (default) or binary: COPY's format, the generator
#               writing it (binary skips text parsing of times and floats)
#   --keep-db   leave the database tsdb_bench (default: dropped at the end)
# Environment: BUILD_DIR (default build/release), JOBS (default 2).
#
# For each target and session count: recreate the target's tables, CHECKPOINT,
# note pg_database_size, then run N pipelines in parallel, each
#   tsdb_tsbs_generate --part k/N | psql -c 'COPY <table> FROM STDIN (FORMAT csv)'
# and time them together (wall clock, from the first start to the last end).
# Then the target's finish step (e.g. compression), CHECKPOINT, and bytes/row
# = growth of pg_database_size / rows; count(*) must equal the generated rows.
# The generator (and psql's parsing) run inside the timed load; "generator-only
# seconds" is the same N-way fan-out written to /dev/null, for reference.
#
# The database tsdb_bench lives in the throwaway cluster of scripts/cluster.sh;
# the cluster is started if needed and stopped again only if this script
# started it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

size=XS
sessions="1 2"
targets=""
keep_db=0
repeat=1
copy_format=csv
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=${2:?--size needs a value}; shift 2 ;;
    --sessions) sessions=${2:?--sessions needs a value}; shift 2 ;;
    --targets) targets=${2:?--targets needs a value}; shift 2 ;;
    --repeat) repeat=${2:?--repeat needs a value}; shift 2 ;;
    --keep-db) keep_db=1; shift ;;
    --copy-format) copy_format=${2:?--copy-format needs a value}; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
case "$copy_format" in
  csv) gen_format_flags=() ;;
  binary) gen_format_flags=(--binary) ;;
  *) die "unknown --copy-format $copy_format (expected csv or binary)" ;;
esac
case "$size" in
  XS | S | M | L) ;;
  *) die "unknown --size $size (expected XS, S, M or L)" ;;
esac
[[ $repeat =~ ^[1-9][0-9]*$ ]] || die "bad --repeat $repeat"
for n in $sessions; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "bad session count in --sessions: $n"
done

build_dir=${BUILD_DIR:-$root/build/release}
gen=$build_dir/tsdb_tsbs_generate
db=tsdb_bench
bindir=$("$(tsdb_pg_config)" --bindir)

# --- Targets ----------------------------------------------------------------
# A target is a function target_<name> taking one action:
#   create  drop and recreate its tables, empty, plus any side tables it needs
#           loaded (not counted in bytes/row)
#   format  print the generator --format its rows come in
#   table   print the table COPY loads
#   finish  run after the load, before sizes are taken (e.g. compression)
# Adding a target (tsdb's table access method) is adding one such function;
# --targets defaults to every target_* function defined here.

# TSBS's heap schema (bench/tsbs/schema_heap.sql): cpu with both indexes,
# tags loaded first.
target_heap() {
  case "$1" in
    create)
      psql_db -f bench/tsbs/schema_heap.sql
      "$gen" --size "$size" --format tags |
        psql_db -c "COPY tsbs_heap.tags FROM STDIN (FORMAT csv)"
      psql_db -c "SELECT setval(pg_get_serial_sequence('tsbs_heap.tags', 'id'), max(id)) FROM tsbs_heap.tags" \
        >/dev/null
      ;;
    format) echo heap ;;
    table) echo tsbs_heap.cpu ;;
    finish) ;;
  esac
}

# create_wide_table SCHEMA [USING ...]: the hostname-in-table form of cpu, in a fresh schema.
create_wide_table() {
  psql_db <<SQL
DROP SCHEMA IF EXISTS $1 CASCADE;
CREATE SCHEMA $1;
CREATE TABLE $1.cpu (
  time timestamptz,
  hostname text,
  usage_user float8,
  usage_system float8,
  usage_idle float8,
  usage_nice float8,
  usage_iowait float8,
  usage_irq float8,
  usage_softirq float8,
  usage_steal float8,
  usage_guest float8,
  usage_guest_nice float8
) ${2:-};
SQL
}

# The hostname-in-table form a tsdb table will use, as a plain heap without
# indexes: the bare heap reference.
target_heap_wide_noindex() {
  case "$1" in
    create) create_wide_table tsbs_heap_wide ;;
    format) echo wide ;;
    table) echo tsbs_heap_wide.cpu ;;
    finish) ;;
  esac
}

# The tsdb table (hostname-in-table form). COPY writes runs of rows per
# series straight into blocks; the finish step compresses whatever stayed
# hot and vacuums the hot store, so bytes/row is the compressed size.
target_tsdb() { tsdb_target tsbs_tsdb on "$1"; }

# The same with tsdb.write_blocks_directly off: COPY lands every row in the hot
# store and the finish step compresses them all (its speed goes to stderr:
# the compress figure of the README).
target_tsdb_hot() { tsdb_target tsbs_tsdb_hot off "$1"; }

# tsdb_target SCHEMA COPY_INTO_BLOCKS ACTION
tsdb_target() {
  case "$3" in
    create)
      create_tsdb_extension
      psql_db -c "ALTER DATABASE $db SET tsdb.write_blocks_directly = $2" >/dev/null
      create_wide_table "$1" "USING tsdb"
      ;;
    format) echo wide ;;
    table) echo "$1.cpu" ;;
    finish) compress_and_vacuum "$1.cpu" ;;
  esac
}

# The extension, with its shared internal relations compacted: rows of an
# earlier run's tables are dead there, and reusing their space would hide
# this run's growth.
create_tsdb_extension() {
  psql_db -c "CREATE EXTENSION IF NOT EXISTS tsdb" >/dev/null
  psql_db -c "DROP SCHEMA IF EXISTS tsbs_tsdb CASCADE" -c "DROP SCHEMA IF EXISTS tsbs_tsdb_hot CASCADE" \
    -c "VACUUM FULL tsdb_internal.hot_rows" -c "VACUUM FULL tsdb_internal.blocks" >/dev/null
}

compress_and_vacuum() {
  local start moved seconds
  start=$(now_us)
  moved=$(query "SELECT tsdb.compress('$1')")
  seconds=$(awk -v us=$(($(now_us) - start)) 'BEGIN { printf "%.2f", us / 1e6 }')
  note "tsdb.compress: $moved rows in $seconds s ($(awk -v n="$moved" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }') rows/s)"
  psql_db -c "VACUUM tsdb_internal.hot_rows" >/dev/null
}

if [ -z "$targets" ]; then
  targets=$(declare -F | sed -n 's/^declare -f target_//p' | tr '\n' ' ')
fi
for t in $targets; do
  declare -F "target_$t" >/dev/null || die "unknown target: $t (defined: $(declare -F | sed -n 's/^declare -f target_//p' | tr '\n' ' '))"
done

# --- Helpers ----------------------------------------------------------------
query() { psql_db -A -t -c "$1"; }

# Microseconds since the epoch ($EPOCHREALTIME's separator follows the locale).
now_us() { echo "${EPOCHREALTIME//[.,]/}"; }

# fan_out N SQL COMMAND...: runs "COMMAND --part k/N" for k in 0..N-1 in
# parallel, each piped into psql running SQL (a COPY ... FROM STDIN), or into
# /dev/null when SQL is empty; fails if any of them fails.
fan_out() {
  local n=$1 sink=$2 k pid failed=0
  shift 2
  local pids=()
  for ((k = 0; k < n; k++)); do
    if [ -n "$sink" ]; then
      "$@" --part "$k/$n" | psql_db -c "$sink" &
    else
      "$@" --part "$k/$n" >/dev/null &
    fi
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
  done
  return "$failed"
}

seconds() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1e6 }'; }

# --- Set-up and clean-up ------------------------------------------------------
bench_setup

psql_at -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null

# --- Runs ---------------------------------------------------------------------
# run_once TARGET N: one generator-only fan-out and one load; sets gen_us,
# load_us and grow (bytes).
run_once() {
  local t=$1 n=$2 format table rows count size0 size1 t0
  format=$("target_$t" format)
  table=$("target_$t" table)
  rows=$("$gen" --size "$size" --format "$format" --count)

  t0=$(now_us)
  fan_out "$n" "" "$gen" --size "$size" --format "$format" "${gen_format_flags[@]}" ||
    die "$t: generator failed"
  gen_us=$(($(now_us) - t0))

  "target_$t" create
  query "CHECKPOINT" >/dev/null
  size0=$(query "SELECT pg_database_size(current_database())")
  t0=$(now_us)
  fan_out "$n" "COPY $table FROM STDIN (FORMAT $copy_format)" "$gen" --size "$size" --format "$format" \
    "${gen_format_flags[@]}" ||
    die "$t: load with $n session(s) failed"
  load_us=$(($(now_us) - t0))
  "target_$t" finish
  query "CHECKPOINT" >/dev/null
  size1=$(query "SELECT pg_database_size(current_database())")
  grow=$((size1 - size0))

  count=$(query "SELECT count(*) FROM $table")
  [ "$count" -eq "$rows" ] || die "$t, $n session(s): count(*) is $count, generated $rows rows"
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

results=()
for t in $targets; do
  rows=$("$gen" --size "$size" --format "$("target_$t" format)" --count)
  for n in $sessions; do
    loads=() gens=() grows=()
    for ((r = 1; r <= repeat; r++)); do
      note "$t, $n session(s), run $r/$repeat: $rows rows into $("target_$t" table)"
      run_once "$t" "$n"
      loads+=("$load_us") gens+=("$gen_us") grows+=("$grow")
      note "$t, $n session(s), run $r/$repeat: $(seconds "$load_us") s," \
        "$(awk -v g="$grow" -v r="$rows" 'BEGIN { printf "%.1f", g / r }') bytes/row," \
        "generator alone $(seconds "$gen_us") s"
    done
    results+=("$(awk -v t="$t" -v n="$n" -v rows="$rows" -v us="$(median "${loads[@]}")" \
      -v gus="$(median "${gens[@]}")" -v grow="$(median "${grows[@]}")" 'BEGIN {
        printf "| %s | %d | %d | %.2f | %.0f | %.1f | %.2f |", t, n, rows, us / 1e6,
               rows / (us / 1e6), grow / rows, gus / 1e6 }')")
  done
done

# --- Report -------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo
echo "TSBS cpu-only ingest, size $size (seed 1), $(date -u +%Y-%m-%dT%H:%M:%SZ);" \
  "$(nproc) CPUs ($cpu); $(query "SHOW server_version")."
echo "COPY ... FROM STDIN (FORMAT $copy_format) through psql, N sessions loading disjoint host sets in parallel;" \
  "seconds are wall clock with the generator running inside the pipeline."
echo "Median of $repeat run(s) per row of the table." \
  "bytes/row: growth of pg_database_size after the load (and the target's finish step) and a CHECKPOINT."
echo
echo "| target | sessions | rows | seconds | rows/s | bytes/row | generator-only seconds |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${results[@]}"
