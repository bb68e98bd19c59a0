-- Custom Scan (TsdbAggregate): which aggregations it computes, and that they equal PostgreSQL's.
SET timezone = 'UTC';
CREATE TABLE ap (time timestamptz, host text, v float8, w float8, n int) USING tsdb;
-- 4 hosts x 5000 rows every 30 s across the 2024-03-31 DST change in Europe, plus hot rows.
INSERT INTO ap SELECT '2024-03-30 12:00:00+00'::timestamptz + (g / 4) * interval '30 s', 'h' || (g % 4),
                      (g % 200) / 2.0, CASE WHEN g % 7 = 0 THEN NULL ELSE g % 13 END, g
FROM generate_series(0, 19999) g;
SET tsdb.write_blocks_directly = off;
INSERT INTO ap VALUES ('2024-03-31 00:30:00+00', 'h1', 1000, 1, -1), (NULL, 'h2', -5, NULL, -2),
                      ('2024-03-31 01:30:00+00', NULL, 7, 7, -3);
RESET tsdb.write_blocks_directly;
DELETE FROM ap WHERE n % 101 = 0;
ANALYZE ap;

-- Compares a query's answer with pushdown on and off (0 = equal).
CREATE FUNCTION ap_diff(query text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  on_answer text;
  off_answer text;
BEGIN
  EXECUTE 'SELECT string_agg(r::text, E''\n'') FROM (' || query || ') r' INTO on_answer;
  SET LOCAL tsdb.enable_aggregate_pushdown = off;
  EXECUTE 'SELECT string_agg(r::text, E''\n'') FROM (' || query || ') r' INTO off_answer;
  SET LOCAL tsdb.enable_aggregate_pushdown = on;
  RETURN CASE WHEN on_answer IS NOT DISTINCT FROM off_answer THEN 0 ELSE 1 END;
END $$;

EXPLAIN (COSTS OFF)
SELECT time_bucket('1 hour', time) AS hour, host, avg(v), max(v), count(*)
FROM ap WHERE time >= '2024-03-30 18:00' AND time < '2024-03-31 06:00' GROUP BY 1, 2 ORDER BY 1, 2;
SELECT ap_diff($$SELECT time_bucket('1 hour', time) AS hour, host, avg(v), max(v), count(*) FROM ap
                WHERE time >= '2024-03-30 18:00' AND time < '2024-03-31 06:00' GROUP BY 1, 2 ORDER BY 1, 2$$) AS hourly;
SELECT ap_diff($$SELECT date_trunc('day', time, 'Europe/Berlin') AS day, count(*), sum(v), min(w), max(time)
                FROM ap GROUP BY 1 ORDER BY 1$$) AS berlin_days;
SELECT ap_diff($$SELECT time_bucket('1 day', time, 'Europe/Berlin') AS day, host, count(w), avg(w)
                FROM ap GROUP BY 1, 2 ORDER BY 1, 2$$) AS berlin_buckets;
SELECT ap_diff($$SELECT date_bin('15 minutes', time, '2024-01-01 00:07') AS b, min(v), max(v)
                FROM ap WHERE host IN ('h1', 'h3') AND v > 20 GROUP BY 1 ORDER BY 1$$) AS date_bin;
-- Fixed-width buckets are computed without calling the function at or after their origin;
-- times before it (origin inside or after the data) go through the function.
SELECT ap_diff($$SELECT time_bucket('7 minutes', time, timestamptz '2024-03-30 20:03:17') AS b, count(*), max(v)
                FROM ap GROUP BY 1 ORDER BY 1$$) AS origin_inside;
SELECT ap_diff($$SELECT date_bin('7 minutes', time, '2030-01-01 00:00:01') AS b, count(*), min(w)
                FROM ap GROUP BY 1 ORDER BY 1$$) AS origin_after;
SELECT ap_diff($$SELECT time_bucket('90 seconds', time) AS b, host, sum(v) FROM ap
                WHERE time < '2024-03-30 13:00' GROUP BY 1, 2 ORDER BY 1, 2$$) AS default_origin;
SELECT ap_diff($$SELECT host, count(*), sum(v), min(time), max(time) FROM ap GROUP BY host ORDER BY host$$) AS by_host;
SELECT ap_diff($$SELECT n / 1000 AS k, count(*) FROM ap GROUP BY 1 ORDER BY 1$$) AS not_pushed;
-- Newest buckets first: grouped by a bucket alone, ordered by it, a few kept (TSBS's
-- groupby-orderby-limit): the groups stream from a time-ordered scan and the Limit stops it.
EXPLAIN (COSTS OFF)
SELECT time_bucket('1 minute', time) AS minute, max(v) FROM ap WHERE time < '2024-03-31 04:00'
GROUP BY minute ORDER BY minute DESC LIMIT 5;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT time_bucket('1 minute', time) AS minute, max(v) FROM ap WHERE time < '2024-03-31 04:00'
GROUP BY minute ORDER BY minute DESC LIMIT 5;
SELECT ap_diff($$SELECT time_bucket('1 minute', time) AS minute, max(v), count(*), avg(w), min(time)
                FROM ap WHERE time < '2024-03-31 04:00' GROUP BY minute ORDER BY minute DESC LIMIT 5$$) AS newest;
-- The NULL time's group comes first descending, last ascending; hot rows and deleted rows count.
SELECT ap_diff($$SELECT date_trunc('hour', time) AS h, count(*), sum(v), last(time, time)
                FROM ap GROUP BY 1 ORDER BY 1 DESC LIMIT 3$$) AS newest_null;
SELECT ap_diff($$SELECT date_trunc('hour', time) AS h, count(*), max(w)
                FROM ap GROUP BY 1 ORDER BY 1 LIMIT 100 OFFSET 40$$) AS oldest_tail;
SELECT ap_diff($$SELECT date_bin('10 minutes', time, '2024-01-01') AS b, count(*) FROM ap
                WHERE host = 'h2' GROUP BY 1 HAVING count(*) > 19 ORDER BY 1 DESC LIMIT 4$$) AS newest_having;
SELECT date_trunc('hour', time) AS h, count(*), max(v) FROM ap GROUP BY 1 ORDER BY 1 DESC LIMIT 3;
-- Ordered by the bucket without a LIMIT: the groups come sorted from the node, no Sort above.
EXPLAIN (COSTS OFF) SELECT date_trunc('hour', time) AS h, count(*) FROM ap GROUP BY 1 ORDER BY 1;
SELECT ap_diff($$SELECT date_trunc('hour', time) AS h, count(*), avg(v) FROM ap GROUP BY 1 ORDER BY 1$$) AS sorted_asc;
SELECT ap_diff($$SELECT time_bucket('20 minutes', time) AS b, max(w) FROM ap GROUP BY 1 ORDER BY 1 DESC$$) AS sorted_desc;
-- first/last(value, time) as TimescaleDB defines them (times are unique per host here).
EXPLAIN (COSTS OFF) SELECT host, first(v, time), last(w, time) FROM ap GROUP BY host;
SELECT ap_diff($$SELECT host, first(v, time), last(v, time), first(w, time), last(n, time), count(*)
                FROM ap GROUP BY host ORDER BY host$$) AS first_last;
SELECT host, first(n, time), last(n, time) FROM ap WHERE host IS NOT NULL GROUP BY host ORDER BY host;
SELECT first(x, t), last(x, t), first(s, t), last(s, t)
FROM (VALUES (1.0, 3, 'a'), (2.0, 1, 'b'), (NULL, 5, 'c'), (9, NULL, 'd')) v(x, t, s);
SELECT first(x, point(0, 0)) FROM (VALUES (1)) v(x);
-- key IN (SELECT ...) on the series key runs as key = ANY (ARRAY(SELECT ...)): probes, and pushdown.
EXPLAIN (COSTS OFF)
SELECT time_bucket('1 hour', time) AS hour, max(v) FROM ap
WHERE host IN (SELECT 'h' || i FROM generate_series(1, 2) i) AND time < '2024-03-30 15:00' GROUP BY 1;
SELECT ap_diff($$SELECT time_bucket('1 hour', time) AS hour, max(v), count(*) FROM ap
                WHERE host IN (SELECT 'h' || i FROM generate_series(1, 2) i) GROUP BY 1 ORDER BY 1$$) AS key_in;
SELECT count(*) FROM ap WHERE host IN (SELECT NULL::text UNION ALL SELECT 'h1');
SELECT count(*) FROM ap WHERE host IN (SELECT 'nope' WHERE false);
-- Without GROUP BY: one row, even over no rows.
SELECT count(*), count(w), sum(v), avg(v), min(v), max(time) FROM ap;
SELECT count(*), sum(v), avg(v), max(time) FROM ap WHERE time > '2030-01-01';
SELECT host, count(*) FROM ap WHERE time > '2030-01-01' GROUP BY host;
-- HAVING applies to its output.
SELECT host, count(*) FROM ap GROUP BY host HAVING max(v) > 200 ORDER BY host;

-- float8 edge cases as PostgreSQL computes them: NaN above all numbers, -0, overflow.
CREATE TABLE ap_edge (time timestamptz, k text, x float8) USING tsdb;
INSERT INTO ap_edge SELECT '2024-01-01'::timestamptz + g * interval '1 s', 'a',
                           CASE WHEN g = 500 THEN 'NaN'::float8 ELSE g END FROM generate_series(1, 1000) g;
INSERT INTO ap_edge SELECT '2024-01-01'::timestamptz + g * interval '1 s', 'b', '-0' FROM generate_series(1, 300) g;
INSERT INTO ap_edge SELECT '2024-01-01'::timestamptz + g * interval '1 s', 'c', 1e308 FROM generate_series(1, 300) g;
EXPLAIN (COSTS OFF) SELECT k, min(x), max(x), sum(x) FROM ap_edge WHERE k = 'a' GROUP BY k;
SELECT k, min(x), max(x), sum(x), avg(x) FROM ap_edge WHERE k <> 'c' GROUP BY k ORDER BY k;
SELECT sum(x) FROM ap_edge WHERE k = 'b' AND time < '2024-01-01 00:00:02';
SELECT sum(x) FROM ap_edge WHERE k = 'c';
SELECT avg(x) FROM ap_edge WHERE k = 'c';
SET tsdb.enable_aggregate_pushdown = off;
SELECT sum(x) FROM ap_edge WHERE k = 'c';
RESET tsdb.enable_aggregate_pushdown;

-- Not pushed down: aggregates it does not compute, DISTINCT, FILTER, conditions it cannot
-- vectorize, grouping by a float column, joins.
EXPLAIN (COSTS OFF) SELECT host, avg(n) FROM ap GROUP BY host;
EXPLAIN (COSTS OFF) SELECT host, count(DISTINCT v) FROM ap GROUP BY host;
EXPLAIN (COSTS OFF) SELECT host, count(*) FILTER (WHERE v > 1) FROM ap GROUP BY host;
EXPLAIN (COSTS OFF) SELECT host, count(*) FROM ap WHERE n % 2 = 0 GROUP BY host;
EXPLAIN (COSTS OFF) SELECT v, count(*) FROM ap GROUP BY v;
-- Rescanned in a correlated subquery; columns added after the blocks were written.
SELECT h, (SELECT count(*) FROM ap WHERE ap.host = h) FROM (VALUES ('h0'), ('h2'), ('x')) v(h);
ALTER TABLE ap ADD COLUMN site text DEFAULT 'berlin';
SELECT ap_diff($$SELECT site, host, count(*), max(v) FROM ap GROUP BY 1, 2 ORDER BY 1, 2$$) AS added_column;
SELECT site, count(*) FROM ap GROUP BY site;
DROP TABLE ap, ap_edge;
DROP FUNCTION ap_diff(text);
RESET timezone;
