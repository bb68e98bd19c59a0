-- tsdb: install script. The Makefile copies this file to tsdb--<version>.sql;
-- every release adds an upgrade script tsdb--<old>--<new>.sql next to it.
\echo Use "CREATE EXTENSION tsdb" to load this file. \quit

-- Column chunk codecs. The bytea is a self-describing column chunk, the same
-- bytes a block holds for one column (include/tsdb/block_format.h).
CREATE FUNCTION encode_float8(float8[]) RETURNS bytea
  AS 'MODULE_PATHNAME', 'tsdb_encode_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION decode_float8(bytea) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'tsdb_decode_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION encode_timestamptz(timestamptz[]) RETURNS bytea
  AS 'MODULE_PATHNAME', 'tsdb_encode_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION decode_timestamptz(bytea) RETURNS timestamptz[]
  AS 'MODULE_PATHNAME', 'tsdb_decode_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION encode_int8(int8[]) RETURNS bytea
  AS 'MODULE_PATHNAME', 'tsdb_encode_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION decode_int8(bytea) RETURNS int8[]
  AS 'MODULE_PATHNAME', 'tsdb_decode_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION encode_text(text[]) RETURNS bytea
  AS 'MODULE_PATHNAME', 'tsdb_encode_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION decode_text(bytea) RETURNS text[]
  AS 'MODULE_PATHNAME', 'tsdb_decode_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- What a column chunk or block holds: codec, counts, sizes. Validates the
-- bytes (checksum included) and raises an error for corrupt input.
CREATE FUNCTION describe_encoded(bytea) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'tsdb_describe_encoded' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Boundary tests: C++ scopes alive in this backend (0 between statements).
-- See tsdb.inject_fault in src/pg/fault_injection.h.
CREATE FUNCTION debug_live_scopes() RETURNS int
  AS 'MODULE_PATHNAME', 'tsdb_debug_live_scopes' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION debug_live_scopes() FROM PUBLIC;
