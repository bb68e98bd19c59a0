-- tsdb: install script. The Makefile copies this file to tsdb--<version>.sql;
-- every release adds an upgrade script tsdb--<old>--<new>.sql next to it.
\echo Use "CREATE EXTENSION tsdb" to load this file. \quit

-- The user-facing schema. Created here rather than named in tsdb.control, so
-- that it is a member of the extension and DROP EXTENSION removes it.
CREATE SCHEMA tsdb;
GRANT USAGE ON SCHEMA tsdb TO PUBLIC;

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
