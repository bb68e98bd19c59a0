-- Layouts: defaults derived from the columns, tsdb.set_layout, tsdb.tables.
CREATE TABLE cpu (time timestamptz, hostname text, usage_user float8, usage_system float8) USING tsdb;
CREATE TABLE samples (series_id bigint, time timestamptz, value float8) USING tsdb;
CREATE TABLE odd (note text, t1 timestamp, t2 timestamptz, region text, n int, ok bool) USING tsdb;
CREATE TABLE plain_heap (time timestamptz, v float8);
SELECT table_name, time_column, series_key, layout_set FROM tsdb.tables WHERE name IN ('cpu', 'samples', 'odd') ORDER BY name;

-- An integer series id is a value column by default; set_layout makes it the key.
SELECT tsdb.set_layout('samples', 'time', ARRAY['series_id']);
SELECT table_name, time_column, series_key, layout_set FROM tsdb.tables WHERE name = 'samples';
SELECT tsdb.set_layout('odd', 't2', ARRAY['region', 'note']);
SELECT table_name, time_column, series_key FROM tsdb.tables WHERE name = 'odd';

-- Bad layouts are refused with a reason.
SELECT tsdb.set_layout('plain_heap', 'time', '{}');
SELECT tsdb.set_layout('cpu', 'nosuch', '{}');
SELECT tsdb.set_layout('cpu', 'usage_user', '{}');
SELECT tsdb.set_layout('cpu', 'time', ARRAY['time']);
SELECT tsdb.set_layout('cpu', 'time', ARRAY['hostname', 'hostname']);
SELECT tsdb.set_layout('cpu', 'time', ARRAY['nosuch']);
SELECT tsdb.set_layout('cpu', 'time', ARRAY[NULL]::name[]);
SELECT tsdb.set_layout('cpu', 'time', NULL);
INSERT INTO cpu VALUES (now(), 'h', 1, 2);
SELECT tsdb.set_layout('cpu', 'time', ARRAY['hostname']);

-- Only the owner sets a layout; others see only the tables they may read.
CREATE ROLE tsdb_layout_user;
SET ROLE tsdb_layout_user;
SELECT count(*) FROM tsdb.tables WHERE name IN ('cpu', 'samples', 'odd');
SELECT tsdb.set_layout('odd', 't1', '{}');
RESET ROLE;
GRANT SELECT ON cpu TO tsdb_layout_user;
SET ROLE tsdb_layout_user;
SELECT table_name FROM tsdb.tables WHERE name IN ('cpu', 'samples', 'odd');
RESET ROLE;
REVOKE ALL ON cpu FROM tsdb_layout_user;
DROP ROLE tsdb_layout_user;

-- A dropped table's layout goes with it.
DROP TABLE odd;
SELECT count(*) FROM tsdb_internal.layouts WHERE relid::oid NOT IN (SELECT oid FROM pg_class);
SELECT relid FROM tsdb_internal.layouts WHERE relid <> 'tsdb.prom_samples'::regclass ORDER BY relid::text;
