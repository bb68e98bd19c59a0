-- Custom Scan (TsdbScan): what it prunes and filters, when it is used and when not.
-- (Aggregates over it run as TsdbAggregate: sql/aggregate_pushdown.sql; off here to see the scan.)
SET tsdb.enable_aggregate_pushdown = off;
SET tsdb.write_blocks_directly = on;
CREATE TABLE cs (time timestamptz, host text, v float8, n int) USING tsdb;
-- 10 cs_hosts x 2000 rows each, one every 10 s per host: 10 blocks of 2000 rows.
INSERT INTO cs SELECT '2024-01-01 00:00:00+00'::timestamptz + (g / 10) * interval '10 s', 'h' || (g % 10), g % 101, g
FROM generate_series(0, 59999) g;
-- Two hot rows.
SET tsdb.write_blocks_directly = off;
INSERT INTO cs VALUES ('2024-01-01 01:00:00+00', 'h3', 1000, -1), (NULL, 'h4', 1001, -2);
RESET tsdb.write_blocks_directly;
CREATE TABLE cs_hosts (name text, grp int);
INSERT INTO cs_hosts SELECT 'h' || i, i % 3 FROM generate_series(0, 9) i;
ANALYZE cs;
ANALYZE cs_hosts;

-- EXPLAIN ANALYZE shows what was pruned, decoded and filtered.
CREATE FUNCTION explain_scan(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
    RETURN NEXT line;
  END LOOP;
END $$;

-- Time range: blocks outside it are pruned from their metadata.
SELECT count(*), sum(v) FROM cs WHERE time >= '2024-01-01 05:00:00+00' AND time < '2024-01-01 05:10:00+00';
SELECT explain_scan($$SELECT count(*) FROM cs WHERE time >= '2024-01-01 05:00:00+00' AND time < '2024-01-01 05:10:00+00'$$);
-- Grafana's $__timeFilter: BETWEEN; and a series key value.
SELECT explain_scan($$SELECT count(*) FROM cs WHERE host = 'h3' AND time BETWEEN '2024-01-01 01:00:00+00' AND '2024-01-01 02:00:00+00'$$);
SELECT count(*), max(v) FROM cs WHERE host = 'h3' AND time BETWEEN '2024-01-01 01:00:00+00' AND '2024-01-01 02:00:00+00';
-- IN lists probe the series key index, one value at a time.
SELECT explain_scan($$SELECT count(*) FROM cs WHERE host IN ('h1', 'h2', 'nope')$$);
-- Vectorized filter on a value column: rows are formed only for matches.
SELECT explain_scan($$SELECT count(*) FROM cs WHERE v > 99$$);
SELECT count(*) FROM cs WHERE v > 99;
-- Stable expressions and parameters are evaluated when the scan starts.
SELECT explain_scan($$SELECT count(*) FROM cs WHERE time > now() - interval '1 hour'$$);
PREPARE by_host(text, timestamptz) AS SELECT count(*) FROM cs WHERE host = $1 AND time >= $2;
SET plan_cache_mode = force_generic_plan;
SELECT explain_scan($$EXECUTE by_host('h5', '2024-01-01 05:00:00+00')$$);
EXECUTE by_host('h5', '2024-01-01 05:00:00+00');
EXECUTE by_host(NULL, '2024-01-01 05:00:00+00');
RESET plan_cache_mode;
-- Contradictions and NULLs read nothing.
SELECT explain_scan($$SELECT count(*) FROM cs WHERE time > '2024-01-02' AND time < '2024-01-01'$$);
SELECT count(*) FROM cs WHERE host = ANY ('{}'::text[]);
-- key IN (SELECT ...) runs as key = ANY (ARRAY(SELECT ...)): one probe per value the subquery returns.
SELECT explain_scan($$SELECT count(*) FROM cs WHERE host IN (SELECT name FROM cs_hosts WHERE grp = 1)
                      AND time >= '2024-01-01 02:00:00+00' AND time < '2024-01-01 03:00:00+00'$$);
SELECT count(*) FROM cs WHERE host IN (SELECT name FROM cs_hosts WHERE grp = 1)
  AND time >= '2024-01-01 02:00:00+00' AND time < '2024-01-01 03:00:00+00';
-- A join on the series key probes each host the other side finds (parameterized path).
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT explain_scan($$SELECT count(*) FROM cs JOIN cs_hosts h ON cs.host = h.name
                      WHERE h.grp = 1 AND time >= '2024-01-01 02:00:00+00' AND time < '2024-01-01 03:00:00+00'$$);
RESET enable_hashjoin;
RESET enable_mergejoin;
-- Rescans: the latest row of each host.
SELECT h.name, l.time, l.v FROM cs_hosts h
CROSS JOIN LATERAL (SELECT time, v FROM cs WHERE cs.host = h.name ORDER BY time DESC LIMIT 1) l
ORDER BY 1;

-- ORDER BY time DESC / ASC with LIMIT decodes only the newest / oldest blocks.
SELECT explain_scan($$SELECT time, host, v FROM cs ORDER BY time DESC LIMIT 3$$);
SELECT time, host, v, n FROM cs ORDER BY time DESC, n LIMIT 3;
SELECT time, host, v, n FROM cs ORDER BY time DESC LIMIT 1;
SELECT time, host, v, n FROM cs WHERE host = 'h2' ORDER BY time LIMIT 2;
-- NULL times come first descending, last ascending (PostgreSQL's defaults), hot rows merged in.
SELECT n FROM cs WHERE host = 'h4' ORDER BY time DESC LIMIT 2;
SELECT n FROM cs WHERE host = 'h4' ORDER BY time LIMIT 1;
SELECT explain_scan($$SELECT h.name, l.n FROM cs_hosts h CROSS JOIN LATERAL
                      (SELECT n FROM cs WHERE cs.host = h.name ORDER BY time DESC LIMIT 1) l$$);

-- Blocks rewritten by VACUUM FULL keep their stored last rows usable.
VACUUM FULL cs;
SELECT explain_scan($$SELECT n FROM cs WHERE host = 'h2' ORDER BY time DESC LIMIT 2$$);
SELECT n, v FROM cs WHERE host = 'h2' ORDER BY time DESC LIMIT 2;
SELECT n FROM cs WHERE host = 'h2' AND v < 50 ORDER BY time DESC LIMIT 1;

-- Latest rows per series through a nested loop: each probe starts from its series' newest block
-- (found once per node from the blocks' max_time index) and reads the others only when it wants
-- more rows. Against the answers without the custom scan: more rows than a block holds, a newest
-- row the qual rejects, a deleted newest row, a hot row newer than every block, and a leading
-- key value with two series (key host, region) whose newest blocks differ.
CREATE FUNCTION cs_diff(query text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  on_answer text;
  off_answer text;
BEGIN
  EXECUTE 'SELECT string_agg(r::text, E''\n'') FROM (' || query || ') r' INTO on_answer;
  SET LOCAL tsdb.enable_custom_scan = off;
  EXECUTE 'SELECT string_agg(r::text, E''\n'') FROM (' || query || ') r' INTO off_answer;
  SET LOCAL tsdb.enable_custom_scan = on;
  RETURN CASE WHEN on_answer IS NOT DISTINCT FROM off_answer THEN 0 ELSE 1 END;
END $$;
DELETE FROM cs WHERE host = 'h5' AND n = (SELECT max(n) FROM cs WHERE host = 'h5');
SET tsdb.write_blocks_directly = off;
INSERT INTO cs VALUES ('2024-01-02 00:00:00+00', 'h6', 5, -6);
RESET tsdb.write_blocks_directly;
SELECT explain_scan($$SELECT h.name, l.n FROM cs_hosts h CROSS JOIN LATERAL
                      (SELECT n FROM cs WHERE cs.host = h.name ORDER BY time DESC LIMIT 1) l$$);
SELECT h.name, l.time, l.n FROM cs_hosts h
CROSS JOIN LATERAL (SELECT time, n FROM cs WHERE cs.host = h.name ORDER BY time DESC LIMIT 1) l
WHERE h.name IN ('h5', 'h6') ORDER BY 1;
SELECT cs_diff($$SELECT h.name, l.time, l.n FROM cs_hosts h CROSS JOIN LATERAL
                 (SELECT time, n FROM cs WHERE cs.host = h.name ORDER BY time DESC LIMIT 3) l ORDER BY 1, 2, 3$$) AS latest_3;
SELECT cs_diff($$SELECT h.name, count(*), min(l.time), sum(l.n) FROM cs_hosts h CROSS JOIN LATERAL
                 (SELECT time, n FROM cs WHERE cs.host = h.name ORDER BY time DESC LIMIT 4500) l GROUP BY 1 ORDER BY 1$$) AS past_blocks;
SELECT cs_diff($$SELECT h.name, l.time, l.n FROM cs_hosts h CROSS JOIN LATERAL
                 (SELECT time, n FROM cs WHERE cs.host = h.name AND v < 3 ORDER BY time DESC LIMIT 2) l ORDER BY 1, 2, 3$$) AS latest_filtered;
CREATE TABLE cs2 (time timestamptz, host text, region text, v float8) USING tsdb;
INSERT INTO cs2 SELECT '2024-01-01'::timestamptz + g * interval '1 min', 'h' || (g % 3), 'r' || (g % 2), g
FROM generate_series(0, 999) g;
INSERT INTO cs2 VALUES ('2024-01-05', 'h1', 'r0', -1), ('2024-01-04', 'h1', 'r1', -2);
SELECT h.name, l.* FROM (VALUES ('h0'), ('h1'), ('h2'), ('h9')) h(name)
CROSS JOIN LATERAL (SELECT time, region, v FROM cs2 WHERE cs2.host = h.name ORDER BY time DESC LIMIT 2) l ORDER BY 1, 2;
SELECT cs_diff($$SELECT h.name, l.* FROM (VALUES ('h0'), ('h1'), ('h2'), ('h9')) h(name)
                 CROSS JOIN LATERAL (SELECT time, region, v FROM cs2 WHERE cs2.host = h.name ORDER BY time DESC LIMIT 400) l
                 ORDER BY 1, 2, 3$$) AS two_series;
DROP TABLE cs2;

-- Hot rows, columns added after blocks were written, whole rows, tableoid.
ALTER TABLE cs ADD COLUMN extra int DEFAULT 7;
SELECT extra, count(*) FROM cs GROUP BY extra;
SELECT c FROM cs c WHERE n IN (5, -1, -2) ORDER BY n;
SELECT tableoid::regclass, count(*) FROM cs GROUP BY 1;
ALTER TABLE cs DROP COLUMN extra;
SELECT count(*) FROM cs WHERE time IS NULL;

-- Where the access method's scan stays: system columns other than tableoid,
-- row locks, the target of UPDATE/DELETE, TABLESAMPLE, and the GUC off.
EXPLAIN (COSTS OFF) SELECT ctid FROM cs WHERE n = 5;
SELECT ctid IS NOT NULL AS has_ctid FROM cs WHERE n = 5;
EXPLAIN (COSTS OFF) SELECT n FROM cs WHERE n = 5 FOR UPDATE;
EXPLAIN (COSTS OFF) DELETE FROM cs WHERE n = 5;
EXPLAIN (COSTS OFF) UPDATE cs SET v = 0 FROM cs_hosts WHERE cs.host = cs_hosts.name AND n = 5;
SET tsdb.enable_custom_scan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM cs WHERE host = 'h1';
RESET tsdb.enable_custom_scan;
-- Cursors move backwards through a materialized copy.
BEGIN;
DECLARE c SCROLL CURSOR FOR SELECT n FROM cs WHERE host = 'h1' AND n < 60 ORDER BY n;
FETCH 3 FROM c;
FETCH BACKWARD 2 FROM c;
COMMIT;
-- A forced parallel plan runs the scan in a worker.
SET force_parallel_mode = on;
SELECT count(*), sum(v) FROM cs WHERE host = 'h7';
RESET force_parallel_mode;
RESET tsdb.enable_aggregate_pushdown;
DROP TABLE cs, cs_hosts;
DROP FUNCTION explain_scan(text);
