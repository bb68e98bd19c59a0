-- tsdb demo: scripts/setup.sh runs it in a fresh database tsdb_demo
-- (psql -v ON_ERROR_STOP=1 -d tsdb_demo -f scripts/demo.sql). Series of 1000 samples shaped like
-- TSBS cpu-only data, each encoded and decoded again; then a tsdb table next to a heap table.
\set QUIET on
\pset footer off
CREATE EXTENSION IF NOT EXISTS tsdb;
-- A fixed seed: the same data on every run (\gset so that it prints nothing).
SELECT setseed(0.42) \gset

-- One row per sample; r1..r4 are the random draws the series are made of.
CREATE TEMP TABLE sample AS
SELECT i,
       greatest(0, least(100, 35 + sum(floor(r1 * 5) - 2) OVER (ORDER BY i)))::float8 AS cpu,
       (sum((r2 * 4000)::int8) OVER (ORDER BY i))::int8 AS counter,
       round((62 + 8 * sin(i / 60.0) + r3)::numeric, 2)::float8 AS gauge,
       CASE WHEN r4 < 0.05 THEN NULL ELSE round((20 + 5 * r3)::numeric, 1)::float8 END AS gappy,
       r4 * 1e6 AS noise,
       timestamptz '2024-01-01 00:00:00+00' + i * interval '10 s' AS ts,
       timestamptz '2024-01-01 00:00:00+00' + i * interval '10 s' + floor(r3 * 200 - 100) * interval '1 ms' AS ts_jitter,
       'host_' || floor(r2 * 8)::int AS host
FROM (SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4
      FROM generate_series(0, 999) AS i) AS draws;

CREATE TEMP TABLE encoded (ord int, name text, n int, raw_bytes int, enc bytea, round_trip bool);
INSERT INTO encoded
SELECT ord, name, cardinality(v), 8 * cardinality(v), e, tsdb.decode_float8(e) = v
FROM (SELECT ord, name, v, tsdb.encode_float8(v) AS e
      FROM (VALUES (1, 'cpu usage_user: integer walk 0..100', (SELECT array_agg(cpu ORDER BY i) FROM sample)),
                   (2, 'mem used_percent: gauge, 2 decimals', (SELECT array_agg(gauge ORDER BY i) FROM sample)),
                   (3, 'temperature: 1 decimal, 5% NULL', (SELECT array_agg(gappy ORDER BY i) FROM sample)),
                   (4, 'random doubles', (SELECT array_agg(noise ORDER BY i) FROM sample))) AS d(ord, name, v)) AS x;
INSERT INTO encoded
SELECT 5, 'net bytes_recv: counter (int8)', cardinality(v), 8 * cardinality(v), e, tsdb.decode_int8(e) = v
FROM (SELECT v, tsdb.encode_int8(v) AS e FROM (SELECT array_agg(counter ORDER BY i) AS v FROM sample) AS d) AS x;
INSERT INTO encoded
SELECT ord, name, cardinality(v), 8 * cardinality(v), e, tsdb.decode_timestamptz(e) = v
FROM (SELECT ord, name, v, tsdb.encode_timestamptz(v) AS e
      FROM (VALUES (6, 'time: every 10 s', (SELECT array_agg(ts ORDER BY i) FROM sample)),
                   (7, 'time: every 10 s +- 100 ms jitter', (SELECT array_agg(ts_jitter ORDER BY i) FROM sample))) AS d(ord, name, v)) AS x;
INSERT INTO encoded
SELECT 8, 'hostname: 8 distinct (text)', cardinality(v), (SELECT sum(octet_length(h)) FROM unnest(v) AS h), e,
       tsdb.decode_text(e) = v
FROM (SELECT v, tsdb.encode_text(v) AS e FROM (SELECT array_agg(host ORDER BY i) AS v FROM sample) AS d) AS x;

\echo
\echo 'tsdb codecs on 1000-sample series (raw = 8 bytes a value; for text, the bytes of the strings)'
\echo
SELECT name AS "data set",
       tsdb.describe_encoded(enc) ->> 'codec' AS codec,
       n AS "values",
       (tsdb.describe_encoded(enc) ->> 'null_count')::int AS nulls,
       octet_length(enc) AS bytes,
       round(8.0 * octet_length(enc) / n, 2) AS "bits/value",
       round(raw_bytes::numeric / octet_length(enc), 1) || 'x' AS "vs raw",
       round_trip AS "decoded = original"
FROM encoded ORDER BY ord;

\echo 'tsdb.describe_encoded() of the cpu series:'
SELECT jsonb_pretty(tsdb.describe_encoded(enc)) AS describe_encoded FROM encoded WHERE ord = 1;

DO $$
BEGIN
  IF EXISTS (SELECT FROM encoded WHERE round_trip IS NOT TRUE) THEN
    RAISE EXCEPTION 'a round trip changed the data: see the table above';
  END IF;
END $$;
\echo 'Every series decoded to exactly its original values.'

-- A tsdb table next to a heap table with the same rows: 20 hosts x 1 day
-- every 10 s (172,800 rows), loaded with COPY (which writes blocks).
CREATE TABLE demo_cpu (time timestamptz, hostname text, usage_user float8, usage_system float8) USING tsdb;
CREATE TABLE demo_cpu_heap (LIKE demo_cpu);
CREATE INDEX ON demo_cpu_heap (hostname, time DESC);
CREATE TEMP TABLE demo_rows AS
SELECT '2024-01-01'::timestamptz + t * interval '10 s' AS time, 'host_' || h AS hostname,
       floor(50 + 30 * sin(t / 300.0 + h) + 4 * random()) AS usage_user,
       floor(10 + 5 * cos(t / 200.0 + h) + 2 * random()) AS usage_system
FROM generate_series(0, 8639) t, generate_series(0, 19) h ORDER BY t, h;
SELECT current_setting('data_directory') || '/tsdb_demo.copy' AS demo_file \gset
COPY demo_rows TO :'demo_file' (FORMAT binary);
COPY demo_cpu FROM :'demo_file' (FORMAT binary);
COPY demo_cpu_heap FROM :'demo_file' (FORMAT binary);
ANALYZE demo_cpu, demo_cpu_heap;
\echo
\echo 'The same 172,800 rows in a tsdb table and in a heap table with an index:'
SELECT 'tsdb' AS "table", warm_rows + hot_rows AS rows, blocks, pg_size_pretty(total_bytes) AS size,
       round(total_bytes::numeric / (warm_rows + hot_rows), 1) AS bytes_per_row
FROM tsdb.table_stats WHERE table_name = 'demo_cpu'::regclass
UNION ALL
SELECT 'heap + index', count(*), NULL, pg_size_pretty(pg_total_relation_size('demo_cpu_heap')),
       round(pg_total_relation_size('demo_cpu_heap')::numeric / count(*), 1)
FROM demo_cpu_heap;
DO $$
BEGIN
  IF EXISTS (SELECT * FROM demo_cpu EXCEPT ALL SELECT * FROM demo_cpu_heap)
     OR EXISTS (SELECT * FROM demo_cpu_heap EXCEPT ALL SELECT * FROM demo_cpu) THEN
    RAISE EXCEPTION 'the tsdb table and the heap table differ';
  END IF;
END $$;
\echo 'Both tables hold exactly the same rows. Hourly averages read like any table:'
SELECT date_trunc('hour', time) AS hour, round(avg(usage_user)::numeric, 2) AS avg_user
FROM demo_cpu WHERE hostname = 'host_3' AND time < '2024-01-01 03:00' GROUP BY 1 ORDER BY 1;
