-- tsdb: install script. The Makefile copies this file to tsdb--<version>.sql;
-- every release adds an upgrade script tsdb--<old>--<new>.sql next to it.
\echo Use "CREATE EXTENSION tsdb" to load this file. \quit

-- The user-facing schema. Created here rather than named in tsdb.control, so
-- that it is a member of the extension and DROP EXTENSION removes it.
CREATE SCHEMA tsdb;
GRANT USAGE ON SCHEMA tsdb TO PUBLIC;

-- time_bucket, as TimescaleDB 2.x defines it (src/pg/time_bucket_sql.cc), in
-- the schema the extension is created in (public unless CREATE EXTENSION says
-- otherwise), where Grafana's TimescaleDB mode and TimescaleDB queries call it
-- unqualified. timestamptz buckets at UTC unless a time zone is given.
CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts timestamptz) RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_timestamp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts timestamptz, origin timestamptz) RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_timestamp_origin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts timestamptz, "offset" interval) RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_timestamp_offset' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts timestamptz, timezone text,
                                        origin timestamptz DEFAULT NULL, "offset" interval DEFAULT NULL)
  RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_timestamptz_zone' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts timestamp) RETURNS timestamp
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_timestamp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts timestamp, origin timestamp) RETURNS timestamp
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_timestamp_origin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts timestamp, "offset" interval) RETURNS timestamp
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_timestamp_offset' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts date) RETURNS date
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts date, origin date) RETURNS date
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_date_origin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width interval, ts date, "offset" interval) RETURNS date
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_date_offset' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width smallint, ts smallint) RETURNS smallint
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width smallint, ts smallint, "offset" smallint) RETURNS smallint
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width integer, ts integer) RETURNS integer
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width integer, ts integer, "offset" integer) RETURNS integer
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width bigint, ts bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.time_bucket(bucket_width bigint, ts bigint, "offset" bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'tsdb_time_bucket_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Column chunk codecs. The bytea is a self-describing column chunk, the same
-- bytes a block holds for one column (include/tsdb/block_format.h).
CREATE FUNCTION tsdb.encode_float8(float8[]) RETURNS bytea
  AS 'MODULE_PATHNAME', 'tsdb_encode_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tsdb.decode_float8(bytea) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'tsdb_decode_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tsdb.encode_timestamptz(timestamptz[]) RETURNS bytea
  AS 'MODULE_PATHNAME', 'tsdb_encode_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tsdb.decode_timestamptz(bytea) RETURNS timestamptz[]
  AS 'MODULE_PATHNAME', 'tsdb_decode_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tsdb.encode_int8(int8[]) RETURNS bytea
  AS 'MODULE_PATHNAME', 'tsdb_encode_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tsdb.decode_int8(bytea) RETURNS int8[]
  AS 'MODULE_PATHNAME', 'tsdb_decode_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tsdb.encode_text(text[]) RETURNS bytea
  AS 'MODULE_PATHNAME', 'tsdb_encode_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tsdb.decode_text(bytea) RETURNS text[]
  AS 'MODULE_PATHNAME', 'tsdb_decode_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- What a column chunk or block holds: codec, counts, sizes. Validates the
-- bytes (checksum included) and raises an error for corrupt input.
CREATE FUNCTION tsdb.describe_encoded(bytea) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'tsdb_describe_encoded' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Boundary tests: C++ scopes alive in this backend (0 between statements).
-- See tsdb.inject_fault in src/pg/fault_injection.h.
CREATE FUNCTION tsdb.debug_live_scopes() RETURNS int
  AS 'MODULE_PATHNAME', 'tsdb_debug_live_scopes' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION tsdb.debug_live_scopes() FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Table access method `tsdb` (docs/storage.md). A tsdb table's rows live in
-- the shared internal relations below, keyed by a storage id that the
-- table's own metapage (block 0 of its main fork) holds. They are extension
-- members: a plain pg_dump leaves them out (a restore reloads every row
-- through the access method), pg_upgrade keeps them.
CREATE SCHEMA tsdb_internal;
REVOKE ALL ON SCHEMA tsdb_internal FROM PUBLIC;

-- first(value, time) and last(value, time) as TimescaleDB defines them: the
-- value of the row with the smallest / largest time (src/pg/first_last_sql.cc).
CREATE FUNCTION tsdb_internal.first_transition(internal, anyelement, "any") RETURNS internal
  AS 'MODULE_PATHNAME', 'tsdb_first_transition' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION tsdb_internal.last_transition(internal, anyelement, "any") RETURNS internal
  AS 'MODULE_PATHNAME', 'tsdb_last_transition' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION tsdb_internal.first_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'tsdb_first_combine' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION tsdb_internal.last_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'tsdb_last_combine' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION tsdb_internal.bookend_final(internal, anyelement, "any") RETURNS anyelement
  AS 'MODULE_PATHNAME', 'tsdb_bookend_final' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION tsdb_internal.bookend_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'tsdb_bookend_serialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION tsdb_internal.bookend_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'tsdb_bookend_deserialize' LANGUAGE C STRICT PARALLEL SAFE;
CREATE AGGREGATE @extschema@.first(anyelement, "any") (
  SFUNC = tsdb_internal.first_transition, STYPE = internal,
  FINALFUNC = tsdb_internal.bookend_final, FINALFUNC_EXTRA,
  COMBINEFUNC = tsdb_internal.first_combine,
  SERIALFUNC = tsdb_internal.bookend_serialize, DESERIALFUNC = tsdb_internal.bookend_deserialize,
  PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.last(anyelement, "any") (
  SFUNC = tsdb_internal.last_transition, STYPE = internal,
  FINALFUNC = tsdb_internal.bookend_final, FINALFUNC_EXTRA,
  COMBINEFUNC = tsdb_internal.last_combine,
  SERIALFUNC = tsdb_internal.bookend_serialize, DESERIALFUNC = tsdb_internal.bookend_deserialize,
  PARALLEL = SAFE);

CREATE SEQUENCE tsdb_internal.storage_id_seq MINVALUE 1 NO CYCLE;

-- One row per storage: the table that owned it when it was created.
CREATE TABLE tsdb_internal.storages (
  storage_id bigint PRIMARY KEY,
  relid oid NOT NULL
);

-- Hot rows: each row as a heap tuple image of the owning table's row.
CREATE TABLE tsdb_internal.hot_rows (
  storage_id bigint NOT NULL,
  row_image bytea NOT NULL
);
CREATE INDEX hot_rows_storage_idx ON tsdb_internal.hot_rows (storage_id);

CREATE FUNCTION tsdb_internal.tsdb_am_handler(internal) RETURNS table_am_handler
  AS 'MODULE_PATHNAME', 'tsdb_am_handler' LANGUAGE C STRICT;
CREATE ACCESS METHOD tsdb TYPE TABLE HANDLER tsdb_internal.tsdb_am_handler;
COMMENT ON ACCESS METHOD tsdb IS 'time-series storage: hot rows and compressed per-series blocks';

-- DROP TABLE in a session that never loaded the library runs no drop hook;
-- this trigger loads it and removes storage whose table is gone.
CREATE FUNCTION tsdb_internal.sweep_dropped_storage() RETURNS event_trigger
  AS 'MODULE_PATHNAME', 'tsdb_sweep_dropped_storage' LANGUAGE C;
CREATE EVENT TRIGGER tsdb_sweep_dropped_storage ON sql_drop
  EXECUTE FUNCTION tsdb_internal.sweep_dropped_storage();

-- What each tsdb table holds (counts read through the caller's snapshot).
CREATE FUNCTION tsdb_internal.storage_id(regclass) RETURNS bigint
  AS 'MODULE_PATHNAME', 'tsdb_storage_id' LANGUAGE C STRICT;

-- ---------------------------------------------------------------------------
-- Layout: which column is the time and which columns form the series key.
-- Defaults come from the columns, so a table's layout is recoverable from its
-- DDL alone (Citus recreates shards from DDL): the first timestamptz or
-- timestamp column is the time; every other column whose type is not
-- float4/float8/numeric/int2/int4/int8 is part of the series key. An integer
-- series id (Prometheus-style samples(series_id bigint, time, value)) is set
-- with tsdb.set_layout(). Explicit layouts are dumped with the extension's
-- configuration (pg_extension_config_dump), so pg_dump carries them.
CREATE TABLE tsdb_internal.layouts (
  relid regclass PRIMARY KEY,
  time_column name NOT NULL,
  series_key name[] NOT NULL
);
-- The extension's own table (tsdb.prom_samples) gets its layout from this script again.
SELECT pg_catalog.pg_extension_config_dump('tsdb_internal.layouts',
                                           'WHERE relid <> ''tsdb.prom_samples''::regclass');

CREATE FUNCTION tsdb_internal.default_layout(tbl regclass, OUT time_column name, OUT series_key name[])
LANGUAGE sql STABLE AS $$
  WITH cols AS (
    SELECT a.attname, a.attnum, a.atttypid
    FROM pg_catalog.pg_attribute a
    WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
  ), t AS (
    SELECT attname FROM cols
    WHERE atttypid IN ('pg_catalog.timestamptz'::regtype, 'pg_catalog.timestamp'::regtype)
    ORDER BY attnum LIMIT 1
  )
  SELECT (SELECT attname FROM t),
         coalesce((SELECT array_agg(attname ORDER BY attnum) FROM cols
                   WHERE attname IS DISTINCT FROM (SELECT attname FROM t)
                     AND atttypid NOT IN ('pg_catalog.float4'::regtype, 'pg_catalog.float8'::regtype,
                                          'pg_catalog.numeric'::regtype, 'pg_catalog.int2'::regtype,
                                          'pg_catalog.int4'::regtype, 'pg_catalog.int8'::regtype)),
                  '{}')
$$;

-- Sets the time column and series key of an empty tsdb table you own.
CREATE FUNCTION tsdb.set_layout(tbl regclass, time_column name, series_key name[]) RETURNS void
  AS 'MODULE_PATHNAME', 'tsdb_set_layout' LANGUAGE C STRICT;

-- Every tsdb table the caller may read, with its layout.
CREATE VIEW tsdb.tables AS
SELECT c.oid::regclass AS table_name,
       n.nspname AS schema_name,
       c.relname AS name,
       coalesce(l.time_column, d.time_column) AS time_column,
       coalesce(l.series_key, d.series_key) AS series_key,
       l.relid IS NOT NULL AS layout_set
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_am a ON a.oid = c.relam AND a.amname = 'tsdb'
LEFT JOIN tsdb_internal.layouts l ON l.relid = c.oid
CROSS JOIN LATERAL tsdb_internal.default_layout(c.oid) d
WHERE c.relkind = 'r' AND pg_catalog.has_table_privilege(c.oid, 'SELECT');
GRANT SELECT ON tsdb.tables TO PUBLIC;

-- Compressed blocks: one row per block of one series (docs/storage.md). The
-- block (include/tsdb/block_format.h) is payload || payload_tail: `payload`
-- holds whole TOAST chunks and is stored out of line, the tail (less than
-- one chunk) stays in the row, so TOAST pages hold only full chunks.
-- `deleted` is a bitmap of the block's rows deleted since (NULL: none), so a
-- DELETE updates this small row and never rewrites the out-of-line part.
CREATE SEQUENCE tsdb_internal.block_id_seq;
CREATE TABLE tsdb_internal.blocks (
  storage_id bigint NOT NULL,
  series_key bytea NOT NULL,
  min_time bigint NOT NULL,
  max_time bigint NOT NULL,
  row_count integer NOT NULL,
  deleted bytea,
  payload bytea NOT NULL,
  block_id bigint NOT NULL,  -- the same in every version of the block tuple
  payload_tail bytea NOT NULL,
  time_attnum smallint NOT NULL,  -- the column min_time and max_time are of
  -- The block's last row (its latest time) as a heap tuple image of the
  -- table's row, so "latest row" queries need not decode the block; NULL in
  -- blocks written before it existed.
  last_row bytea
);
ALTER TABLE tsdb_internal.blocks ALTER COLUMN payload SET STORAGE EXTERNAL;
ALTER TABLE tsdb_internal.blocks ALTER COLUMN payload_tail SET STORAGE PLAIN;
-- Never compressed: a statement deleting several rows of a block sets their
-- bits in place in the version it made, which needs the same length.
ALTER TABLE tsdb_internal.blocks ALTER COLUMN deleted SET STORAGE PLAIN;
CREATE INDEX blocks_storage_series_idx ON tsdb_internal.blocks (storage_id, series_key, min_time);
-- Blocks newest first: a scan ordered by time descending reads its blocks
-- from here, lazily, in the order it merges them (src/pg/scan_node.cc).
CREATE INDEX blocks_storage_max_time_idx ON tsdb_internal.blocks (storage_id, time_attnum, max_time);

-- Rows an UPDATE moved out of a block into the hot store, and where to: a
-- session waiting on the old row follows this to the new version, as heap's
-- update chains let it (src/pg/tam_modify.cc). Entries go with the block.
CREATE TABLE tsdb_internal.moved_rows (
  storage_id bigint NOT NULL,
  block_id bigint NOT NULL,
  row_index integer NOT NULL,
  hot_tid tid NOT NULL
);
CREATE INDEX moved_rows_block_idx ON tsdb_internal.moved_rows (storage_id, block_id, row_index);

-- Moves hot rows older than now() - older_than (all of them for NULL) into
-- compressed blocks, per series, and returns how many rows moved. Readers see
-- every row exactly once throughout; concurrent writers wait.
CREATE FUNCTION tsdb.compress(tbl regclass, older_than interval DEFAULT NULL) RETURNS bigint
  AS 'MODULE_PATHNAME', 'tsdb_compress' LANGUAGE C;

-- Checks every block of a tsdb table (checksums, headers, every column
-- decoded against the table's columns); raises DATA_CORRUPTED naming the
-- table and the block at the first problem. Returns what it checked.
CREATE FUNCTION tsdb.verify(tbl regclass) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'tsdb_verify' LANGUAGE C STRICT;

-- Per tsdb table the caller may read: rows in the hot store and in blocks,
-- bytes, and bytes per row. The table's rows share the internal relations
-- with other tables, so its bytes are the sizes of its own tuples (TOASTed
-- payloads included) plus an estimate of its index entries; heap_bytes
-- estimates what the same rows take in a heap table, from ANALYZE's widths.
CREATE VIEW tsdb.table_stats AS
WITH s AS (
  SELECT t.table_name, tsdb_internal.storage_id(t.table_name) AS storage_id
  FROM tsdb.tables t
), hot AS (
  SELECT s.table_name, count(h.*) AS hot_rows, coalesce(sum(pg_column_size(h.*)), 0) AS hot_bytes
  FROM s LEFT JOIN tsdb_internal.hot_rows h ON h.storage_id = s.storage_id
  GROUP BY s.table_name
), warm AS (
  SELECT s.table_name, count(b.*) AS blocks,
         coalesce(sum(b.row_count - coalesce(bit_count(b.deleted), 0)), 0) AS warm_rows,
         coalesce(sum(pg_column_size(b.*)), 0) AS block_bytes,
         coalesce(sum(length(b.series_key)), 0) AS key_bytes
  FROM s LEFT JOIN tsdb_internal.blocks b ON b.storage_id = s.storage_id
  GROUP BY s.table_name
)
SELECT s.table_name,
       hot.hot_rows,
       warm.warm_rows,
       warm.blocks,
       hot.hot_bytes + warm.block_bytes + pg_catalog.pg_relation_size(s.table_name)
         + 16 * hot.hot_rows + 32 * warm.blocks + warm.key_bytes AS total_bytes,
       round((hot.hot_bytes + warm.block_bytes + pg_catalog.pg_relation_size(s.table_name)
              + 16 * hot.hot_rows + 32 * warm.blocks + warm.key_bytes)::numeric
             / nullif(hot.hot_rows + warm.warm_rows, 0), 2) AS bytes_per_row,
       (SELECT (hot.hot_rows + warm.warm_rows) * (28 + sum(st.avg_width))
        FROM pg_catalog.pg_stats st
        WHERE st.schemaname = (SELECT n.nspname FROM pg_catalog.pg_class c
                               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                               WHERE c.oid = s.table_name)
          AND st.tablename = (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = s.table_name)
        HAVING count(*) > 0) AS heap_bytes
FROM s JOIN hot USING (table_name) JOIN warm USING (table_name);
GRANT SELECT ON tsdb.table_stats TO PUBLIC;

-- ---------------------------------------------------------------------------
-- The Prometheus data model (docs/promql.md). A series is a metric name and a
-- label set; its labels are dictionary-encoded: prom_labels holds each
-- distinct (name, value) pair once (__name__ included), a series is the
-- sorted array of its pairs' ids, and its samples are rows of prom_samples
-- (a tsdb table whose series key is series_id). PromQL's matchers select
-- series here: a regular expression runs once per distinct value of its
-- label, never per sample.
--
-- Privileges: the PromQL functions run as their caller and read these tables
-- with the caller's rights, so GRANT/REVOKE and row-level security on them
-- decide what a query can see. Nothing is granted to PUBLIC here.
-- Sequences of their own (not identity columns) so that pg_dump carries
-- their positions along with the rows (pg_extension_config_dump below).
CREATE SEQUENCE tsdb.prom_labels_id_seq AS integer;
CREATE SEQUENCE tsdb.prom_series_id_seq;
CREATE TABLE tsdb.prom_labels (
  id integer PRIMARY KEY DEFAULT nextval('tsdb.prom_labels_id_seq'),
  name text NOT NULL,
  value text NOT NULL,
  UNIQUE (name, value)
);
CREATE TABLE tsdb.prom_series (
  id bigint PRIMARY KEY DEFAULT nextval('tsdb.prom_series_id_seq'),
  -- prom_labels ids of the series' labels, ascending.
  label_ids integer[] NOT NULL UNIQUE,
  -- The value of __name__, for listing and for RLS policies by metric.
  metric_name text NOT NULL
);
CREATE INDEX prom_series_label_ids_idx ON tsdb.prom_series USING gin (label_ids);
CREATE INDEX prom_series_metric_name_idx ON tsdb.prom_series (metric_name);
CREATE TABLE tsdb.prom_samples (
  series_id bigint NOT NULL,
  time timestamptz NOT NULL,
  value float8 NOT NULL
) USING tsdb;
SELECT tsdb.set_layout('tsdb.prom_samples', 'time', '{series_id}');
ALTER SEQUENCE tsdb.prom_labels_id_seq OWNED BY tsdb.prom_labels.id;
ALTER SEQUENCE tsdb.prom_series_id_seq OWNED BY tsdb.prom_series.id;
SELECT pg_catalog.pg_extension_config_dump('tsdb.prom_labels', '');
SELECT pg_catalog.pg_extension_config_dump('tsdb.prom_series', '');
SELECT pg_catalog.pg_extension_config_dump('tsdb.prom_samples', '');
SELECT pg_catalog.pg_extension_config_dump('tsdb.prom_labels_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('tsdb.prom_series_id_seq', '');

-- Each series with its labels as one jsonb object.
CREATE VIEW tsdb.prom_series_labels AS
SELECT s.id, s.metric_name,
       (SELECT pg_catalog.jsonb_object_agg(l.name, l.value ORDER BY l.name)
        FROM tsdb.prom_labels l WHERE l.id = ANY (s.label_ids)) AS labels
FROM tsdb.prom_series s;

-- Samples with their labels: read it, or write to it with INSERT and COPY.
-- A written row's labels (a jsonb object of strings with a non-empty
-- "__name__") are resolved to a series id in bulk, the series created when
-- new (src/pg/prom_write.cc).
CREATE VIEW tsdb.metrics AS
SELECT sl.labels, p.time, p.value
FROM tsdb.prom_samples p JOIN tsdb.prom_series_labels sl ON sl.id = p.series_id;
CREATE FUNCTION tsdb_internal.metrics_insert_row() RETURNS trigger
  AS 'MODULE_PATHNAME', 'tsdb_metrics_insert_row' LANGUAGE C;
CREATE FUNCTION tsdb_internal.metrics_insert_flush() RETURNS trigger
  AS 'MODULE_PATHNAME', 'tsdb_metrics_insert_flush' LANGUAGE C;
CREATE TRIGGER metrics_insert INSTEAD OF INSERT ON tsdb.metrics
  FOR EACH ROW EXECUTE FUNCTION tsdb_internal.metrics_insert_row();
CREATE TRIGGER metrics_insert_flush AFTER INSERT ON tsdb.metrics
  FOR EACH STATEMENT EXECUTE FUNCTION tsdb_internal.metrics_insert_flush();

-- PromQL (src/pg/promql_sql.cc). Instant queries at `at`, range queries at
-- start_time, start_time + step, ... up to end_time. An instant vector gives
-- a row per series at the evaluation time, a range vector a row per sample,
-- a scalar one row with empty labels, a string one row whose labels are the
-- string (a JSON string, not an object) and whose value is NULL.
CREATE FUNCTION tsdb.promql_query(query text, at timestamptz DEFAULT now())
  RETURNS TABLE (labels jsonb, "time" timestamptz, value float8)
  AS 'MODULE_PATHNAME', 'tsdb_promql_query' LANGUAGE C STRICT STABLE;
CREATE FUNCTION tsdb.promql_query_range(query text, start_time timestamptz, end_time timestamptz,
                                        step interval)
  RETURNS TABLE (labels jsonb, "time" timestamptz, value float8)
  AS 'MODULE_PATHNAME', 'tsdb_promql_query_range' LANGUAGE C STRICT STABLE;
-- The parsed query as a tree: node, value type, and how each selector reads.
CREATE FUNCTION tsdb.promql_explain(query text) RETURNS SETOF text
  AS 'MODULE_PATHNAME', 'tsdb_promql_explain' LANGUAGE C STRICT STABLE;
-- Loads promqltest `load` blocks (Prometheus's test script language) into
-- the tables above; `clear` lines are refused. Returns the samples written.
CREATE FUNCTION tsdb.promql_load(script text) RETURNS bigint
  AS 'MODULE_PATHNAME', 'tsdb_promql_load' LANGUAGE C STRICT;
