-- COPY into tsdb tables: rows gathered per series and written straight into
-- blocks (src/pg/bulk_insert.cc), compared with a heap twin loaded from the
-- same file.
CREATE EXTENSION IF NOT EXISTS tsdb;
SET client_min_messages = warning;
CREATE SCHEMA bulk;
SELECT current_setting('data_directory') || '/bulk_insert.copy' AS copy_file \gset

-- Rows not in either table, both ways.
CREATE FUNCTION bulk.diff(a regclass, b regclass) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('SELECT (SELECT count(*) FROM (TABLE %s EXCEPT ALL TABLE %s) x)
                       + (SELECT count(*) FROM (TABLE %s EXCEPT ALL TABLE %s) y)', a, b, b, a) INTO n;
  RETURN n;
END $$;
-- Blocks and their rows, hot rows of a tsdb table.
CREATE FUNCTION bulk.stored(tbl regclass, OUT blocks bigint, OUT block_rows bigint, OUT hot bigint)
LANGUAGE sql AS $$
  SELECT (SELECT count(*) FROM tsdb_internal.blocks WHERE storage_id = tsdb_internal.storage_id(tbl)),
         (SELECT coalesce(sum(row_count), 0) FROM tsdb_internal.blocks WHERE storage_id = tsdb_internal.storage_id(tbl)),
         (SELECT count(*) FROM tsdb_internal.hot_rows WHERE storage_id = tsdb_internal.storage_id(tbl))
$$;

CREATE TABLE bulk.m (time timestamptz, host text, usage float8, load float4, up bool, n int4, note text) USING tsdb;
SELECT tsdb.set_layout('bulk.m', 'time', '{host}');
CREATE TABLE bulk.h (time timestamptz, host text, usage float8, load float4, up bool, n int4, note text);

-- Three hosts with 2500 rows each in epoch-major order (as TSBS loads), one
-- host with 10 rows, rows without a time, NULLs in every value column and a
-- value too long to stay inline.
COPY (
  SELECT '2024-01-01'::timestamptz + (g / 3) * interval '10 s', 'host_' || g % 3,
         CASE WHEN g % 17 = 0 THEN NULL ELSE (g % 1000) / 10.0 END::float8, ((g % 7) / 4.0)::float4,
         CASE WHEN g % 11 = 0 THEN NULL ELSE g % 2 = 0 END, g, CASE WHEN g = 100 THEN repeat('x', 5000) END
  FROM generate_series(0, 7499) g
  UNION ALL SELECT '2024-02-01'::timestamptz + g * interval '1 s', 'small', g, g, true, g, 'small' FROM generate_series(1, 10) g
  UNION ALL SELECT NULL, 'host_0', g, g, false, g, 'no time' FROM generate_series(1, 3) g
) TO :'copy_file' (FORMAT binary);
COPY bulk.m FROM :'copy_file' (FORMAT binary);
COPY bulk.h FROM :'copy_file' (FORMAT binary);
SELECT bulk.diff('bulk.m', 'bulk.h') AS differ;
-- 3 hosts x 2 blocks (2000, 500 rows); 10 + 3 hot rows.
SELECT * FROM bulk.stored('bulk.m');
SELECT row_count, min_time = (SELECT extract(epoch FROM min(time) - '2000-01-01'::timestamptz) * 1e6 FROM bulk.h WHERE host = 'host_0') AS first
FROM tsdb_internal.blocks WHERE storage_id = tsdb_internal.storage_id('bulk.m') ORDER BY series_key, min_time LIMIT 3;
SELECT count(*) AS rows, sum(usage) AS usage, sum(length(note)) AS notes FROM bulk.m;

-- The same rows in text and csv, shuffled: every block is sorted by time.
TRUNCATE bulk.m, bulk.h;
COPY (SELECT * FROM (SELECT '2024-01-01'::timestamptz + g * interval '1 min' AS time, 'host_' || g % 2, g::float8, g::float4, true, g, 'x'
                     FROM generate_series(1, 3000) g) r ORDER BY md5(time::text)) TO :'copy_file' (FORMAT text);
COPY bulk.m FROM :'copy_file';
COPY bulk.h FROM :'copy_file';
SELECT bulk.diff('bulk.m', 'bulk.h') AS differ, (bulk.stored('bulk.m')).*;
SELECT count(*) AS blocks_out_of_order
FROM tsdb_internal.blocks b
WHERE storage_id = tsdb_internal.storage_id('bulk.m') AND min_time > max_time;
COPY (SELECT * FROM bulk.h ORDER BY n DESC) TO :'copy_file' (FORMAT csv);
TRUNCATE bulk.m;
COPY bulk.m FROM :'copy_file' (FORMAT csv);
SELECT bulk.diff('bulk.m', 'bulk.h') AS differ, (bulk.stored('bulk.m')).*;

-- Visible to the rest of the transaction; gone with a rollback.
TRUNCATE bulk.m;
BEGIN;
COPY bulk.m FROM :'copy_file' (FORMAT csv);
SELECT count(*) FROM bulk.m;
ROLLBACK;
SELECT count(*) FROM bulk.m;
SELECT * FROM bulk.stored('bulk.m');

-- ROLLBACK TO SAVEPOINT drops what the COPY wrote; a later COPY counts once.
BEGIN;
SAVEPOINT s;
COPY bulk.m FROM :'copy_file' (FORMAT csv);
ROLLBACK TO SAVEPOINT s;
COPY bulk.m FROM :'copy_file' (FORMAT csv);
COMMIT;
SELECT bulk.diff('bulk.m', 'bulk.h') AS differ;

-- A bad row at the end: COPY fails, nothing of it stays, the session goes on.
TRUNCATE bulk.m;
COPY (SELECT time::text, host, usage::text, load, up, n, note FROM bulk.h
      UNION ALL SELECT '2024-06-01', 'host_0', 'not a number', 1, true, 1, 'bad') TO :'copy_file' (FORMAT csv);
COPY bulk.m FROM :'copy_file' (FORMAT csv);
SELECT count(*) FROM bulk.m;
SELECT * FROM bulk.stored('bulk.m');
INSERT INTO bulk.m (time, host, usage) VALUES ('2024-06-01', 'host_9', 1);
SELECT count(*) FROM bulk.m;

-- AFTER triggers see every row: such COPYs go row by row into the hot store.
TRUNCATE bulk.m;
COPY (SELECT * FROM bulk.h) TO :'copy_file' (FORMAT binary);
CREATE TABLE bulk.seen (n int);
CREATE FUNCTION bulk.saw_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO bulk.seen VALUES (NEW.n); RETURN NULL; END $$;
CREATE FUNCTION bulk.saw_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO bulk.seen SELECT -count(*) FROM bulk.m; RETURN NULL; END $$;
CREATE TRIGGER saw_row AFTER INSERT ON bulk.m FOR EACH ROW EXECUTE FUNCTION bulk.saw_row();
COPY bulk.m FROM :'copy_file' (FORMAT binary);
SELECT count(*), sum(n) = (SELECT sum(n) FROM bulk.h) AS same FROM bulk.seen;
SELECT * FROM bulk.stored('bulk.m');
DROP TRIGGER saw_row ON bulk.m;
TRUNCATE bulk.m, bulk.seen;
CREATE TRIGGER saw_statement AFTER INSERT ON bulk.m FOR EACH STATEMENT EXECUTE FUNCTION bulk.saw_statement();
COPY bulk.m FROM :'copy_file' (FORMAT binary);
SELECT * FROM bulk.seen;
DROP TRIGGER saw_statement ON bulk.m;
-- A BEFORE statement trigger does not stop the block path.
CREATE TRIGGER saw_before BEFORE INSERT ON bulk.m FOR EACH STATEMENT EXECUTE FUNCTION bulk.saw_statement();
TRUNCATE bulk.m, bulk.seen;
COPY bulk.m FROM :'copy_file' (FORMAT binary);
SELECT * FROM bulk.seen;
SELECT * FROM bulk.stored('bulk.m');
DROP TRIGGER saw_before ON bulk.m;

-- A small memory budget writes out mid-COPY: 50 series of 400 rows of
-- over 100 bytes (2 MB).
CREATE TABLE bulk.many (time timestamptz, host text, v float8, note text) USING tsdb;
SELECT tsdb.set_layout('bulk.many', 'time', '{host}');
CREATE TABLE bulk.many_heap (LIKE bulk.many);
COPY (SELECT '2024-01-01'::timestamptz + (g / 50) * interval '1 s', 'h' || g % 50, random(), repeat(md5(g::text), 3)
      FROM generate_series(0, 19999) g) TO :'copy_file' (FORMAT binary);
SET tsdb.bulk_insert_memory = '1MB';
COPY bulk.many FROM :'copy_file' (FORMAT binary);
RESET tsdb.bulk_insert_memory;
COPY bulk.many_heap FROM :'copy_file' (FORMAT binary);
SELECT bulk.diff('bulk.many', 'bulk.many_heap') AS differ, b.block_rows + b.hot AS rows,
       b.blocks > 50 AS written_more_than_once
FROM bulk.stored('bulk.many') b;
-- tsdb.write_blocks_directly = off: every row hot.
TRUNCATE bulk.many;
SET tsdb.write_blocks_directly = off;
COPY bulk.many FROM :'copy_file' (FORMAT binary);
RESET tsdb.write_blocks_directly;
SELECT bulk.diff('bulk.many', 'bulk.many_heap') AS differ, (bulk.stored('bulk.many')).*;

-- COPY FREEZE into a table created in the transaction; rolled back, it
-- leaves no rows anywhere.
SELECT count(*) AS hot_before FROM tsdb_internal.hot_rows \gset
BEGIN;
CREATE TABLE bulk.frozen (time timestamptz, host text, v float8, note text) USING tsdb;
COPY bulk.frozen FROM :'copy_file' (FORMAT binary, FREEZE);
SELECT count(*) FROM bulk.frozen;
ROLLBACK;
SELECT count(*) - :hot_before AS hot_rows_left FROM tsdb_internal.hot_rows;
BEGIN;
CREATE TABLE bulk.frozen (time timestamptz, host text, v float8, note text) USING tsdb;
SELECT tsdb.set_layout('bulk.frozen', 'time', '{host}');
COPY bulk.frozen FROM :'copy_file' (FORMAT binary, FREEZE);
COMMIT;
SELECT bulk.diff('bulk.frozen', 'bulk.many_heap') AS differ;

-- Partitions: COPY into the parent routes rows to tsdb partitions.
CREATE TABLE bulk.parted (time timestamptz, host text, v float8, note text) PARTITION BY RANGE (time);
CREATE TABLE bulk.parted_1 PARTITION OF bulk.parted FOR VALUES FROM ('2024-01-01') TO ('2024-01-01 00:03') USING tsdb;
CREATE TABLE bulk.parted_2 PARTITION OF bulk.parted FOR VALUES FROM ('2024-01-01 00:03') TO ('2025-01-01') USING tsdb;
SELECT tsdb.set_layout(p, 'time', '{host}') FROM unnest('{bulk.parted_1,bulk.parted_2}'::regclass[]) p;
COPY bulk.parted FROM :'copy_file' (FORMAT binary);
SELECT bulk.diff('bulk.parted', 'bulk.many_heap') AS differ;
SELECT (bulk.stored('bulk.parted_1')).*, (bulk.stored('bulk.parted_2')).*;

-- An integer series key (set_layout), NULL keys, long key values, a
-- dropped and an added column.
CREATE TABLE bulk.k (id int8, time timestamptz, tag text, dropme int, v float8) USING tsdb;
SELECT tsdb.set_layout('bulk.k', 'time', '{id,tag}');
ALTER TABLE bulk.k DROP COLUMN dropme;
CREATE TABLE bulk.k_heap (id int8, time timestamptz, tag text, v float8);
COPY (SELECT (g % 4)::int8, '2024-01-01'::timestamptz + g * interval '1 s',
             CASE g % 4 WHEN 0 THEN NULL WHEN 1 THEN repeat('long', 1000) ELSE 't' END, (g / 3.0)::float8
      FROM generate_series(1, 4000) g) TO :'copy_file' (FORMAT binary);
COPY bulk.k FROM :'copy_file' (FORMAT binary);
COPY bulk.k_heap FROM :'copy_file' (FORMAT binary);
SELECT bulk.diff('bulk.k', 'bulk.k_heap') AS differ, (bulk.stored('bulk.k')).*;
ALTER TABLE bulk.k ADD COLUMN extra text DEFAULT 'added';
ALTER TABLE bulk.k_heap ADD COLUMN extra text DEFAULT 'added';
SELECT bulk.diff('bulk.k', 'bulk.k_heap') AS differ;
SELECT id, count(*), min(length(tag)), max(extra) FROM bulk.k GROUP BY id ORDER BY id;

-- INSERT ... SELECT of many rows gathers the same way; few rows, RETURNING,
-- ON CONFLICT and AFTER triggers keep the row path.
CREATE TABLE bulk.ins (time timestamptz, host text, v float8) USING tsdb;
CREATE TABLE bulk.ins_heap (time timestamptz, host text, v float8);
INSERT INTO bulk.ins SELECT '2024-01-01'::timestamptz + (g / 3) * interval '1 s', 'h' || g % 3, g FROM generate_series(1, 9000) g;
INSERT INTO bulk.ins_heap SELECT '2024-01-01'::timestamptz + (g / 3) * interval '1 s', 'h' || g % 3, g FROM generate_series(1, 9000) g;
SELECT bulk.diff('bulk.ins', 'bulk.ins_heap') AS differ, (bulk.stored('bulk.ins')).*;
INSERT INTO bulk.ins SELECT '2024-02-01'::timestamptz + g * interval '1 s', 'few', g FROM generate_series(1, 10) g;
INSERT INTO bulk.ins_heap SELECT '2024-02-01'::timestamptz + g * interval '1 s', 'few', g FROM generate_series(1, 10) g;
WITH r AS (INSERT INTO bulk.ins SELECT '2024-03-01'::timestamptz + g * interval '1 s', 'ret', g FROM generate_series(1, 1000) g RETURNING v)
SELECT count(*), sum(v) FROM r;
INSERT INTO bulk.ins_heap SELECT '2024-03-01'::timestamptz + g * interval '1 s', 'ret', g FROM generate_series(1, 1000) g;
INSERT INTO bulk.ins SELECT '2024-04-01'::timestamptz + g * interval '1 s', 'conflict', g FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING;
INSERT INTO bulk.ins_heap SELECT '2024-04-01'::timestamptz + g * interval '1 s', 'conflict', g FROM generate_series(1, 1000) g;
SELECT bulk.diff('bulk.ins', 'bulk.ins_heap') AS differ, (bulk.stored('bulk.ins')).*;
-- An error at the end leaves nothing; in a transaction the rows are there
-- for the next statement.
INSERT INTO bulk.ins SELECT '2024-05-01'::timestamptz + g * interval '1 s', 'bad', 1 / (5000 - g) FROM generate_series(1, 5000) g;
BEGIN;
INSERT INTO bulk.ins SELECT '2024-06-01'::timestamptz + g * interval '1 s', 'txn', g FROM generate_series(1, 3000) g;
SELECT count(*) FROM bulk.ins WHERE host = 'txn';
ROLLBACK;
SELECT bulk.diff('bulk.ins', 'bulk.ins_heap') AS differ, (bulk.stored('bulk.ins')).*;
-- INSERT ... SELECT into a partitioned table routes the gathered rows.
TRUNCATE bulk.parted;
INSERT INTO bulk.parted SELECT * FROM bulk.many_heap;
SELECT bulk.diff('bulk.parted', 'bulk.many_heap') AS differ;
SELECT (bulk.stored('bulk.parted_1')).*, (bulk.stored('bulk.parted_2')).*;

-- No time column: COPY keeps every row hot.
CREATE TABLE bulk.untimed (host text, v float8) USING tsdb;
COPY (SELECT 'h' || g % 3, g::float8 FROM generate_series(1, 500) g) TO :'copy_file' (FORMAT binary);
COPY bulk.untimed FROM :'copy_file' (FORMAT binary);
SELECT count(*), sum(v), (bulk.stored('bulk.untimed')).* FROM bulk.untimed;

-- Compress after COPY moves only what stayed hot.
INSERT INTO bulk.m (time, host, n) SELECT '2024-03-01'::timestamptz + g * interval '1 s', 'host_1', g FROM generate_series(1, 5) g;
INSERT INTO bulk.h (time, host, n) SELECT '2024-03-01'::timestamptz + g * interval '1 s', 'host_1', g FROM generate_series(1, 5) g;
SELECT tsdb.compress('bulk.m');
SELECT bulk.diff('bulk.m', 'bulk.h') AS differ, (bulk.stored('bulk.m')).*;

DROP SCHEMA bulk CASCADE;
