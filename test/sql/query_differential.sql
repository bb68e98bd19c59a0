-- Differential test of reads: random queries (filters the custom scan prunes
-- or vectorizes and filters it does not, aggregates, GROUP BY time buckets and
-- series columns, DISTINCT ON, ORDER BY ... LIMIT, semi-joins, LATERAL) over
-- a tsdb table give the same answer as over a heap twin holding the same
-- rows, with the custom scan on, off, and under a forced parallel plan.
-- The tsdb table holds rows in every state: blocks written by INSERT ...
-- SELECT, hot rows, blocks made by tsdb.compress, rows deleted inside blocks
-- and rows moved to the hot store by UPDATE.
--
--   tsdb_test.query_differential(seed int, queries int) RETURNS text
-- returns 'ok' or the first difference (seed, query, mode) so a failure can
-- be replayed. Loaded by test/pgtap/20_query_differential.sql.
CREATE SCHEMA IF NOT EXISTS tsdb_test;

-- A random element of arr.
CREATE OR REPLACE FUNCTION tsdb_test.pick(arr text[]) RETURNS text
LANGUAGE sql AS $$ SELECT arr[1 + floor(random() * array_length(arr, 1))::int] $$;

-- A random time literal within the data's range (and a little beyond).
CREATE OR REPLACE FUNCTION tsdb_test.random_time() RETURNS text
LANGUAGE sql AS $$
  SELECT quote_literal('2024-03-01'::timestamptz + floor(random() * 200000 - 10000) * interval '1 s') || '::timestamptz'
$$;

-- One random condition on qt (columns time, host, region, v, w, n).
CREATE OR REPLACE FUNCTION tsdb_test.random_condition() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  r float8 := random();
BEGIN
  RETURN CASE floor(random() * 16)::int
    WHEN 0 THEN 'time >= ' || tsdb_test.random_time()
    WHEN 1 THEN 'time < ' || tsdb_test.random_time()
    WHEN 2 THEN format('time BETWEEN %s AND %s + interval %L', tsdb_test.random_time(), tsdb_test.random_time(),
                       tsdb_test.pick('{1 hour,6 hours,1 day}'))
    WHEN 3 THEN format('time %s (SELECT min(time) FROM tsdb_test.qh) + interval %L', tsdb_test.pick('{=,<=,>,<}'),
                       floor(random() * 50000) || ' s')
    WHEN 4 THEN 'host = ' || quote_literal(tsdb_test.pick('{h0,h1,h2,h3,h7,nope}'))
    WHEN 5 THEN format('host IN (%L, %L)', tsdb_test.pick('{h0,h1,h2}'), tsdb_test.pick('{h3,h4,h5,h6}'))
    WHEN 6 THEN format('host IN (SELECT name FROM tsdb_test.qhosts WHERE grp = %s)', floor(random() * 3))
    WHEN 7 THEN 'region = ' || quote_literal(tsdb_test.pick('{east,west,north}'))
    WHEN 8 THEN format('v %s %s', tsdb_test.pick('{<,<=,=,>=,>,<>}'), floor(random() * 200) / 2)
    WHEN 9 THEN format('w %s %s', tsdb_test.pick('{<,>,=}'), floor(random() * 100))
    WHEN 10 THEN tsdb_test.pick('{"v IS NULL","w IS NOT NULL","time IS NULL","host IS NULL","v = ''NaN''::float8","v > w"}')
    WHEN 11 THEN format('(v > %s OR host = %L)', floor(random() * 100), tsdb_test.pick('{h1,h2}'))
    WHEN 12 THEN format('n %% %s = 0', 2 + floor(random() * 5))
    WHEN 13 THEN format('%s < v', floor(random() * 100))
    WHEN 14 THEN format('time > now() - interval %L', tsdb_test.pick('{1 hour,100 years}'))
    ELSE format('host = ANY (ARRAY[%L, NULL])', tsdb_test.pick('{h1,h5}'))
  END;
END $$;

CREATE OR REPLACE FUNCTION tsdb_test.random_where() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  conds text[] := '{}';
BEGIN
  FOR i IN 1..floor(random() * 4)::int LOOP
    conds := conds || tsdb_test.random_condition();
  END LOOP;
  IF cardinality(conds) = 0 THEN RETURN ''; END IF;
  RETURN ' WHERE ' || array_to_string(conds, ' AND ');
END $$;

-- A random query over {tbl} (replaced by the caller: the table, alias t); every
-- query orders its whole output, so results compare as ordered text.
CREATE OR REPLACE FUNCTION tsdb_test.random_query() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  where_clause text := tsdb_test.random_where();
  bucket text := tsdb_test.pick(ARRAY['date_trunc(''hour'', time)', 'date_trunc(''minute'', time)',
                                      'date_bin(''15 minutes'', time, ''2000-01-01'')', 'host', 'region',
                                      'date_trunc(''day'', time), host', 'time_bucket(''5 minutes'', time)',
                                      'time_bucket(''1 day'', time, ''Europe/Berlin''), region', 'n']);
  limit_clause text := CASE WHEN random() < 0.4 THEN ' LIMIT ' || (1 + floor(random() * 20)) ELSE '' END;
BEGIN
  RETURN CASE floor(random() * 9)::int
    WHEN 0 THEN 'SELECT time, host, region, v, w, n FROM {tbl}' || where_clause ||
                ' ORDER BY time, host, region, v, w, n' || limit_clause
    WHEN 1 THEN 'SELECT count(*), count(v), sum(v), min(v), max(w), avg(v), min(time), max(time) FROM {tbl}' || where_clause
    WHEN 2 THEN format('SELECT %s AS g, count(*), sum(v), max(v), min(w), avg(w), max(time) FROM {tbl}%s GROUP BY %s ORDER BY %s%s%s',
                       bucket, where_clause, bucket, bucket,
                       CASE WHEN random() < 0.5 THEN ' DESC' ELSE '' END, limit_clause)
    WHEN 3 THEN 'SELECT DISTINCT ON (host) host, time, v, n FROM {tbl}' || where_clause ||
                ' ORDER BY host, time DESC, v, n'
    WHEN 4 THEN 'SELECT time, host, v, n FROM {tbl}' || where_clause || ' ORDER BY time DESC, host, v, n' || limit_clause
    WHEN 5 THEN 'SELECT q.name, l.time, l.v FROM tsdb_test.qhosts q CROSS JOIN LATERAL (SELECT time, v FROM {tbl}' ||
                replace(where_clause, 'WHERE', 'WHERE t.host = q.name AND') ||
                CASE WHEN where_clause = '' THEN ' WHERE t.host = q.name' ELSE '' END ||
                ' ORDER BY time DESC, v LIMIT 1) l ORDER BY 1, 2, 3'
    WHEN 6 THEN 'SELECT count(*) FROM {tbl}' || where_clause
    WHEN 8 THEN 'SELECT q.name, (SELECT count(*) || '' '' || coalesce(sum(v), 0) FROM {tbl}' ||
                CASE WHEN where_clause = '' THEN ' WHERE t.host = q.name'
                     ELSE replace(where_clause, 'WHERE', 'WHERE t.host = q.name AND') END ||
                ') FROM tsdb_test.qhosts q ORDER BY 1'
    ELSE format('SELECT host, %s AS b, max(v) FROM {tbl}%s GROUP BY 1, 2 ORDER BY 2 DESC, 1%s',
                'date_trunc(''minute'', time)', where_clause, limit_clause)
  END;
END $$;

-- The rows of tsdb_test.qt (USING tsdb) and its twin tsdb_test.qh, in every
-- storage state the custom scan must combine.
CREATE OR REPLACE FUNCTION tsdb_test.query_tables(seed int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  hosts int;
  stmt text;
BEGIN
  PERFORM setseed((seed % 1000) / 1000.0);
  hosts := 2 + floor(random() * 8)::int;
  DROP TABLE IF EXISTS tsdb_test.qt, tsdb_test.qh, tsdb_test.qhosts;
  CREATE TABLE tsdb_test.qhosts (name text, grp int);
  INSERT INTO tsdb_test.qhosts SELECT 'h' || i, i % 3 FROM generate_series(0, 9) i;
  -- host and region are the series key (the default layout).
  CREATE TABLE tsdb_test.qt (time timestamptz, host text, region text, v float8, w float8, n int) USING tsdb;
  CREATE TABLE tsdb_test.qh (time timestamptz, host text, region text, v float8, w float8, n int);
  -- Rows of the series of `hosts` hosts, every 10 s from 2024-03-01 with jitter,
  -- a few NULLs and NaNs: %1$s is the table, %2$s the row count, %3$s the first row number.
  stmt := format($f$INSERT INTO %%1$s SELECT CASE WHEN random() < 0.01 THEN NULL
                                               ELSE '2024-03-01'::timestamptz + ((g %%%% 20000) / %1$s) * interval '10 s' + floor(random() * 8) * interval '1 s' END,
                        CASE WHEN random() < 0.01 THEN NULL ELSE 'h' || (g %%%% %1$s) END,
                        (ARRAY['east', 'west', 'north'])[1 + (g %%%% %1$s) %%%% 3],
                        CASE WHEN random() < 0.03 THEN NULL WHEN random() < %2$s THEN 'NaN' ELSE floor(random() * 200) / 2 END,
                        CASE WHEN random() < 0.3 THEN NULL ELSE floor(random() * 100) END,
                        g
                 FROM generate_series(%%3$s, %%3$s + %%2$s - 1) g$f$, hosts,
                 -- NaN in a third of the tables only: it would hide every other sum.
                 CASE WHEN seed % 3 = 0 THEN 0.01 ELSE 0 END);
  -- A bulk load (blocks written directly), then small batches of hot rows,
  -- some compressed into blocks.
  FOR i IN 0..3 LOOP
    CREATE TEMP TABLE q_rows ON COMMIT DROP AS SELECT * FROM tsdb_test.qh WITH NO DATA;
    EXECUTE format(stmt, 'q_rows', CASE WHEN i = 0 THEN 2000 + floor(random() * 12000)::int
                                        ELSE floor(random() * 300)::int END, 1 + i * 20000);
    IF i > 0 THEN SET LOCAL tsdb.write_blocks_directly = off; END IF;
    INSERT INTO tsdb_test.qt SELECT * FROM q_rows;
    RESET tsdb.write_blocks_directly;
    INSERT INTO tsdb_test.qh SELECT * FROM q_rows;
    DROP TABLE q_rows;
    IF i = 2 THEN PERFORM tsdb.compress('tsdb_test.qt'); END IF;
  END LOOP;
  -- Deleted and updated rows inside blocks.
  stmt := format('DELETE FROM %%s WHERE n %%%% %s = 0', 5 + floor(random() * 20)::int);
  EXECUTE format(stmt, 'tsdb_test.qt');
  EXECUTE format(stmt, 'tsdb_test.qh');
  stmt := format('UPDATE %%s SET v = v + 1, w = NULL WHERE n %%%% %s = 1', 7 + floor(random() * 20)::int);
  EXECUTE format(stmt, 'tsdb_test.qt');
  EXECUTE format(stmt, 'tsdb_test.qh');
  ANALYZE tsdb_test.qt;
  ANALYZE tsdb_test.qh;
END $$;

-- The ordered text of a query's answer.
CREATE OR REPLACE FUNCTION tsdb_test.answer(query text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  result text;
BEGIN
  EXECUTE 'SELECT coalesce(string_agg(r::text, E''\n''), ''<none>'') FROM (' || query || ') r' INTO result;
  RETURN result;
END $$;

CREATE OR REPLACE FUNCTION tsdb_test.query_differential(seed int, queries int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  q text;
  expected text;
  got text;
  mode text;
BEGIN
  PERFORM tsdb_test.query_tables(seed);
  FOR i IN 1..queries LOOP
    q := tsdb_test.random_query();
    expected := tsdb_test.answer(replace(q, '{tbl}', 'tsdb_test.qh t'));
    FOREACH mode IN ARRAY ARRAY['custom', 'off', 'parallel'] LOOP
      PERFORM set_config('tsdb.enable_custom_scan', (mode <> 'off')::text, true);
      -- Parallel: workers for every table size, and plans through a Gather.
      PERFORM set_config('force_parallel_mode', CASE WHEN mode = 'parallel' THEN 'on' ELSE 'off' END, true);
      PERFORM set_config('tsdb.parallel_min_rows', CASE WHEN mode = 'parallel' THEN '0' ELSE '500000' END, true);
      PERFORM set_config('parallel_setup_cost', CASE WHEN mode = 'parallel' THEN '0' ELSE '1000' END, true);
      PERFORM set_config('parallel_tuple_cost', CASE WHEN mode = 'parallel' THEN '0' ELSE '0.1' END, true);
      got := tsdb_test.answer(replace(q, '{tbl}', 'tsdb_test.qt t'));
      IF got IS DISTINCT FROM expected THEN
        RETURN format(E'seed %s query %s mode %s: %s\nexpected: %s\ngot: %s', seed, i, mode, q,
                      left(expected, 500), left(got, 500));
      END IF;
    END LOOP;
    PERFORM set_config('tsdb.enable_custom_scan', 'on', true);
    PERFORM set_config('force_parallel_mode', 'off', true);
    PERFORM set_config('tsdb.parallel_min_rows', '500000', true);
    PERFORM set_config('parallel_setup_cost', '1000', true);
    PERFORM set_config('parallel_tuple_cost', '0.1', true);
  END LOOP;
  RETURN 'ok';
END $$;
