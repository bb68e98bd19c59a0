-- PromQL in Postgres: the series catalog, writes through tsdb.metrics, the
-- query functions, and that privileges and row-level security apply.
SET timezone = 'UTC';

-- promqltest load blocks (values at 0, 5m, 10m, ...).
SELECT tsdb.promql_load($$
load 5m
  http_requests{job="api", instance="0"} 0+10x10
  http_requests{job="api", instance="1"} 0+20x10
  http_requests{job="db", instance="0"} 0+30x10

load 1m
  stale_metric 1 2 3 stale
$$);
SELECT id, metric_name, labels FROM tsdb.prom_series_labels ORDER BY id;

-- Instant queries: a row per series, at the evaluation time.
SELECT * FROM tsdb.promql_query('http_requests', 'epoch'::timestamptz + interval '50 minutes')
ORDER BY labels::text;
SELECT * FROM tsdb.promql_query('sum by (job) (http_requests)', 'epoch'::timestamptz + interval '50 minutes')
ORDER BY labels::text;
-- The stale marker at 3m ends stale_metric right away (no 5m lookback).
SELECT value FROM tsdb.promql_query('stale_metric', 'epoch'::timestamptz + interval '150 seconds');
SELECT value FROM tsdb.promql_query('stale_metric', 'epoch'::timestamptz + interval '210 seconds');
-- Still so once the samples are compressed into blocks (the marker is one
-- particular NaN; the codecs keep its bits).
SELECT tsdb.compress('tsdb.prom_samples') > 0 AS compressed;
SELECT value FROM tsdb.promql_query('stale_metric', 'epoch'::timestamptz + interval '150 seconds');
SELECT value FROM tsdb.promql_query('stale_metric', 'epoch'::timestamptz + interval '210 seconds');
-- An instant selector reads each series' newest sample. In blocks, the
-- stored last row of a series' newest block answers when the evaluation
-- time is past that block; else (a deleted last row, a time inside the
-- block) the blocks are decoded; a newer hot row wins. Each answer is
-- compared with the same query read through SQL (promql_direct_read off).
SELECT tsdb.promql_load($$
load 1m
  newest{s="a"} 1+1x9
  newest{s="b"} 1+1x9
  newest{s="c"} 1+1x4 _x4 stale
$$);
SELECT tsdb.compress('tsdb.prom_samples') > 0 AS compressed;
-- newest and timestamp(newest) at `at`, read as tsdb.promql_direct_read says.
CREATE FUNCTION pg_temp.newest_read(at interval, direct text)
RETURNS TABLE (s text, value float8, sample_time float8) LANGUAGE plpgsql AS $f$
BEGIN
  PERFORM set_config('tsdb.promql_direct_read', direct, true);
  RETURN QUERY SELECT v.labels->>'s', v.value, t.value
    FROM tsdb.promql_query('newest', 'epoch'::timestamptz + at) v
    JOIN tsdb.promql_query('timestamp(newest)', 'epoch'::timestamptz + at) t
      ON t.labels->>'s' = v.labels->>'s';
  PERFORM set_config('tsdb.promql_direct_read', 'on', true);
END $f$;
CREATE FUNCTION pg_temp.newest_both(at interval)
RETURNS TABLE (s text, direct float8, direct_time float8, via_sql float8, via_sql_time float8)
LANGUAGE sql AS $f$
  WITH d AS MATERIALIZED (SELECT * FROM pg_temp.newest_read(at, 'on')),
       q AS MATERIALIZED (SELECT * FROM pg_temp.newest_read(at, 'off'))
  SELECT coalesce(d.s, q.s), d.value, d.sample_time, q.value, q.sample_time
  FROM d FULL JOIN q ON d.s = q.s ORDER BY 1
$f$;
-- Past the blocks: the last rows (c ended with a stale marker).
SELECT * FROM pg_temp.newest_both('12 minutes');
-- Inside the blocks: decoded.
SELECT * FROM pg_temp.newest_both('8 minutes 30 seconds');
-- a's last row deleted: decoded, the row before it is the newest.
DELETE FROM tsdb.prom_samples
WHERE series_id = (SELECT id FROM tsdb.prom_series_labels WHERE labels->>'s' = 'a')
  AND time = 'epoch'::timestamptz + interval '9 minutes';
-- Hot rows of b: one at its block's last time (two samples at one time
-- read as the greater, whichever way they are read), one newer (it wins).
INSERT INTO tsdb.metrics VALUES
  ('{"__name__": "newest", "s": "b"}', 'epoch'::timestamptz + interval '9 minutes', 555),
  ('{"__name__": "newest", "s": "b"}', 'epoch'::timestamptz + interval '10 minutes', 100);
SELECT * FROM pg_temp.newest_both('12 minutes');
SELECT * FROM pg_temp.newest_both('9 minutes 30 seconds');
-- Decoded, the duplicate is read the same way.
SELECT value FROM tsdb.promql_query('newest{s="b"}[150s]', 'epoch'::timestamptz + interval '10 minutes') ORDER BY time;
SET tsdb.promql_direct_read = off;
SELECT value FROM tsdb.promql_query('newest{s="b"}[150s]', 'epoch'::timestamptz + interval '10 minutes') ORDER BY time;
RESET tsdb.promql_direct_read;
-- Decoded blocks are cached per backend (tsdb.promql_block_cache_size),
-- keyed by the version of the block row: rewritten blocks (VACUUM FULL)
-- and changed ones read anew; with no cache, the same.
SELECT value FROM tsdb.promql_query('newest{s="a"}[270s]', 'epoch'::timestamptz + interval '10 minutes') ORDER BY time;
DELETE FROM tsdb.prom_samples
WHERE series_id = (SELECT id FROM tsdb.prom_series_labels WHERE labels->>'s' = 'a')
  AND time = 'epoch'::timestamptz + interval '8 minutes';
SELECT value FROM tsdb.promql_query('newest{s="a"}[270s]', 'epoch'::timestamptz + interval '10 minutes') ORDER BY time;
VACUUM FULL tsdb.prom_samples;
SELECT value FROM tsdb.promql_query('newest{s="a"}[270s]', 'epoch'::timestamptz + interval '10 minutes') ORDER BY time;
SET tsdb.promql_block_cache_size = 0;
SELECT value FROM tsdb.promql_query('newest{s="a"}[270s]', 'epoch'::timestamptz + interval '10 minutes') ORDER BY time;
RESET tsdb.promql_block_cache_size;

-- Regex matchers are anchored.
SELECT count(*) FROM tsdb.promql_query('http_requests{job=~"a"}', 'epoch'::timestamptz + interval '50 minutes');
SELECT count(*) FROM tsdb.promql_query('http_requests{job=~"a.*"}', 'epoch'::timestamptz + interval '50 minutes');
SELECT count(*) FROM tsdb.promql_query('http_requests{job!~"a.*", instance!="1"}', 'epoch'::timestamptz + interval '50 minutes');
-- A scalar comes with empty labels; a range vector gives its samples.
SELECT * FROM tsdb.promql_query('1 + 2 * 3', 'epoch'::timestamptz);
SELECT labels->>'instance' AS instance, time, value
FROM tsdb.promql_query('http_requests{job="api"}[10m]', 'epoch'::timestamptz + interval '50 minutes')
ORDER BY 1, 2;

-- Range queries: a row per series and step, sorted by labels and time.
SELECT * FROM tsdb.promql_query_range('http_requests{job="api"} * 2',
  'epoch'::timestamptz + interval '40 minutes', 'epoch'::timestamptz + interval '50 minutes',
  '5 minutes');
SELECT * FROM tsdb.promql_query_range('1 + 1', 'epoch'::timestamptz, 'epoch'::timestamptz + interval '1 minute', '30 seconds');

-- SQL joins and aggregates the answers.
SELECT q.labels->>'job' AS job, max(q.value)
FROM tsdb.promql_query_range('http_requests', 'epoch'::timestamptz, 'epoch'::timestamptz + interval '50 minutes', '10 minutes') q
GROUP BY 1 ORDER BY 1;

SELECT * FROM tsdb.promql_explain('sum by (job) (rate(http_requests{instance=~"0|1"}[5m] offset 1m))');

-- Writes with labels: INSERT and COPY into tsdb.metrics.
INSERT INTO tsdb.metrics VALUES
  ('{"__name__": "up", "job": "x"}', 'epoch'::timestamptz + interval '49 minutes', 1),
  ('{"__name__": "up", "job": "y"}', 'epoch'::timestamptz + interval '49 minutes', 0);
COPY tsdb.metrics FROM stdin;
{"__name__": "up", "job": "z"}	1970-01-01 00:49:00+00	1
{"__name__": "up", "job": "x", "empty": ""}	1970-01-01 00:49:30+00	1
\.
SELECT * FROM tsdb.promql_query('up == 1', 'epoch'::timestamptz + interval '50 minutes') ORDER BY labels::text;
SELECT * FROM tsdb.metrics WHERE labels->>'__name__' = 'up' ORDER BY labels::text, time;
-- A rolled back write leaves nothing behind, and its ids are not reused wrongly.
BEGIN;
INSERT INTO tsdb.metrics VALUES ('{"__name__": "rolled_back"}', now(), 1);
ROLLBACK;
INSERT INTO tsdb.metrics VALUES ('{"__name__": "up", "job": "w"}', 'epoch'::timestamptz + interval '49 minutes', 5);
SELECT count(*) FROM tsdb.prom_series WHERE metric_name = 'rolled_back';
SELECT labels FROM tsdb.promql_query('up{job="w"}', 'epoch'::timestamptz + interval '50 minutes');

-- A string result: one row, the string as a JSON string in labels, no value.
SELECT labels, labels #>> '{}' AS string, jsonb_typeof(labels), time, value
  FROM tsdb.promql_query('"a \"quoted\" string"', 'epoch'::timestamptz + interval '50 minutes');

-- Bad input: clear errors, nothing written.
INSERT INTO tsdb.metrics VALUES ('{"job": "x"}', now(), 1);
INSERT INTO tsdb.metrics VALUES ('{"__name__": "a", "job": 3}', now(), 1);
INSERT INTO tsdb.metrics VALUES ('[1, 2]', now(), 1);
INSERT INTO tsdb.metrics VALUES ('{"__name__": "a"}', NULL, 1);
SELECT * FROM tsdb.promql_query('sum(http_requests', now());
SELECT * FROM tsdb.promql_query('rate(http_requests)', now());
SELECT * FROM tsdb.promql_query_range('"a string"', now(), now() + interval '1 hour', '1 minute');
SELECT * FROM tsdb.promql_query_range('up', now(), now() - interval '1 hour', '1 minute');
SELECT * FROM tsdb.promql_query_range('up', now(), now() + interval '1 hour', '1 month');
SELECT * FROM tsdb.promql_query_range('up', now(), now() + interval '1 day', '1 second');
SELECT * FROM tsdb.promql_query('up + on() up', 'epoch'::timestamptz + interval '50 minutes');
SELECT tsdb.promql_load('clear');
SET tsdb.promql_max_samples = 5;
SELECT * FROM tsdb.promql_query('http_requests[1h]', 'epoch'::timestamptz + interval '50 minutes');
RESET tsdb.promql_max_samples;

-- Privileges: the functions read as their caller.
CREATE ROLE promql_reader;
SET ROLE promql_reader;
SELECT * FROM tsdb.promql_query('up', 'epoch'::timestamptz + interval '50 minutes');
RESET ROLE;
GRANT SELECT ON tsdb.prom_labels, tsdb.prom_series, tsdb.prom_samples TO promql_reader;
SET ROLE promql_reader;
SELECT count(*) FROM tsdb.promql_query('{__name__=~".+"}', 'epoch'::timestamptz + interval '50 minutes');
RESET ROLE;
-- Row-level security on the catalog limits the series a reader sees.
ALTER TABLE tsdb.prom_series ENABLE ROW LEVEL SECURITY;
CREATE POLICY up_only ON tsdb.prom_series FOR SELECT TO promql_reader USING (metric_name = 'up');
SET ROLE promql_reader;
SELECT labels->>'__name__' AS metric, count(*)
FROM tsdb.promql_query('{__name__=~".+"}', 'epoch'::timestamptz + interval '50 minutes') GROUP BY 1;
RESET ROLE;
DROP POLICY up_only ON tsdb.prom_series;
ALTER TABLE tsdb.prom_series DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON tsdb.prom_labels, tsdb.prom_series, tsdb.prom_samples FROM promql_reader;
DROP ROLE promql_reader;
