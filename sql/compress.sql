-- tsdb.compress: hot rows become compressed blocks, per series; reads, DML
-- and DDL on compressed rows behave as on a heap twin.
-- Large INSERT ... SELECTs write hot rows here (the direct path to blocks is
-- sql/bulk_insert.sql's).
SET tsdb.write_blocks_directly = off;
CREATE TABLE cm (time timestamptz, host text, v float8, n int, ok bool, note text) USING tsdb;
CREATE TABLE ch (time timestamptz, host text, v float8, n int, ok bool, note text);
SELECT tsdb.set_layout('cm', 'time', ARRAY['host']);
INSERT INTO cm SELECT '2020-01-01'::timestamptz + i * interval '10 s', 'host_' || i % 4, floor(50 + 40 * sin(i / 30.0)),
                      i, i % 3 = 0, CASE WHEN i % 100 = 0 THEN 'note ' || i END
FROM generate_series(1, 3000) i;
INSERT INTO cm VALUES (NULL, 'no time', 1, -1, NULL, NULL), (now(), 'recent', 2, -2, true, 'x');
INSERT INTO ch SELECT * FROM cm;
CREATE FUNCTION cdiff() RETURNS bigint LANGUAGE sql AS $$
  SELECT (SELECT count(*) FROM (SELECT * FROM cm EXCEPT ALL SELECT * FROM ch) a)
       + (SELECT count(*) FROM (SELECT * FROM ch EXCEPT ALL SELECT * FROM cm) b)
$$;

-- Rows older than a day move; the recent one and the one without a time stay hot.
SELECT tsdb.compress('cm', interval '1 day');
SELECT count(*) AS blocks, sum(row_count) AS rows, min(row_count), max(row_count)
FROM tsdb_internal.blocks WHERE storage_id = tsdb_internal.storage_id('cm');
SELECT count(*) AS hot FROM tsdb_internal.hot_rows WHERE storage_id = tsdb_internal.storage_id('cm');
SELECT cdiff();
SELECT tsdb.compress('cm', interval '1 day');
-- VACUUM of a tsdb table gives back the space of the rows compress moved:
-- as many new hot rows then fit without the hot store growing.
SELECT pg_relation_size('tsdb_internal.hot_rows') AS hot_bytes \gset
VACUUM cm;
INSERT INTO cm SELECT time + interval '10 years', host, v, n + 100000, ok, note FROM cm WHERE time IS NOT NULL AND time < '2021-01-01';
INSERT INTO ch SELECT time + interval '10 years', host, v, n + 100000, ok, note FROM ch WHERE time IS NOT NULL AND time < '2021-01-01';
SELECT pg_relation_size('tsdb_internal.hot_rows') <= :hot_bytes AS space_reused;
SELECT cdiff();
-- A block is one series, ordered by time, with every column encoded.
SELECT d ->> 'rows' AS rows, jsonb_array_length(d -> 'columns') AS columns,
       d -> 'columns' -> 0 ->> 'codec' AS time_codec, d -> 'columns' -> 2 ->> 'codec' AS v_codec
FROM (SELECT tsdb.describe_encoded(payload || payload_tail) AS d FROM tsdb_internal.blocks
      WHERE storage_id = tsdb_internal.storage_id('cm') ORDER BY series_key, min_time LIMIT 1) b;

-- DELETE and UPDATE of compressed rows, many per block in one statement.
DELETE FROM cm WHERE n % 2 = 0;
DELETE FROM ch WHERE n % 2 = 0;
UPDATE cm SET v = v * 10, note = 'updated' WHERE host = 'host_1' AND n % 3 = 0;
UPDATE ch SET v = v * 10, note = 'updated' WHERE host = 'host_1' AND n % 3 = 0;
SELECT cdiff();
SELECT n, ctid = (SELECT ctid FROM cm WHERE n = 5) AS same_tid FROM cm WHERE n = 5;
BEGIN;
DELETE FROM cm;
SELECT count(*) FROM cm;
ROLLBACK;
SELECT cdiff();
BEGIN;
SELECT n FROM cm WHERE n IN (1, 3) ORDER BY n FOR UPDATE;
DELETE FROM cm WHERE n = 3 RETURNING n, host;
ROLLBACK;
SELECT cdiff();

-- DDL after compression.
ALTER TABLE cm ADD COLUMN extra int DEFAULT 7;
ALTER TABLE ch ADD COLUMN extra int DEFAULT 7;
SELECT cdiff();
ALTER TABLE cm ALTER COLUMN n TYPE bigint;
ALTER TABLE ch ALTER COLUMN n TYPE bigint;
SELECT cdiff();
SELECT tsdb.compress('cm');
ALTER TABLE cm DROP COLUMN note;
ALTER TABLE ch DROP COLUMN note;
SELECT cdiff();
ANALYZE cm;
SELECT reltuples = (SELECT count(*) FROM cm) AS exact FROM pg_class WHERE relname = 'cm';

-- Compress rewrites blocks with deleted rows (merged with the series' hot
-- rows), so VACUUM can reclaim the deleted rows' space.
CREATE TABLE rw (time timestamptz, host text, v float8) USING tsdb;
CREATE TABLE rw_heap (time timestamptz, host text, v float8);
INSERT INTO rw SELECT '2024-01-01'::timestamptz + g * interval '1 s', 'h' || g % 2, g FROM generate_series(1, 4000) g;
INSERT INTO rw_heap SELECT * FROM rw;
SELECT tsdb.compress('rw');
DELETE FROM rw WHERE v::int % 4 = 0 OR v > 3900;
DELETE FROM rw_heap WHERE v::int % 4 = 0 OR v > 3900;
INSERT INTO rw VALUES ('2024-02-01', 'h0', -1);
INSERT INTO rw_heap VALUES ('2024-02-01', 'h0', -1);
SELECT count(*) AS blocks, sum(row_count) AS block_rows, count(deleted) AS with_deletes
FROM tsdb_internal.blocks WHERE storage_id = tsdb_internal.storage_id('rw');
SELECT tsdb.compress('rw');
SELECT count(*) AS blocks, sum(row_count) AS block_rows, count(deleted) AS with_deletes
FROM tsdb_internal.blocks WHERE storage_id = tsdb_internal.storage_id('rw');
SELECT (SELECT count(*) FROM (TABLE rw EXCEPT ALL TABLE rw_heap) a) + (SELECT count(*) FROM (TABLE rw_heap EXCEPT ALL TABLE rw) b) AS differ;
-- In a transaction that deleted rows itself, and rolled back: nothing changes.
BEGIN;
DELETE FROM rw WHERE v < 100;
SELECT tsdb.compress('rw');
SELECT count(*) FROM rw;
ROLLBACK;
SELECT count(*), sum(v) FROM rw;
SELECT count(*), sum(v) FROM rw_heap;
DROP TABLE rw, rw_heap;

-- Only the owner compresses; not a tsdb table; no time column.
CREATE ROLE tsdb_compress_user;
GRANT SELECT ON cm TO tsdb_compress_user;
SET ROLE tsdb_compress_user;
SELECT tsdb.compress('cm');
RESET ROLE;
REVOKE ALL ON cm FROM tsdb_compress_user;
DROP ROLE tsdb_compress_user;
SELECT tsdb.compress('ch');
CREATE TABLE notime (k text, v float8) USING tsdb;
SELECT tsdb.compress('notime');

-- TRUNCATE and DROP remove the blocks too.
SELECT tsdb_internal.storage_id('cm') AS storage \gset
TRUNCATE cm;
SELECT count(*) FROM tsdb_internal.blocks WHERE storage_id = :storage;
INSERT INTO cm (time, host, v) VALUES ('2020-01-01', 'a', 1);
SELECT tsdb.compress('cm');
SELECT tsdb_internal.storage_id('cm') AS storage \gset
DROP TABLE cm;
SELECT count(*) FROM tsdb_internal.blocks WHERE storage_id = :storage;
