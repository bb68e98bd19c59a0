-- The heap baseline of ../shared/bench/TSBS.md: TSBS's TimescaleDB schema
-- without hypertables. tags holds one row per host (the generator's
-- --format tags); cpu one row per host and 10 s tick (--format heap), with
-- the host as tags_id. Both cpu indexes exist before the load, as in TSBS,
-- so the ingest benchmark pays for their maintenance.
--
-- Drops and recreates the schema tsbs_heap:
--   psql -v ON_ERROR_STOP=1 -f bench/tsbs/schema_heap.sql
DROP SCHEMA IF EXISTS tsbs_heap CASCADE;
CREATE SCHEMA tsbs_heap;

CREATE TABLE tsbs_heap.tags (
  id serial PRIMARY KEY,
  hostname text,
  region text,
  datacenter text,
  rack text,
  os text,
  arch text,
  team text,
  service text,
  service_version text,
  service_environment text
);

CREATE TABLE tsbs_heap.cpu (
  time timestamptz,
  tags_id int,
  usage_user float8,
  usage_system float8,
  usage_idle float8,
  usage_nice float8,
  usage_iowait float8,
  usage_irq float8,
  usage_softirq float8,
  usage_steal float8,
  usage_guest float8,
  usage_guest_nice float8,
  additional_tags jsonb
);

CREATE INDEX cpu_tags_id_time_idx ON tsbs_heap.cpu (tags_id, time DESC);
CREATE INDEX cpu_time_idx ON tsbs_heap.cpu (time DESC);
