#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster inside the checkout, for the demo and the tests.
#
#   scripts/cluster.sh start         initdb if needed, then start (already running is fine)
#   scripts/cluster.sh stop          fast shutdown (not running is fine)
#   scripts/cluster.sh restart       stop, then start: loads a newly installed tsdb.so
#   scripts/cluster.sh status        pg_ctl status (exit 3 when not running)
#   scripts/cluster.sh psql [args]   psql as user postgres against the cluster
#   scripts/cluster.sh env           export lines for PGHOST, PGPORT, PGUSER: eval "$(scripts/cluster.sh env)"
#   scripts/cluster.sh destroy       stop, then delete the cluster
#
# Files: tmp/cluster/data, tmp/cluster/socket (the only way in: listen_addresses is empty), tmp/cluster/log.
# Port: $TSDB_PORT, default 55432. Superuser: postgres, trust authentication.
# initdb refuses root, so as root the server runs as the OS user postgres and tmp/cluster belongs to it; as
# another user the server runs as that user. When postgres cannot reach the checkout, or the socket path
# would be too long for a Unix socket, the cluster goes to a directory under /tmp that tmp/cluster.path names.
# shared_preload_libraries = 'tsdb' is set only once tsdb.so is installed (scripts/setup.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

checkout=$PWD
port=${TSDB_PORT:-55432}
pointer=$checkout/tmp/cluster.path
pg_config=$(tsdb_pg_config)
command -v "$pg_config" >/dev/null || die "$pg_config not found: run scripts/setup.sh first"
bindir=$("$pg_config" --bindir)
pkglibdir=$("$pg_config" --pkglibdir)

# Runs a server-side command as the cluster's owner, from / so that it never depends on our working directory.
as_owner() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# The cluster directory in use: the one tmp/cluster.path names if it still exists, else tmp/cluster.
current_base() {
  if [ -f "$pointer" ] && [ -d "$(cat "$pointer")" ]; then
    cat "$pointer"
  else
    echo "$checkout/tmp/cluster"
  fi
}

# Like current_base, but first moves the cluster to /tmp when the checkout cannot host it.
choose_base() {
  local base reason=""
  if [ -f "$pointer" ] && [ -d "$(cat "$pointer")" ]; then
    cat "$pointer"
    return
  fi
  mkdir -p "$checkout/tmp"
  base=$checkout/tmp/cluster
  if is_root && ! (cd / && runuser -u postgres -- test -x "$checkout/tmp"); then
    reason="the postgres user cannot enter $checkout/tmp"
  elif [ "${#base}" -gt 80 ]; then
    # A Unix socket path (here $base/socket/.s.PGSQL.<port>) must fit in 107 bytes.
    reason="$base is too long for a Unix socket path"
  fi
  if [ -z "$reason" ]; then
    rm -f "$pointer"
    echo "$base"
    return
  fi
  base=$(mktemp -d /tmp/tsdb-cluster.XXXXXX)
  echo "$base" >"$pointer"
  note "notice: cluster in $base because $reason"
  echo "$base"
}

set_paths() {
  base=$1
  data=$base/data
  socket=$base/socket
  log=$base/log
}
set_paths "$(current_base)"

running() {
  [ -f "$data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

# The port of the running server (from postmaster.pid), else $TSDB_PORT.
live_port() {
  if running && [ -f "$data/postmaster.pid" ]; then
    sed -n 4p "$data/postmaster.pid"
  else
    echo "$port"
  fi
}

init_cluster() {
  mkdir -p "$base"
  if is_root; then
    chown postgres: "$base"
  fi
  if [ -d "$data" ] && [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"   # left by an interrupted initdb
  fi
  if [ ! -d "$data" ]; then
    note "initdb in $data"
    as_owner "$bindir/initdb" -D "$data" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 ||
      { cat "$base/initdb.log" >&2; die "initdb failed"; }
    echo "include_if_exists = 'tsdb_cluster.conf'   # written by scripts/cluster.sh at each start" |
      as_owner tee -a "$data/postgresql.conf" >/dev/null
  fi
  as_owner mkdir -p "$socket"
}

# Settings rewritten at each start, so that a changed port or a newly installed tsdb.so takes effect.
write_conf() {
  local preload="#shared_preload_libraries = 'tsdb'   # $pkglibdir/tsdb.so is not installed"
  if [ -f "$pkglibdir/tsdb.so" ]; then
    preload="shared_preload_libraries = 'tsdb'"
  else
    note "notice: $pkglibdir/tsdb.so is not installed, starting without shared_preload_libraries = 'tsdb'"
  fi
  as_owner tee "$data/tsdb_cluster.conf" >/dev/null <<CONF
# Written by scripts/cluster.sh at each start: edits are lost.
listen_addresses = ''
unix_socket_directories = '$socket'
port = $port
max_connections = 50
$preload
CONF
}

start() {
  if running; then
    echo "cluster already running: $data (port $(live_port))"
    return 0
  fi
  set_paths "$(choose_base)"
  init_cluster
  write_conf
  if ! as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null; then
    note "the server did not start; last lines of $log:"
    tail -n 30 "$log" >&2 || true
    exit 1
  fi
  echo "cluster running: $data (socket $socket, port $port)"
}

stop() {
  if running; then
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    echo "cluster stopped: $data"
  else
    echo "cluster not running: $data"
  fi
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status)
    [ -f "$data/PG_VERSION" ] || { echo "no cluster in $data"; exit 4; }
    as_owner "$bindir/pg_ctl" -D "$data" status
    ;;
  psql)
    running || die "cluster not running: run scripts/cluster.sh start"
    PGHOST=$socket PGPORT=$(live_port) PGUSER=postgres exec "$bindir/psql" "$@"
    ;;
  env)
    printf 'export PGHOST=%q\n' "$socket"
    printf 'export PGPORT=%q\n' "$(live_port)"
    printf 'export PGUSER=postgres\n'
    ;;
  destroy)
    stop
    rm -rf "$base"
    rm -f "$pointer"
    echo "cluster deleted: $base"
    ;;
  *)
    echo "usage: scripts/cluster.sh {start|stop|restart|status|psql [args]|env|destroy}" >&2
    exit 2
    ;;
esac
