-- Latency measurement for scripts/bench_queries.sh, inside the server so
-- that psql's round trip and result printing stay out of the figures.
--
-- bench_q.time_queries(schemas, query, runs) runs `query` once per schema
-- (search_path set to that schema, so the same text reads each schema's
-- tables), interleaved: schemas[1], schemas[2], ..., schemas[1], ... for
-- `runs` rounds. One row per execution: the schema's position, the round,
-- and the milliseconds from just before EXECUTE (parse, plan, execute, all
-- result rows materialized by SPI and discarded) to just after.
--
-- Recreated at each run of the script (so it also refreshes a --reuse'd
-- database):
--   psql -v ON_ERROR_STOP=1 -f bench/tsbs/bench_queries.sql
CREATE SCHEMA IF NOT EXISTS bench_q;

CREATE OR REPLACE FUNCTION bench_q.time_queries(schemas text[], query text, runs int)
RETURNS TABLE (target int, run int, ms float8)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
BEGIN
  FOR r IN 1..runs LOOP
    FOR i IN 1..array_length(schemas, 1) LOOP
      -- public: where the extension's functions (time_bucket) are.
      PERFORM set_config('search_path', schemas[i] || ', public', true);
      t0 := clock_timestamp();
      EXECUTE query;
      ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
      target := i;
      run := r;
      RETURN NEXT;
    END LOOP;
  END LOOP;
END
$$;
