-- Reads of a tsdb table equal reads of its heap twin: 12 random tables x 150 random queries,
-- each run with the custom scan on, off and under a forced parallel plan (5,400 comparisons).
-- See test/sql/query_differential.sql.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS tsdb;
SET client_min_messages = warning;
\i test/sql/query_differential.sql
SELECT plan(1);
SELECT is((SELECT string_agg(r, E'\n') FROM (SELECT tsdb_test.query_differential(s, 150) AS r
                                            FROM generate_series(1, 12) s) x WHERE r <> 'ok'),
          NULL, '12 random tables x 150 random queries x 3 scan modes: tsdb answers as heap does');
SELECT * FROM finish();
ROLLBACK;
