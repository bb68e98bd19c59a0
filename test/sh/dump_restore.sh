#!/usr/bin/env bash
# pg_dump / pg_restore of a database with tsdb tables restores every row exactly once: the
# internal relations (extension members) are not dumped as tables of their own, and the restore
# loads the rows through the access method. Needs PGHOST/PGPORT/PGUSER of a running cluster with
# tsdb installed (scripts/test.sh sets them).
set -euo pipefail
src=tsdb_dump_src dst=tsdb_dump_dst dump=$(mktemp)
trap 'rm -f "$dump"; dropdb --if-exists "$src"; dropdb --if-exists "$dst"' EXIT
dropdb --if-exists "$src"
dropdb --if-exists "$dst"
createdb "$src"
createdb "$dst"
psql -X -q -v ON_ERROR_STOP=1 -d "$src" >/dev/null <<'SQL'
CREATE EXTENSION tsdb;
CREATE TABLE m (time timestamptz, host text, v float8, note text) USING tsdb;
INSERT INTO m SELECT '2020-01-01'::timestamptz + i * interval '10 s', 'host_' || i % 7, i / 3.0,
                     CASE WHEN i % 500 = 0 THEN repeat('x', 10000) END
FROM generate_series(1, 5000) i;
INSERT INTO m VALUES (NULL, NULL, 'NaN', NULL), ('2020-01-01', 'dup', -0.0, ''), ('2020-01-01', 'dup', -0.0, '');
DELETE FROM m WHERE host = 'host_3';
UPDATE m SET v = v + 1 WHERE host = 'host_4';
CREATE TABLE s (series_id bigint, time timestamptz, value float8) USING tsdb;
SELECT tsdb.set_layout('s', 'time', ARRAY['series_id']);
INSERT INTO s VALUES (1, '2020-01-01', 1.5);
-- The Prometheus data model (extension members whose rows are dumped).
SELECT tsdb.promql_load($$
load 1m
  up{job="a"} 1 0 1 stale
  up{job="b"} 0+1x20
$$);
SQL
fingerprint() {
  psql -X -At -v ON_ERROR_STOP=1 -d "$1" \
    -c "SELECT count(*), md5(string_agg(m::text, '|' ORDER BY m::text)) FROM m"
}
promql() {
  psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c "
    SELECT string_agg(labels::text || '=' || value, ' ' ORDER BY labels::text)
    FROM tsdb.promql_query('up', 'epoch'::timestamptz + interval '150 seconds')" \
    -c "SELECT count(*) FROM tsdb.prom_series" -c "SELECT nextval('tsdb.prom_series_id_seq')"
}
pg_dump -Fc -d "$src" -f "$dump"
# Only the layouts (extension configuration) may be dumped from tsdb_internal.
if pg_restore -l "$dump" | grep -E "TABLE (DATA )?tsdb_internal" | grep -v " layouts "; then
  echo "FAIL: the dump contains tsdb's internal relations"
  exit 1
fi
pg_restore --exit-on-error -d "$dst" "$dump"
before=$(fingerprint "$src")
after=$(fingerprint "$dst")
stored=$(psql -X -At -F ' ' -d "$dst" -c "
  SELECT (SELECT count(*) FROM tsdb_internal.hot_rows WHERE storage_id = tsdb_internal.storage_id('m')),
         (SELECT coalesce(sum(row_count), 0) FROM tsdb_internal.blocks WHERE storage_id = tsdb_internal.storage_id('m'))")
read -r hot warm <<<"$stored"
echo "source: $before; restored: $after; after restore: $hot hot rows, $warm rows in blocks"
prom_before=$(promql "$src")
prom_after=$(promql "$dst")
echo "PromQL: source: $(echo $prom_before); restored: $(echo $prom_after)"
[ "$prom_before" = "$prom_after" ] || { echo "FAIL: the Prometheus data differs after restore"; exit 1; }
[ "$before" = "$after" ] || { echo "FAIL: restored rows differ"; exit 1; }
# pg_restore loads with COPY, which writes long runs of a series as blocks.
[ "$warm" -gt 0 ] || { echo "FAIL: the restore's COPY wrote no blocks"; exit 1; }
[ $((hot + warm)) = "${after%%|*}" ] || { echo "FAIL: $hot + $warm internal rows for ${after%%|*} table rows"; exit 1; }
