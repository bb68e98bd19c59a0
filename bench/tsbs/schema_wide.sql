-- The hostname-in-table form of the TSBS cpu data (the generator's --format
-- wide: time, hostname, 10 float8 fields), for scripts/bench_queries.sh:
--   tsbs_heap_wide.cpu  a heap with indexes (hostname, time DESC) and
--                       (time DESC), the counterparts of the tags form's
--   tsbs_tsdb_wide.cpu  a tsdb table with the default layout: time column
--                       time, series key {hostname}
-- As in schema_heap.sql, the indexes exist before the load.
--
-- Drops and recreates both schemas (needs CREATE EXTENSION tsdb):
--   psql -v ON_ERROR_STOP=1 -f bench/tsbs/schema_wide.sql
DROP SCHEMA IF EXISTS tsbs_heap_wide CASCADE;
CREATE SCHEMA tsbs_heap_wide;
DROP SCHEMA IF EXISTS tsbs_tsdb_wide CASCADE;
CREATE SCHEMA tsbs_tsdb_wide;

CREATE TABLE tsbs_heap_wide.cpu (
  time timestamptz,
  hostname text,
  usage_user float8,
  usage_system float8,
  usage_idle float8,
  usage_nice float8,
  usage_iowait float8,
  usage_irq float8,
  usage_softirq float8,
  usage_steal float8,
  usage_guest float8,
  usage_guest_nice float8
);
CREATE INDEX cpu_hostname_time_idx ON tsbs_heap_wide.cpu (hostname, time DESC);
CREATE INDEX cpu_time_idx ON tsbs_heap_wide.cpu (time DESC);

CREATE TABLE tsbs_tsdb_wide.cpu (LIKE tsbs_heap_wide.cpu) USING tsdb;
