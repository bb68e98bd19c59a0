# Helpers shared by the scripts in this folder; each sources it after cd-ing to the checkout root.
# shellcheck shell=bash

# The PostgreSQL 15 installation to build against and run (Debian's, unless PG_CONFIG says otherwise).
tsdb_pg_config() {
  if [ -n "${PG_CONFIG:-}" ]; then
    echo "$PG_CONFIG"
  elif [ -x /usr/lib/postgresql/15/bin/pg_config ]; then
    echo /usr/lib/postgresql/15/bin/pg_config
  else
    echo pg_config
  fi
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if is_root; then
    "$@"
  else
    sudo "$@"
  fi
}

note() { echo "$(basename "$0"): $*" >&2; }
die() { note "$*"; exit 1; }

# --- Benchmarks (bench_ingest.sh, bench_queries.sh) --------------------------------
# They set build_dir, db, keep_db and bindir before calling these.

# psql against the throwaway cluster, quiet, stopping at the first error.
psql_at() { PGOPTIONS="-c client_min_messages=warning" "$bindir/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_db() { psql_at -d "$db" "$@"; }

# Builds the TSBS generator in $build_dir, starts the cluster unless it runs
# (bench_started_cluster=1 then, for bench_cleanup) and exports its
# environment; bench_cleanup runs at exit.
bench_setup() {
  note "building $build_dir/tsdb_tsbs_generate"
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build_dir" -j"${JOBS:-2}" --target tsdb_tsbs_generate >/dev/null
  bench_started_cluster=0
  if ! scripts/cluster.sh status >/dev/null 2>&1; then
    scripts/cluster.sh start >&2
    bench_started_cluster=1
  fi
  eval "$(scripts/cluster.sh env)"
  trap bench_cleanup EXIT
}

# Stops the background jobs, drops $db unless $keep_db is 1, and stops the
# cluster if bench_setup started it.
bench_cleanup() {
  local pids
  pids=$(jobs -p)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086  # one pid per word
    kill $pids 2>/dev/null || true
    wait 2>/dev/null || true
  fi
  if [ "$keep_db" -eq 0 ]; then
    psql_at -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  fi
  if [ "$bench_started_cluster" -eq 1 ]; then
    scripts/cluster.sh stop >&2 || true
  fi
}
