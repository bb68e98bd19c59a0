-- The tags form of bench/tsbs/schema_heap.sql with cpu as a tsdb table, for
-- scripts/bench_queries.sh: tags stays a heap table (same columns and
-- content: the generator's --format tags), cpu has the same columns as
-- tsbs_heap.cpu (the generator's --format heap loads it) but no indexes.
-- The default layout would leave the int column tags_id out of the series
-- key (integers are values), so set_layout names it before the load.
--
-- Drops and recreates the schema tsbs_tsdb_tags (needs CREATE EXTENSION tsdb
-- and the schema tsbs_heap):
--   psql -v ON_ERROR_STOP=1 -f bench/tsbs/schema_tsdb_tags.sql
DROP SCHEMA IF EXISTS tsbs_tsdb_tags CASCADE;
CREATE SCHEMA tsbs_tsdb_tags;

-- The same columns as the heap tables (run bench/tsbs/schema_heap.sql first);
-- tags keeps its primary key, cpu gets none of the heap's indexes.
CREATE TABLE tsbs_tsdb_tags.tags (LIKE tsbs_heap.tags INCLUDING CONSTRAINTS);
ALTER TABLE tsbs_tsdb_tags.tags ADD PRIMARY KEY (id);
CREATE TABLE tsbs_tsdb_tags.cpu (LIKE tsbs_heap.cpu) USING tsdb;

SELECT tsdb.set_layout('tsbs_tsdb_tags.cpu', 'time', '{tags_id}');
