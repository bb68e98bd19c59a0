#!/usr/bin/env bash
# Query benchmark on TSBS-like cpu data (../shared/bench/TSBS.md): loads the
# same generated rows into a heap and a tsdb table, each in two forms, runs
# instances of the 15 cpu-only query types against all of them, checks that
# heap and tsdb return identical results, and prints a Markdown table of
# median latencies.
#
# Usage: scripts/bench_queries.sh [--size XS|S|M|L] [--instances N] [--seed S]
#                                 [--runs R] [--types "lastpoint high-cpu-1"]
#                                 [--forms tags|wide|both] [--reuse] [--keep-db]
#   --size       generator size (default XS: 100 hosts x 1 day, 864K rows;
#                S: 1000 hosts, 8.64M rows; M: 4000 hosts, 34.56M rows;
#                loading S or M takes minutes, see --reuse)
#   --instances  query instances per type (default 10)
#   --seed       seed of the instances' random hosts and windows (default 1):
#                the same seed gives the same queries, whatever --types picks
#   --runs       timed executions per instance and table after the warm-up
#                (default 1); medians are over instances x runs
#   --types      query types to run (default all 15, in TSBS.md's order)
#   --forms      tags: TSBS's schema, a tags table and cpu(time, tags_id, ...);
#                wide: the hostname in the table, cpu(time, hostname, ...);
#                both (default)
#   --reuse      keep using the database of an earlier --reuse or --keep-db
#                run when it holds data of this --size (else load it anew);
#                implies --keep-db
#   --keep-db    leave the database tsdb_bench_q (default: dropped at the end)
# Environment: BUILD_DIR (default build/release), JOBS (default 2),
#              TSDB_PORT (the cluster's port, as for scripts/cluster.sh).
#
# Tables (database tsdb_bench_q, CREATE EXTENSION tsdb):
#   tags form  tsbs_heap.{tags,cpu}       bench/tsbs/schema_heap.sql, indexes
#                                         cpu(tags_id, time DESC), cpu(time DESC)
#              tsbs_tsdb_tags.{tags,cpu}  bench/tsbs/schema_tsdb_tags.sql: tags
#                                         a heap, cpu USING tsdb, series key tags_id
#   wide form  tsbs_heap_wide.cpu         bench/tsbs/schema_wide.sql, indexes
#                                         (hostname, time DESC), (time DESC)
#              tsbs_tsdb_wide.cpu         USING tsdb, default layout
# Loading: the generator piped into COPY, heap and tsdb of a form in
# parallel; then tsdb.compress() of both tsdb tables (what stayed in the hot
# store), VACUUM ANALYZE, and count(*) of each cpu table must equal the
# generated rows.
#
# Queries: written as TSBS writes them for TimescaleDB, with host filters
# `tags_id IN (SELECT id FROM tags WHERE hostname IN (...))` in the tags form
# and `hostname IN (...)` in the wide form, unqualified table names (the
# search_path picks the schema, so heap and tsdb run the same text), and an
# ORDER BY that fixes the order of every result. Windows start uniformly
# within the data's time range (whole seconds, not bucket aligned). Buckets
# are date_trunc() until tsdb has time_bucket(): see bucket() below.
#
# For each instance and form: the query runs once through psql on the heap
# and on the tsdb table (the warm-up); the two outputs must be identical,
# and, where the forms return the same columns, identical to the other
# form's. Then bench/tsbs/bench_queries.sql's bench_q.time_queries runs it
# --runs times on each, interleaved heap, tsdb, heap, tsdb, timing each
# execution inside the server. Any mismatch prints the query and a diff, and
# the script exits 1 after the table.
#
# The database lives in the throwaway cluster of scripts/cluster.sh; the
# cluster is started if needed and stopped again only if this script started
# it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

all_types="single-groupby-1-1-1 single-groupby-1-1-12 single-groupby-1-8-1
single-groupby-5-1-1 single-groupby-5-1-12 single-groupby-5-8-1 cpu-max-all-1 cpu-max-all-8
double-groupby-1 double-groupby-5 double-groupby-all high-cpu-1 high-cpu-all lastpoint
groupby-orderby-limit"
all_types=$(tr -s '\n' ' ' <<<"$all_types")  # one line

printf -v cmdline ' %q' "$@"
cmdline="scripts/bench_queries.sh$cmdline"

size=XS
instances=10
seed=1
runs=1
types=$all_types
forms_arg=both
reuse=0
keep_db=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=${2:?--size needs a value}; shift 2 ;;
    --instances) instances=${2:?--instances needs a value}; shift 2 ;;
    --seed) seed=${2:?--seed needs a value}; shift 2 ;;
    --runs) runs=${2:?--runs needs a value}; shift 2 ;;
    --types) types=${2:?--types needs a value}; shift 2 ;;
    --forms) forms_arg=${2:?--forms needs a value}; shift 2 ;;
    --reuse) reuse=1; keep_db=1; shift ;;
    --keep-db) keep_db=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
case "$size" in
  XS | S | M | L) ;;
  *) die "unknown --size $size (expected XS, S, M or L)" ;;
esac
case "$forms_arg" in
  tags | wide) forms=$forms_arg ;;
  both) forms="tags wide" ;;
  *) die "unknown --forms $forms_arg (expected tags, wide or both)" ;;
esac
[[ $instances =~ ^[1-9][0-9]*$ ]] || die "bad --instances $instances"
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "bad --runs $runs"
[[ $seed =~ ^[0-9]{1,9}$ ]] || die "bad --seed $seed (expected 0 to 999999999)"
seed=$((10#$seed))
for t in $types; do
  [[ " $all_types " == *" $t "* ]] || die "unknown query type: $t (known: $all_types)"
done

build_dir=${BUILD_DIR:-$root/build/release}
gen=$build_dir/tsdb_tsbs_generate
db=tsdb_bench_q
bindir=$("$(tsdb_pg_config)" --bindir)
out_dir=$root/tmp/bench_queries
# Times and date_trunc's buckets in UTC, whatever the server's default.
export PGTZ=UTC

# The tables of each form: heap first, tsdb second (time_queries' targets 1, 2).
declare -A heap_schema=([tags]=tsbs_heap [wide]=tsbs_heap_wide)
declare -A tsdb_schema=([tags]=tsbs_tsdb_tags [wide]=tsbs_tsdb_wide)

fields=(usage_user usage_system usage_idle usage_nice usage_iowait usage_irq usage_softirq usage_steal
  usage_guest usage_guest_nice)

# --- Helpers ----------------------------------------------------------------
query() { psql_db -A -t -c "$1"; }

now_us() { echo "${EPOCHREALTIME//[.,]/}"; }
seconds() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1e6 }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# --- Set-up and clean-up ------------------------------------------------------
bench_setup

rm -rf "$out_dir"
mkdir -p "$out_dir"
t_start=$(now_us)

# --- Loading ------------------------------------------------------------------
# load_pair FORMAT HEAP_TABLE TSDB_TABLE: the generator's rows into both
# tables, the two COPYs in parallel.
load_pair() {
  local format=$1 pids=() pid failed=0 table
  for table in "$2" "$3"; do
    "$gen" --size "$size" --format "$format" | psql_db -c "COPY $table FROM STDIN (FORMAT csv)" &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
  done
  [ "$failed" -eq 0 ] || die "loading $2 and $3 failed"
}

load() {
  local rows_tags rows_wide t0 table want count
  psql_at -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  psql_db -c "CREATE EXTENSION tsdb"
  psql_db -f bench/tsbs/schema_heap.sql
  psql_db -f bench/tsbs/schema_tsdb_tags.sql >/dev/null
  psql_db -f bench/tsbs/schema_wide.sql
  rows_tags=$("$gen" --size "$size" --format heap --count)
  rows_wide=$("$gen" --size "$size" --format wide --count)

  t0=$(now_us)
  note "loading the tags form: $rows_tags rows into tsbs_heap.cpu and tsbs_tsdb_tags.cpu"
  for table in tsbs_heap.tags tsbs_tsdb_tags.tags; do
    "$gen" --size "$size" --format tags | psql_db -c "COPY $table FROM STDIN (FORMAT csv)"
  done
  psql_db -c "SELECT setval(pg_get_serial_sequence('tsbs_heap.tags', 'id'), max(id)) FROM tsbs_heap.tags" \
    >/dev/null
  load_pair heap tsbs_heap.cpu tsbs_tsdb_tags.cpu
  note "loading the wide form: $rows_wide rows into tsbs_heap_wide.cpu and tsbs_tsdb_wide.cpu"
  load_pair wide tsbs_heap_wide.cpu tsbs_tsdb_wide.cpu
  note "loaded in $(seconds $(($(now_us) - t0))) s"

  t0=$(now_us)
  for table in tsbs_tsdb_tags.cpu tsbs_tsdb_wide.cpu; do
    note "tsdb.compress('$table'): $(query "SELECT tsdb.compress('$table')") rows moved from the hot store"
  done
  query "VACUUM ANALYZE" >/dev/null
  note "compressed and vacuumed in $(seconds $(($(now_us) - t0))) s"

  for table in tsbs_heap.cpu tsbs_tsdb_tags.cpu tsbs_heap_wide.cpu tsbs_tsdb_wide.cpu; do
    want=$rows_tags
    [[ $table == *_wide.cpu ]] && want=$rows_wide
    count=$(query "SELECT count(*) FROM $table")
    [ "$count" -eq "$want" ] || die "$table: count(*) is $count, generated $want rows"
  done
  psql_db -c "CREATE SCHEMA bench_q" \
    -c "CREATE TABLE bench_q.loaded AS SELECT '$size'::text AS size, now() AS loaded_at"
}

loaded_size() {
  if [ "$(psql_at -d postgres -A -t -c "SELECT count(*) FROM pg_database WHERE datname = '$db'")" = 1 ]; then
    query "SELECT size FROM bench_q.loaded" 2>/dev/null || true
  fi
}

if [ "$reuse" -eq 1 ] && [ "$(loaded_size)" = "$size" ]; then
  note "reusing the data of size $size in database $db"
else
  load
fi
psql_db -f bench/tsbs/bench_queries.sql

# --- Query instances ------------------------------------------------------------
# Time bucketing, the single place to change once tsdb has time_bucket():
# date_trunc('minute' | 'hour', time) gives the same buckets as
# time_bucket('1 minute' | '1 hour', time), which TSBS uses; then write
#   bucket() { echo "time_bucket('1 $1', time)"; }
bucket() { echo "time_bucket('1 $1', time)"; }

mapfile -t hostnames < <(query "SELECT hostname FROM ${heap_schema[tags]}.tags ORDER BY id")
for h in "${hostnames[@]}"; do
  [[ $h =~ ^host_[0-9]+$ ]] || die "unexpected hostname in the tags table: $h"
done
n_hosts=${#hostnames[@]}
# The data's time range [t_min, t_end) in epoch seconds (rows every 10 s).
read -r t_min t_end < <(query "SELECT extract(epoch FROM min(time))::bigint, extract(epoch FROM max(time))::bigint + 10
  FROM ${heap_schema[tags]}.cpu" | tr '|' ' ')
note "$n_hosts hosts, $(((t_end - t_min) / 3600)) h of data"

# A 64-bit LCG in shell arithmetic (reproducible everywhere, unlike $RANDOM),
# seeded per --seed and query type, so a type's instances do not depend on
# which other types run. rand_below N sets r to a uniform integer in [0, N).
rng=0
rng_seed() {
  rng=$((($1 * 1000003 + $2) * 2654435761 + 1))
  rand_below 2
  rand_below 2
}
rand_below() {
  rng=$((rng * 6364136223846793005 + 1442695040888963407))
  r=$((((rng >> 33) & 0x7fffffff) % $1))
}

# Instance parameters, set by draw_hosts and draw_window.
host_list=""  # 'host_3', 'host_17'
w_start=""    # '2016-01-01 05:17:43+00'
w_end=""

# draw_hosts H: H distinct random hosts.
draw_hosts() {
  local -A picked=()
  local n=0
  [ "$1" -le "$n_hosts" ] || die "$1 hosts wanted, the data has $n_hosts"
  host_list=""
  while [ "$n" -lt "$1" ]; do
    rand_below "$n_hosts"
    [ -n "${picked[$r]:-}" ] && continue
    picked[$r]=1
    host_list+="${host_list:+, }'${hostnames[$r]}'"
    n=$((n + 1))
  done
}

timestamp() { TZ=UTC printf "'%(%Y-%m-%d %H:%M:%S)T+00'" "$1"; }

# draw_window HOURS: a window of HOURS starting uniformly within the data.
draw_window() {
  local len=$(($1 * 3600))
  [ "$len" -le $((t_end - t_min)) ] || die "a $1 h window does not fit the data"
  rand_below $((t_end - t_min - len + 1))
  w_start=$(timestamp $((t_min + r)))
  w_end=$(timestamp $((t_min + r + len)))
}

# draw_end: w_end uniformly within the data (groupby-orderby-limit).
draw_end() {
  rand_below $((t_end - t_min + 1))
  w_end=$(timestamp $((t_min + r)))
}

# draw_instance TYPE: the random parameters of one instance of TYPE.
draw_instance() {
  case "$1" in
    single-groupby-*)
      local spec=${1#single-groupby-}
      draw_hosts "$(echo "$spec" | cut -d- -f2)"
      draw_window "$(echo "$spec" | cut -d- -f3)"
      ;;
    cpu-max-all-*) draw_hosts "${1#cpu-max-all-}"; draw_window 8 ;;
    double-groupby-*) draw_window 12 ;;
    high-cpu-1) draw_hosts 1; draw_window 12 ;;
    high-cpu-all) draw_window 12 ;;
    lastpoint) ;;
    groupby-orderby-limit) draw_end ;;
  esac
}

# select_list FUNC PREFIX K: "FUNC(f) AS PREFIX_f, ..." over the first K fields.
select_list() {
  local i s=""
  for ((i = 0; i < $3; i++)); do
    s+="${s:+, }$1(${fields[$i]}) AS $2_${fields[$i]}"
  done
  echo "$s"
}

# host_filter FORM: the instance's hosts as a WHERE condition.
host_filter() {
  if [ "$1" = tags ]; then
    echo "tags_id IN (SELECT id FROM tags WHERE hostname IN ($host_list))"
  else
    echo "hostname IN ($host_list)"
  fi
}

# Whether TYPE returns the same columns (and order) in both forms, so that
# the two forms' results must be identical too.
same_in_both_forms() {
  case "$1" in
    high-cpu-*) return 1 ;;  # SELECT *: tags_id and additional_tags vs hostname
    *) return 0 ;;
  esac
}

# query_sql TYPE FORM: the SQL of the drawn instance.
query_sql() {
  local type=$1 form=$2 metrics
  case "$type" in
    single-groupby-*)
      metrics=$(echo "${type#single-groupby-}" | cut -d- -f1)
      echo "SELECT $(bucket minute) AS minute, $(select_list max max "$metrics") FROM cpu" \
        "WHERE $(host_filter "$form") AND time >= $w_start AND time < $w_end" \
        "GROUP BY minute ORDER BY minute"
      ;;
    cpu-max-all-*)
      echo "SELECT $(bucket hour) AS hour, $(select_list max max 10) FROM cpu" \
        "WHERE $(host_filter "$form") AND time >= $w_start AND time < $w_end" \
        "GROUP BY hour ORDER BY hour"
      ;;
    double-groupby-*)
      metrics=${type#double-groupby-}
      [ "$metrics" = all ] && metrics=10
      if [ "$form" = tags ]; then
        local means="" i
        for ((i = 0; i < metrics; i++)); do
          means+=", mean_${fields[$i]}"
        done
        echo "WITH cpu_avg AS (SELECT $(bucket hour) AS hour, tags_id, $(select_list avg mean "$metrics")" \
          "FROM cpu WHERE time >= $w_start AND time < $w_end GROUP BY hour, tags_id)" \
          "SELECT hour, tags.hostname$means FROM cpu_avg JOIN tags ON cpu_avg.tags_id = tags.id" \
          "ORDER BY hour, tags.hostname"
      else
        echo "SELECT $(bucket hour) AS hour, hostname, $(select_list avg mean "$metrics") FROM cpu" \
          "WHERE time >= $w_start AND time < $w_end GROUP BY hour, hostname ORDER BY hour, hostname"
      fi
      ;;
    high-cpu-*)
      local hosts="" order=hostname
      [ "$type" = high-cpu-1 ] && hosts=" AND $(host_filter "$form")"
      [ "$form" = tags ] && order=tags_id
      echo "SELECT * FROM cpu WHERE usage_user > 90.0 AND time >= $w_start AND time < $w_end$hosts" \
        "ORDER BY time, $order"
      ;;
    lastpoint)
      # The latest row per host, one index probe per host on the heap: over
      # the tags table in the tags form, over the list of all hosts in the
      # wide form (which has no table of hosts).
      local cols
      cols=$(printf ', c.%s' time "${fields[@]}")
      if [ "$form" = tags ]; then
        echo "SELECT t.hostname$cols FROM tags t CROSS JOIN LATERAL" \
          "(SELECT * FROM cpu WHERE cpu.tags_id = t.id ORDER BY time DESC LIMIT 1) c ORDER BY t.hostname"
      else
        local all
        all=$(printf ", '%s'" "${hostnames[@]}")
        echo "SELECT c.hostname$cols FROM unnest(ARRAY[${all#, }]) AS h(hostname) CROSS JOIN LATERAL" \
          "(SELECT * FROM cpu WHERE cpu.hostname = h.hostname ORDER BY time DESC LIMIT 1) c ORDER BY c.hostname"
      fi
      ;;
    groupby-orderby-limit)
      echo "SELECT $(bucket minute) AS minute, max(usage_user) AS max_usage_user FROM cpu" \
        "WHERE time < $w_end GROUP BY minute ORDER BY minute DESC LIMIT 5"
      ;;
  esac
}

# --- Runs -------------------------------------------------------------------------
mismatches=0
declare -A mismatched=()  # "type form" -> 1

# result SCHEMA SQL FILE: the query's rows as psql prints them (unaligned).
result() {
  psql_db -A -t -v sql="$2" >"$3" <<SQL
SET search_path = $1, public;
:sql;
SQL
}

# must_match WHAT FILE_A FILE_B SQL KEY...: records a mismatch when the
# outputs differ, for the table rows KEY... ("type form").
must_match() {
  local key
  if ! cmp -s "$2" "$3"; then
    mismatches=$((mismatches + 1))
    for key in "${@:5}"; do
      mismatched[$key]=1
    done
    {
      echo "MISMATCH ($1): $(md5sum <"$2" | cut -c1-32) $(wc -l <"$2") rows vs" \
        "$(md5sum <"$3" | cut -c1-32) $(wc -l <"$3") rows"
      echo "query: $4"
      diff "$2" "$3" | head -n 20 || true
    } >&2
  fi
}

type_index=0
for type in $all_types; do
  type_index=$((type_index + 1))
  [[ " $types " == *" $type "* ]] || continue
  rng_seed "$seed" "$type_index"
  t0=$(now_us)
  for ((i = 1; i <= instances; i++)); do
    draw_instance "$type"
    for form in $forms; do
      sql=$(query_sql "$type" "$form")
      heap=${heap_schema[$form]}
      tsdb=${tsdb_schema[$form]}
      base=$out_dir/$type.$i.$form
      echo "$sql" >"$base.sql"
      # Warm-up and check.
      result "$heap" "$sql" "$base.heap"
      result "$tsdb" "$sql" "$base.tsdb"
      must_match "$type #$i, $form form: heap vs tsdb" "$base.heap" "$base.tsdb" "$sql" "$type $form"
      # Timed: heap, tsdb, heap, tsdb, ...
      psql_db -A -t -F ' ' -v sql="$sql" >>"$out_dir/$type.$form.ms" <<SQL
SELECT CASE target WHEN 1 THEN 'heap' ELSE 'tsdb' END, ms
FROM bench_q.time_queries(ARRAY['$heap', '$tsdb'], :'sql', $runs);
SQL
      wc -l <"$base.heap" >>"$out_dir/$type.$form.rows"
    done
    if [ "$forms" = "tags wide" ] && same_in_both_forms "$type"; then
      must_match "$type #$i: tags form vs wide form (heap)" "$out_dir/$type.$i.tags.heap" \
        "$out_dir/$type.$i.wide.heap" "$(cat "$out_dir/$type.$i.wide.sql")" "$type tags" "$type wide"
    fi
  done
  note "$type: $instances instance(s) in $(seconds $(($(now_us) - t0))) s"
done

# --- Report -------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo
echo "\`$cmdline\`"
echo
echo "TSBS cpu-only queries, size $size ($n_hosts hosts, $(((t_end - t_min) / 3600)) h)," \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ); $(nproc) CPUs ($cpu); $(query "SHOW server_version")."
echo "Median ms over $instances instance(s) x $runs run(s) per table, timed inside the server" \
  "(parse, plan, execute, results discarded) after a warm-up run; heap and tsdb interleaved." \
  "heap/tsdb > 1: tsdb is faster. Rows: median result rows."
echo "Buckets: $(bucket minute) / $(bucket hour)."
if [ "$mismatches" -eq 0 ]; then
  echo "Every result identical between heap and tsdb (and between the forms where the columns agree)."
else
  echo "**$mismatches result mismatch(es)**: see stderr."
fi
echo
echo "| query type | form | heap ms | tsdb ms | heap/tsdb | rows |"
echo "|---|---|---:|---:|---:|---:|"
for type in $all_types; do
  [[ " $types " == *" $type "* ]] || continue
  for form in $forms; do
    mapfile -t heap_ms < <(awk '$1 == "heap" { print $2 }' "$out_dir/$type.$form.ms")
    mapfile -t tsdb_ms < <(awk '$1 == "tsdb" { print $2 }' "$out_dir/$type.$form.ms")
    mapfile -t rows < <(cat "$out_dir/$type.$form.rows")
    flag=""
    [ -n "${mismatched[$type $form]:-}" ] && flag=" **MISMATCH**"
    awk -v t="$type$flag" -v f="$form" -v h="$(median "${heap_ms[@]}")" -v d="$(median "${tsdb_ms[@]}")" \
      -v r="$(median "${rows[@]}")" 'BEGIN {
        printf "| %s | %s | %.2f | %.2f | %.3g | %d |\n", t, f, h, d, (d > 0 ? h / d : 0), r }'
  done
done
note "total $(seconds $(($(now_us) - t_start))) s"
[ "$mismatches" -eq 0 ] || die "$mismatches result mismatch(es) between heap and tsdb or between forms"
