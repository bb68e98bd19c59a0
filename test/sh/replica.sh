#!/usr/bin/env bash
# A streaming replica of the cluster returns the same rows of a tsdb table as the primary: hot
# rows, compressed blocks, rows deleted inside blocks (including the in-place bitmap updates of a
# multi-row DELETE) and a TRUNCATE all replay from WAL. Runs against the cluster of
# scripts/cluster.sh (PGHOST etc. set by scripts/test.sh); the replica lives next to its data
# directory and is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
bindir=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
[ -x "$bindir/pg_basebackup" ] || bindir=/usr/lib/postgresql/15/bin
base="$(dirname "$PGHOST")"
replica="$base/replica"
port=$((PGPORT + 1))
db=tsdb_replica
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else (cd / && "$@"); fi
}
cleanup() {
  as_owner "$bindir/pg_ctl" -D "$replica" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$replica"
  dropdb --if-exists "$db" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
dropdb --if-exists "$db"
createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<'SQL'
CREATE EXTENSION tsdb;
CREATE TABLE m (time timestamptz, host text, v float8) USING tsdb;
INSERT INTO m SELECT '2020-01-01'::timestamptz + i * interval '10 s', 'host_' || i % 5, i FROM generate_series(1, 5000) i;
SQL
as_owner "$bindir/pg_basebackup" -h "$PGHOST" -p "$PGPORT" -U postgres -D "$replica" -R -X stream -c fast
as_owner sh -c "printf '%s\n' \"port = $port\" \"unix_socket_directories = '$PGHOST'\" >> '$replica/postgresql.auto.conf'"
as_owner "$bindir/pg_ctl" -D "$replica" -l "$replica/log" -w start >/dev/null
# Changes after the base backup reach the replica through streaming.
psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<'SQL'
SELECT tsdb.compress('m');
DELETE FROM m WHERE v::int % 3 = 0;
UPDATE m SET v = -v WHERE host = 'host_1';
INSERT INTO m VALUES (now(), 'hot', 1);
CREATE TABLE gone (time timestamptz, v float8) USING tsdb;
INSERT INTO gone VALUES (now(), 1);
SELECT tsdb.compress('gone');
TRUNCATE gone;
SQL
lsn=$(psql -X -At -d "$db" -c "SELECT pg_current_wal_lsn()")
for _ in $(seq 1 100); do
  caught=$(psql -X -At -p "$port" -d "$db" -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")
  [ "$caught" = t ] && break
  sleep 0.2
done
[ "$caught" = t ] || { echo "FAIL: the replica did not catch up"; exit 1; }
query="SELECT count(*), md5(string_agg(m::text, '|' ORDER BY m::text)) FROM m"
primary=$(psql -X -At -d "$db" -c "$query")
standby=$(psql -X -At -p "$port" -d "$db" -c "$query")
gone=$(psql -X -At -p "$port" -d "$db" -c "SELECT count(*) FROM gone")
echo "primary: $primary; replica: $standby; truncated table on the replica: $gone rows"
[ "$primary" = "$standby" ] || { echo "FAIL: the replica returns other rows"; exit 1; }
[ "$gone" = 0 ] || { echo "FAIL: TRUNCATE did not replay"; exit 1; }
echo "replica: ok"
