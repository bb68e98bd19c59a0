-- A tsdb table and its heap twin stay equal under random workloads: 40 random schemas x 150
-- random steps (INSERT, INSERT ... SELECT, UPDATE, DELETE, ADD/DROP COLUMN, ALTER TYPE, TRUNCATE,
-- rolled-back subtransactions), compared with EXCEPT ALL both ways after every step.
-- scripts/soak.sh runs the same function over many more seeds.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS tsdb;
SET client_min_messages = warning;
\i test/sql/differential.sql
SELECT plan(2);
SELECT is((SELECT string_agg(r, E'\n') FROM (SELECT tsdb_test.differential(s, 150) AS r
                                            FROM generate_series(1, 40) s) x WHERE r <> 'ok'),
          NULL, '40 random schemas x 150 random steps: the tsdb table equals its heap twin');
SELECT is((SELECT count(*) FROM tsdb_internal.hot_rows), 0::bigint,
          'dropping the test tables left no hot rows behind');
SELECT * FROM finish();
ROLLBACK;
