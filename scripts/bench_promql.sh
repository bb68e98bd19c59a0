#!/usr/bin/env bash
# PromQL benchmark: tsdb's PromQL engine against Prometheus 2.42 on the same
# TSBS-like data as Prometheus series (../shared/bench/TSBS.md), both queried
# in the same run. Prints a Markdown table of median latencies, their ratio
# (tsdb / Prometheus) and milliseconds per million samples read, after
# checking that both return the same series and values.
#
# Usage: scripts/bench_promql.sh [--size XS|S|M|L | --hosts N --hours H] [--seed S]
#                                [--runs R] [--only TEXT] [--metrics-hosts N]
#                                [--port P] [--reuse] [--keep-db]
#   --size      generator size (default XS: 100 hosts x 1 day; S is 1000
#               hosts); --hosts and --hours override either half
#   --seed      the generator's seed (default 1)
#   --runs      timed executions per query and side after the warm-up
#               (default 5); the table shows medians
#   --only      run only the queries whose label contains TEXT
#   --metrics-hosts  hosts whose samples are also loaded through the view
#               tsdb.metrics, in a transaction that is rolled back, to time
#               that path (default 10; 0 skips it)
#   --port      Prometheus's port on 127.0.0.1 (default 19090)
#   --reuse     keep the database and the Prometheus blocks of an earlier
#               --reuse or --keep-db run when they hold this data (else load
#               anew); implies --keep-db
#   --keep-db   leave the database tsdb_bench_promql and the Prometheus data
#               in tmp/bench_promql (default: both removed at the end)
# Environment: BUILD_DIR (default build/release), JOBS (default 2). When
#   PGHOST and PGPORT name a running server (eval "$(scripts/cluster.sh env)"
#   of any checkout), that server is used as it is; else the throwaway
#   cluster of this checkout's scripts/cluster.sh, started if needed and
#   stopped again only if this script started it. The tsdb extension
#   installed there is what is measured (nothing is built or installed here
#   but the generator).
#
# Data (bench/tsbs/tsbs_generate.cc, --format openmetrics|metrics|samples):
# per host 11 series, the 10 TSBS cpu fields as gauges cpu_usage_user ..
# cpu_usage_guest_nice and the counter cpu_usage_user_total (the running sum
# of cpu_usage_user, for rate); labels hostname and the 9 TSBS tags; a sample
# every 10 s from 2016-01-01T00:00:00Z. XS: 1,100 series, 9,504,000 samples
# (8,640,000 of them the gauges).
#
# Loading tsdb (database tsdb_bench_promql, CREATE EXTENSION tsdb): the first
# sample of every series through COPY tsdb.metrics, which creates the series
# in tsdb.prom_series / tsdb.prom_labels; their ids read back from
# tsdb.prom_series_labels; the other samples by COPY tsdb.prom_samples FROM
# STDIN (FORMAT binary), series by series, two sessions over disjoint hosts;
# then tsdb.compress() of what stayed in the hot store and VACUUM ANALYZE;
# count(*) must equal the generated samples.
# Loading Prometheus: the generator's OpenMetrics text into `promtool tsdb
# create-blocks-from openmetrics` (2 h blocks); then Prometheus starts on
# them (no scrape targets, retention 100y, --query.max-samples 1e9) and the
# script waits for its first compaction pass (a minute after start, merging
# the 2 h blocks as a running Prometheus would have), so that no compaction
# runs while queries are timed.
#
# Queries (bench/tsbs/bench_promql.py): rate, sum by (hostname) (rate),
# max_over_time, avg_over_time and avg by (region), instant and as range
# queries over 1, 12 and 24 h with a 60 s step, every evaluation 5.5 s after
# a sample (off the 10 s grid: Prometheus 2.42's closed windows select what
# 3.0's left-open ones do). Each side's first execution fetches the result
# for the comparison (same label sets, timestamps and values within a
# relative 1e-9); then --runs executions each, timed by the client: curl's
# time_total (POST to the HTTP API, body discarded) and psql's \timing of
# SELECT * FROM tsdb.promql_query[_range](...) (all rows fetched,
# discarded; one session per query, its first execution untimed). A
# mismatch or an error marks its row and makes the script exit 1 after the
# table. On data shorter than a rate range query's span, its first step
# moves up so that no rate window starts before the data: there 2.42's
# extrapolation (zero point before the half-interval rule) differs from
# 2.51+ and tsdb's (prometheus#13725).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

cmdline=scripts/bench_promql.sh
[ $# -eq 0 ] || printf -v cmdline '%s%s' "$cmdline" "$(printf ' %q' "$@")"

size=XS
hosts=""
hours=""
seed=1
runs=5
only=""
metrics_hosts=10
port=19090
reuse=0
keep_db=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=${2:?--size needs a value}; shift 2 ;;
    --hosts) hosts=${2:?--hosts needs a value}; shift 2 ;;
    --hours) hours=${2:?--hours needs a value}; shift 2 ;;
    --seed) seed=${2:?--seed needs a value}; shift 2 ;;
    --runs) runs=${2:?--runs needs a value}; shift 2 ;;
    --only) only=${2:?--only needs a value}; shift 2 ;;
    --metrics-hosts) metrics_hosts=${2:?--metrics-hosts needs a value}; shift 2 ;;
    --port) port=${2:?--port needs a value}; shift 2 ;;
    --reuse) reuse=1; keep_db=1; shift ;;
    --keep-db) keep_db=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
case "$size" in
  XS) def_hosts=100 def_hours=24 ;;
  S) def_hosts=1000 def_hours=24 ;;
  M) def_hosts=4000 def_hours=24 ;;
  L) def_hosts=4000 def_hours=72 ;;
  *) die "unknown --size $size (expected XS, S, M or L)" ;;
esac
hosts=${hosts:-$def_hosts}
hours=${hours:-$def_hours}
[[ $hosts =~ ^[1-9][0-9]*$ ]] || die "bad --hosts $hosts"
[[ $hours =~ ^[1-9][0-9]*$ ]] || die "bad --hours $hours"
[[ $seed =~ ^[0-9]{1,9}$ ]] || die "bad --seed $seed (expected 0 to 999999999)"
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "bad --runs $runs"
[[ $metrics_hosts =~ ^[0-9]+$ ]] || die "bad --metrics-hosts $metrics_hosts"
[[ $port =~ ^[1-9][0-9]*$ ]] || die "bad --port $port"
[ "$metrics_hosts" -le "$hosts" ] || metrics_hosts=$hosts
for tool in prometheus promtool curl python3; do
  command -v "$tool" >/dev/null ||
    die "$tool not found: run scripts/setup.sh (it installs the Debian package prometheus)"
done

build_dir=${BUILD_DIR:-$root/build/release}
gen=$build_dir/tsdb_tsbs_generate
db=tsdb_bench_promql
bindir=$("$(tsdb_pg_config)" --bindir)
export PATH=$bindir:$PATH  # bench_promql.py runs psql
work=$root/tmp/bench_promql
data_key="hosts=$hosts hours=$hours seed=$seed"
prom_dir=$work/prometheus
prom_url=http://127.0.0.1:$port
gen_args=(--hosts "$hosts" --hours "$hours" --seed "$seed")
export PGTZ=UTC

now_us() { echo "${EPOCHREALTIME//[.,]/}"; }
seconds() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1e6 }'; }
query() { psql_db -A -t -c "$1"; }

# --- Set-up and clean-up --------------------------------------------------------
prom_pid=""
started_cluster=0
cleanup() {
  local pids
  pids=$(jobs -p)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086  # one pid per word
    kill $pids 2>/dev/null || true
  fi
  if [ -n "$prom_pid" ]; then
    kill "$prom_pid" 2>/dev/null || true
    wait "$prom_pid" 2>/dev/null || true
  fi
  if [ "$keep_db" -eq 0 ]; then
    psql_at -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    rm -rf "$prom_dir"
  fi
  if [ "$started_cluster" -eq 1 ]; then
    scripts/cluster.sh stop >&2 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

note "building $gen"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" -j"${JOBS:-2}" --target tsdb_tsbs_generate >/dev/null

if [ -n "${PGHOST:-}" ] && [ -n "${PGPORT:-}" ] && "$bindir/pg_isready" -q; then
  note "using the server at $PGHOST port $PGPORT"
else
  if ! scripts/cluster.sh status >/dev/null 2>&1; then
    scripts/cluster.sh start >&2
    started_cluster=1
  fi
  eval "$(scripts/cluster.sh env)"
fi
if curl -s -o /dev/null "$prom_url/"; then
  die "something already listens on port $port: choose another with --port"
fi
mkdir -p "$work"
t_start=$(now_us)

# --- Loading tsdb -------------------------------------------------------------------
samples=$("$gen" "${gen_args[@]}" --format openmetrics --count)

db_data() {
  if [ "$(psql_at -d postgres -A -t -c "SELECT count(*) FROM pg_database WHERE datname = '$db'")" = 1 ]; then
    query "SELECT data FROM bench_promql.loaded" 2>/dev/null || true
  fi
}

# load_part K N: samples of every series but the first of hosts K mod N.
load_part() {
  "$gen" "${gen_args[@]}" --part "$1/$2" --format samples --ticks rest --series-ids "$work/series_ids" |
    psql_db -c "COPY tsdb.prom_samples FROM STDIN (FORMAT binary)"
}

load_tsdb() {
  local t0 t1 pids=() pid failed=0 count n
  psql_at -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  psql_db -c "CREATE EXTENSION tsdb"

  if [ "$metrics_hosts" -gt 0 ]; then
    n=$("$gen" --hosts "$metrics_hosts" --hours "$hours" --seed "$seed" --format metrics --count)
    note "side figure: $n samples of $metrics_hosts host(s) through COPY tsdb.metrics (rolled back)"
    t0=$(now_us)
    { echo "BEGIN;"
      echo "COPY tsdb.metrics FROM STDIN;"
      "$gen" --hosts "$metrics_hosts" --hours "$hours" --seed "$seed" --format metrics
      printf '\\.\nROLLBACK;\n'
    } | psql_db
    t1=$(now_us)
    metrics_rate=$(awk -v n="$n" -v us=$((t1 - t0)) 'BEGIN { printf "%.0f", n / (us / 1e6) }')
    note "tsdb.metrics: $(seconds $((t1 - t0))) s, $metrics_rate samples/s"
  fi

  note "loading tsdb: $samples samples of $hosts host(s) x $hours h"
  t0=$(now_us)
  "$gen" "${gen_args[@]}" --format metrics --ticks first | psql_db -c "COPY tsdb.metrics FROM STDIN"
  query "COPY (SELECT id, metric_name, labels->>'hostname' FROM tsdb.prom_series_labels) TO STDOUT" \
    >"$work/series_ids"
  for k in 0 1; do
    load_part "$k" 2 &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
  done
  [ "$failed" -eq 0 ] || die "loading tsdb.prom_samples failed"
  t1=$(now_us)
  load_rate=$(awk -v n="$samples" -v us=$((t1 - t0)) 'BEGIN { printf "%.0f", n / (us / 1e6) }')
  note "loaded in $(seconds $((t1 - t0))) s ($load_rate samples/s)"
  t0=$(now_us)
  note "tsdb.compress: $(query "SELECT tsdb.compress('tsdb.prom_samples')") samples moved from the hot store"
  query "VACUUM ANALYZE" >/dev/null
  note "compressed and vacuumed in $(seconds $(($(now_us) - t0))) s"
  count=$(query "SELECT count(*) FROM tsdb.prom_samples")
  [ "$count" -eq "$samples" ] || die "tsdb.prom_samples: count(*) is $count, generated $samples samples"
  psql_db -c "CREATE SCHEMA bench_promql" \
    -c "CREATE TABLE bench_promql.loaded AS SELECT '$data_key'::text AS data,
          '$load_rate'::text AS load_rate, '${metrics_rate:-}'::text AS metrics_rate"
}

if [ "$reuse" -eq 1 ] && [ "$(db_data)" = "$data_key" ]; then
  note "reusing the tsdb data ($data_key) in database $db"
  # Still readable by the tsdb installed now?
  count=$(query "SELECT count(*) FROM tsdb.prom_samples")
  [ "$count" -eq "$samples" ] || die "tsdb.prom_samples: count(*) is $count, generated $samples samples"
else
  load_tsdb
fi
load_rate=$(query "SELECT load_rate FROM bench_promql.loaded")
metrics_rate=$(query "SELECT metrics_rate FROM bench_promql.loaded")
bytes_per_sample=$(query "SELECT bytes_per_row FROM tsdb.table_stats WHERE table_name = 'tsdb.prom_samples'::regclass")

# --- Loading Prometheus ------------------------------------------------------------
if [ "$reuse" -eq 1 ] && [ "$(cat "$prom_dir/loaded" 2>/dev/null)" = "$data_key" ]; then
  note "reusing the Prometheus blocks ($data_key) in $prom_dir"
else
  rm -rf "$prom_dir"
  mkdir -p "$prom_dir"
  note "writing OpenMetrics text and creating Prometheus blocks (promtool)"
  t0=$(now_us)
  "$gen" "${gen_args[@]}" --format openmetrics >"$prom_dir/input.om"
  promtool tsdb create-blocks-from openmetrics --quiet "$prom_dir/input.om" "$prom_dir/data" >&2 ||
    die "promtool tsdb create-blocks-from openmetrics failed"
  rm -f "$prom_dir/input.om"
  note "promtool: $(seconds $(($(now_us) - t0))) s"
  echo "$data_key" >"$prom_dir/loaded"
fi
printf 'global:\n  scrape_interval: 1h\nscrape_configs: []\n' >"$prom_dir/prometheus.yml"

# metric NAME: the value of one of Prometheus's own metrics (0 when absent).
metric() {
  curl -sf "$prom_url/metrics" | awk -v m="$1" '$1 == m { v = $2 } END { print v + 0 }'
}

note "starting Prometheus on port $port"
prometheus --config.file="$prom_dir/prometheus.yml" --storage.tsdb.path="$prom_dir/data" \
  --storage.tsdb.retention.time=100y --query.max-samples=1000000000 \
  --web.listen-address="127.0.0.1:$port" >"$prom_dir/prometheus.log" 2>&1 &
prom_pid=$!
for ((i = 0; ; i++)); do
  curl -sf -o /dev/null "$prom_url/-/ready" && break
  kill -0 "$prom_pid" 2>/dev/null || die "Prometheus exited: see $prom_dir/prometheus.log"
  [ "$i" -lt 600 ] || die "Prometheus not ready after 60 s: see $prom_dir/prometheus.log"
  sleep 0.1
done
note "waiting for Prometheus's first compaction pass (about a minute after start)"
for ((i = 0; ; i++)); do
  [ "$(metric prometheus_tsdb_compactions_triggered_total)" -ge 1 ] && break
  kill -0 "$prom_pid" 2>/dev/null || die "Prometheus exited: see $prom_dir/prometheus.log"
  [ "$i" -lt 300 ] || die "no compaction within 150 s: see $prom_dir/prometheus.log"
  sleep 0.5
done
# The pass merges blocks one compaction after another: wait until the
# number of loaded blocks holds still for 5 s.
blocks=-1
stable=0
while [ "$stable" -lt 10 ]; do
  b=$(metric prometheus_tsdb_blocks_loaded)
  if [ "$b" = "$blocks" ]; then stable=$((stable + 1)); else stable=0; blocks=$b; fi
  sleep 0.5
done
prom_bytes=$(du -sb "$prom_dir/data" --exclude=wal --exclude=chunks_head | cut -f1)
note "Prometheus ready: $blocks blocks, $prom_bytes bytes"

# --- Queries --------------------------------------------------------------------------
table=$work/table.md
status=0
python3 bench/tsbs/bench_promql.py --prom-url "$prom_url" --db "$db" --hosts "$hosts" \
  --hours "$hours" --runs "$runs" ${only:+--only "$only"} >"$table" || status=$?

# --- Report ---------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo
echo "\`$cmdline\`"
echo
echo "PromQL on TSBS-like series: $hosts hosts x $hours h, seed $seed, $samples samples" \
  "($((hosts * 11)) series); $(date -u +%Y-%m-%dT%H:%M:%SZ); $(nproc) CPUs ($cpu);" \
  "$(query "SHOW server_version"), tsdb $(query "SELECT extversion FROM pg_extension WHERE extname = 'tsdb'");" \
  "$(prometheus --version 2>&1 | head -n 1)."
echo "Median ms of $runs runs per side after a warm-up, wall time of a client fetching the whole" \
  "result (curl to the HTTP API; psql's timing of SELECT * FROM tsdb.promql_query...)." \
  "tsdb/Prometheus < 1: tsdb is faster."
echo "Storage: tsdb $bytes_per_sample bytes/sample (tsdb.table_stats), Prometheus" \
  "$(awk -v b="$prom_bytes" -v n="$samples" 'BEGIN { printf "%.2f", b / n }') bytes/sample" \
  "($blocks blocks). tsdb load: $load_rate samples/s (COPY of prom_samples by id, 2 sessions)${metrics_rate:+;}" \
  "${metrics_rate:+$metrics_rate samples/s through COPY tsdb.metrics (1 session, $metrics_hosts hosts, rolled back)}."
echo
cat "$table"
note "total $(seconds $(($(now_us) - t_start))) s"
[ "$status" -eq 0 ] || die "some queries failed or returned different results: see above"
