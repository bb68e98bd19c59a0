-- The tags form of bench/tsbs/schema_heap.sql with cpu as a tsdb table, for
-- scripts/bench_queries.sh: tags stays a heap table (same columns and
-- content: the generator's --format tags), cpu has the same columns as
-- tsbs_heap.cpu (the generator's --format heap loads it) but no indexes.
-- The default layout would leave the int column tags_id out of the series
-- key (integers are values), so set_layout names it before the load.
--
-- Drops and recreates the schema tsbs_tsdb_tags (needs CREATE EXTENSION tsdb):
--   psql -v ON_ERROR_STOP=1 -f bench/tsbs/schema_tsdb_tags.sql
DROP SCHEMA IF EXISTS tsbs_tsdb_tags CASCADE;
CREATE SCHEMA tsbs_tsdb_tags;

CREATE TABLE tsbs_tsdb_tags.tags (
  id int PRIMARY KEY,
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

CREATE TABLE tsbs_tsdb_tags.cpu (
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
) USING tsdb;

SELECT tsdb.set_layout('tsbs_tsdb_tags.cpu', 'time', '{tags_id}');
