-- The tsdb table access method, hot rows only: SQL on a tsdb table returns
-- exactly what a heap twin with the same data returns.
-- Large INSERT ... SELECTs write hot rows here (the direct path to blocks is
-- sql/bulk_insert.sql's).
SET tsdb.write_blocks_directly = off;
CREATE TABLE m (time timestamptz, host text, v float8, n int) USING tsdb;
CREATE TABLE h (time timestamptz, host text, v float8, n int);
SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.relname = 'm';

-- Both tables must hold the same rows: EXCEPT ALL both ways is empty.
CREATE FUNCTION same() RETURNS boolean LANGUAGE sql AS $$
  SELECT NOT EXISTS (SELECT * FROM m EXCEPT ALL SELECT * FROM h)
     AND NOT EXISTS (SELECT * FROM h EXCEPT ALL SELECT * FROM m)
$$;

INSERT INTO m VALUES ('2020-01-01 00:00:00+00', 'a', 1.5, 1);
INSERT INTO h VALUES ('2020-01-01 00:00:00+00', 'a', 1.5, 1);
INSERT INTO m VALUES ('2020-01-01 00:00:10+00', 'b', NULL, 2), (NULL, NULL, NULL, NULL);
INSERT INTO h VALUES ('2020-01-01 00:00:10+00', 'b', NULL, 2), (NULL, NULL, NULL, NULL);
INSERT INTO m SELECT '2020-01-01'::timestamptz + i * interval '10 s', 'host_' || i % 7, i / 3.0, i FROM generate_series(1, 2000) i;
INSERT INTO h SELECT '2020-01-01'::timestamptz + i * interval '10 s', 'host_' || i % 7, i / 3.0, i FROM generate_series(1, 2000) i;
SELECT count(*), sum(v), count(DISTINCT host) FROM m;
SELECT same();

-- ANALYZE: planner row estimates within 2x of the truth.
ANALYZE m;
SELECT reltuples = (SELECT count(*) FROM m) AS exact_reltuples FROM pg_class WHERE relname = 'm';
CREATE FUNCTION estimate_ok(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  plan json;
  estimated float8;
  actual bigint;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
  estimated := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
  EXECUTE 'SELECT count(*) FROM (' || query || ') q' INTO actual;
  RETURN CASE WHEN estimated BETWEEN actual / 2.0 AND actual * 2.0 THEN 'within 2x'
              ELSE format('estimated %s, actual %s', estimated, actual) END;
END $$;
SELECT estimate_ok('SELECT * FROM m');
SELECT estimate_ok('SELECT * FROM m WHERE host = ''host_1''');
SELECT estimate_ok('SELECT * FROM m WHERE v < 100');
SELECT estimate_ok('SELECT * FROM m WHERE time >= ''2020-01-01 02:00:00+00''');

-- COPY in text, csv and binary.
COPY (SELECT * FROM h WHERE n <= 100) TO '/dev/null';
\copy m FROM stdin
2021-06-01 00:00:00+00	copied	7	7
\.
\copy h FROM stdin
2021-06-01 00:00:00+00	copied	7	7
\.
\copy m FROM stdin (FORMAT csv)
2021-06-02 00:00:00+00,"a,b",8,8
\.
\copy h FROM stdin (FORMAT csv)
2021-06-02 00:00:00+00,"a,b",8,8
\.
SELECT same();

-- UPDATE and DELETE with any WHERE.
UPDATE m SET v = v * 2 WHERE n % 5 = 0;
UPDATE h SET v = v * 2 WHERE n % 5 = 0;
DELETE FROM m WHERE host = 'host_3' OR v IS NULL;
DELETE FROM h WHERE host = 'host_3' OR v IS NULL;
UPDATE m SET host = 'moved', time = time + interval '1 day' WHERE n BETWEEN 10 AND 20 RETURNING n, host;
UPDATE h SET host = 'moved', time = time + interval '1 day' WHERE n BETWEEN 10 AND 20;
SELECT same();

-- Transactions: ROLLBACK and ROLLBACK TO SAVEPOINT leave nothing behind.
BEGIN;
INSERT INTO m VALUES (now(), 'rolled back', 0, 0);
DELETE FROM m WHERE n < 100;
SAVEPOINT s;
UPDATE m SET v = -1;
ROLLBACK TO SAVEPOINT s;
SELECT count(*) FILTER (WHERE v = -1) AS updated, count(*) FILTER (WHERE n < 100) AS deleted FROM m;
ROLLBACK;
SELECT same();

-- System columns read as the row's: ctid names a hot row, xmin its inserter.
SELECT (ctid::text::point)[0] >= 1073741824 AS hot_tid, xmin::text::bigint > 0 AS has_xmin FROM m WHERE n = 42;
BEGIN;
INSERT INTO m (n) VALUES (-1);
SELECT xmin::text = txid_current()::text AS own_xmin FROM m WHERE n = -1;
ROLLBACK;
SELECT n FROM m WHERE ctid = (SELECT ctid FROM m WHERE n = 42);

-- SELECT ... FOR UPDATE and DELETE ... RETURNING.
BEGIN;
SELECT n FROM m WHERE n = 7 FOR UPDATE;
DELETE FROM m WHERE n = 7 RETURNING n, host;
ROLLBACK;

-- Columns added and dropped; values too large for a heap page.
ALTER TABLE m ADD COLUMN note text DEFAULT 'none';
ALTER TABLE h ADD COLUMN note text DEFAULT 'none';
INSERT INTO m (time, host, v, n, note) VALUES ('2022-01-01', 'big', 1, 9999, repeat('x', 100000));
INSERT INTO h (time, host, v, n, note) VALUES ('2022-01-01', 'big', 1, 9999, repeat('x', 100000));
ALTER TABLE m DROP COLUMN n;
ALTER TABLE h DROP COLUMN n;
SELECT same();
SELECT length(note) FROM m WHERE host = 'big';
ALTER TABLE m ALTER COLUMN v TYPE numeric;
ALTER TABLE h ALTER COLUMN v TYPE numeric;
SELECT same();

-- TRUNCATE, also rolled back.
BEGIN;
TRUNCATE m;
SELECT count(*) FROM m;
ROLLBACK;
SELECT same();
TRUNCATE m;
TRUNCATE h;
SELECT count(*) FROM m;
VACUUM m;
ANALYZE m;
VACUUM ANALYZE m;

-- Operations tsdb tables refuse, with a message that says what to do.
CREATE INDEX ON m (time);
ALTER TABLE m ADD PRIMARY KEY (time);
CLUSTER m;
CREATE TEMP TABLE tmp_m (t timestamptz) USING tsdb;
CREATE UNLOGGED TABLE unlogged_m (t timestamptz) USING tsdb;
SELECT * FROM m TABLESAMPLE SYSTEM (10);

-- DROP TABLE leaves nothing behind in the internal relations.
INSERT INTO m (time, host, v) VALUES (now(), 'x', 1);
SELECT tsdb_internal.storage_id('m') AS storage \gset
SELECT count(*) FROM tsdb_internal.hot_rows WHERE storage_id = :storage;
DROP TABLE m;
SELECT count(*) FROM tsdb_internal.hot_rows WHERE storage_id = :storage;
SELECT count(*) FROM tsdb_internal.storages WHERE storage_id = :storage;

-- A session that never loaded the library drops a table: the sql_drop event
-- trigger sweeps its storage.
CREATE TABLE m2 (time timestamptz, v float8) USING tsdb;
INSERT INTO m2 VALUES (now(), 1), (now(), 2);
SELECT tsdb_internal.storage_id('m2') AS storage \gset
\c
DROP TABLE m2;
SELECT count(*) FROM tsdb_internal.hot_rows WHERE storage_id = :storage;
SELECT count(*) FROM tsdb_internal.storages WHERE storage_id = :storage;
SELECT tsdb_internal.storage_id('h');

-- DROP EXTENSION takes its tables (CASCADE) and every internal relation.
CREATE TABLE m3 (time timestamptz, v float8) USING tsdb;
INSERT INTO m3 VALUES (now(), 1);
DROP EXTENSION tsdb;
DROP EXTENSION tsdb CASCADE;
SELECT count(*) FROM pg_namespace WHERE nspname IN ('tsdb', 'tsdb_internal');
SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'tsdb%';
CREATE EXTENSION tsdb;
CREATE TABLE m3 (time timestamptz, v float8) USING tsdb;
INSERT INTO m3 VALUES ('2020-01-01', 3);
SELECT * FROM m3;
DROP TABLE m3;
