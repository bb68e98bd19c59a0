#!/usr/bin/env bash
# pg_upgrade keeps the rows of tsdb tables: a cluster with hot rows, compressed blocks, rows
# deleted inside blocks and an explicit layout is upgraded into a new cluster (15 to 15: the
# --binary-upgrade path is the same as across versions), and the new one returns the same rows.
# Uses two clusters of its own next to the main one's data directory (PGHOST set by
# scripts/test.sh), on ports above PGPORT, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
bindir=/usr/lib/postgresql/15/bin
base="$(dirname "$PGHOST")/upgrade"
old_port=$((PGPORT + 2)) new_port=$((PGPORT + 3))
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd "$base" && runuser -u postgres -- "$@"); else (cd "$base" && "$@"); fi
}
cleanup() {
  for d in old new; do
    [ -d "$base/$d" ] && as_owner "$bindir/pg_ctl" -D "$base/$d" -m immediate stop >/dev/null 2>&1 || true
  done
  rm -rf "$base"
}
trap cleanup EXIT
cleanup
mkdir -p "$base"
[ "$(id -u)" -ne 0 ] || chown postgres: "$base"
for d in old new; do
  as_owner "$bindir/initdb" -D "$base/$d" -A trust -U postgres --no-sync >/dev/null
  as_owner sh -c "printf '%s\n' \"unix_socket_directories = '$base'\" \"shared_preload_libraries = 'tsdb'\" >> '$base/$d/postgresql.conf'"
done
as_owner "$bindir/pg_ctl" -D "$base/old" -o "-p $old_port" -l "$base/old.log" -w start >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -h "$base" -p "$old_port" -U postgres -d postgres >/dev/null <<'SQL'
CREATE EXTENSION tsdb;
CREATE TABLE m (time timestamptz, host text, v float8) USING tsdb;
INSERT INTO m SELECT '2020-01-01'::timestamptz + i * interval '10 s', 'host_' || i % 5, i FROM generate_series(1, 5000) i;
SELECT tsdb.compress('m');
DELETE FROM m WHERE v::int % 3 = 0;
INSERT INTO m VALUES (now(), 'hot', 1);
CREATE TABLE s (series_id bigint, time timestamptz, value float8) USING tsdb;
SELECT tsdb.set_layout('s', 'time', ARRAY['series_id']);
INSERT INTO s VALUES (7, '2020-01-01', 1.5);
SQL
fingerprint() {
  psql -X -At -v ON_ERROR_STOP=1 -h "$base" -p "$1" -U postgres -d postgres -c \
    "SELECT count(*) || ' ' || md5(string_agg(m::text, '|' ORDER BY m::text)) || ' ' ||
            (SELECT series_key::text FROM tsdb.tables WHERE name = 's') FROM m"
}
# The id sequences must go on after their old values: a storage id or block id handed out again
# would mix up tables or blocks.
sequences() {
  psql -X -At -v ON_ERROR_STOP=1 -h "$base" -p "$1" -U postgres -d postgres -c \
    "SELECT (SELECT last_value FROM tsdb_internal.storage_id_seq) || ' ' ||
            (SELECT last_value FROM tsdb_internal.block_id_seq)"
}
before=$(fingerprint "$old_port")
sequences_before=$(sequences "$old_port")
as_owner "$bindir/pg_ctl" -D "$base/old" -m fast -w stop >/dev/null
as_owner "$bindir/pg_upgrade" -b "$bindir" -B "$bindir" -d "$base/old" -D "$base/new" \
  -p "$old_port" -P "$new_port" -s "$base" >"$base/pg_upgrade.out" 2>&1 || {
  cat "$base/pg_upgrade.out"
  echo "FAIL: pg_upgrade failed"
  exit 1
}
as_owner "$bindir/pg_ctl" -D "$base/new" -o "-p $new_port" -l "$base/new.log" -w start >/dev/null
after=$(fingerprint "$new_port")
verify=$(psql -X -At -h "$base" -p "$new_port" -U postgres -d postgres -c "SELECT tsdb.verify('m') ->> 'blocks'")
sequences_after=$(sequences "$new_port")
echo "before: $before; after pg_upgrade: $after; blocks verified: $verify"
echo "storage and block id sequences before: $sequences_before; after: $sequences_after"
[ "$before" = "$after" ] || { echo "FAIL: the upgraded cluster returns other rows"; exit 1; }
[ "$sequences_before" = "$sequences_after" ] || { echo "FAIL: pg_upgrade reset tsdb's id sequences"; exit 1; }
echo "upgrade: ok"
