-- The extension installs its SQL API with the documented signatures, and each codec pair round-trips.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS tsdb;
SELECT plan(26);

SELECT has_extension('tsdb');
SELECT has_schema('tsdb');

SELECT has_function('tsdb', 'encode_float8', ARRAY['double precision[]']);
SELECT function_returns('tsdb', 'encode_float8', ARRAY['double precision[]'], 'bytea');
SELECT has_function('tsdb', 'decode_float8', ARRAY['bytea']);
SELECT function_returns('tsdb', 'decode_float8', ARRAY['bytea'], 'double precision[]');
SELECT has_function('tsdb', 'encode_timestamptz', ARRAY['timestamp with time zone[]']);
SELECT function_returns('tsdb', 'encode_timestamptz', ARRAY['timestamp with time zone[]'], 'bytea');
SELECT has_function('tsdb', 'decode_timestamptz', ARRAY['bytea']);
SELECT function_returns('tsdb', 'decode_timestamptz', ARRAY['bytea'], 'timestamp with time zone[]');
SELECT has_function('tsdb', 'encode_int8', ARRAY['bigint[]']);
SELECT function_returns('tsdb', 'encode_int8', ARRAY['bigint[]'], 'bytea');
SELECT has_function('tsdb', 'decode_int8', ARRAY['bytea']);
SELECT function_returns('tsdb', 'decode_int8', ARRAY['bytea'], 'bigint[]');
SELECT has_function('tsdb', 'encode_text', ARRAY['text[]']);
SELECT function_returns('tsdb', 'encode_text', ARRAY['text[]'], 'bytea');
SELECT has_function('tsdb', 'decode_text', ARRAY['bytea']);
SELECT function_returns('tsdb', 'decode_text', ARRAY['bytea'], 'text[]');
SELECT has_function('tsdb', 'describe_encoded', ARRAY['bytea']);
SELECT function_returns('tsdb', 'describe_encoded', ARRAY['bytea'], 'jsonb');

SELECT is(tsdb.decode_float8(tsdb.encode_float8('{1.5,-0,NULL,3.25,1e300}')), '{1.5,-0,NULL,3.25,1e300}'::float8[],
          'float8 round trip, with a NULL');
SELECT is(tsdb.decode_int8(tsdb.encode_int8('{-9223372036854775808,0,9223372036854775807,42}')),
          '{-9223372036854775808,0,9223372036854775807,42}'::int8[], 'int8 round trip across the whole range');
SELECT is(tsdb.decode_timestamptz(tsdb.encode_timestamptz('{2024-01-01 00:00:00+00,2024-01-01 00:00:10+00,2024-01-01 00:00:19.999999+00}')),
          '{2024-01-01 00:00:00+00,2024-01-01 00:00:10+00,2024-01-01 00:00:19.999999+00}'::timestamptz[],
          'timestamptz round trip');
SELECT is(tsdb.decode_text(tsdb.encode_text('{host_1,host_2,host_1,"",NULL,é}')), '{host_1,host_2,host_1,"",NULL,é}'::text[],
          'text round trip, with an empty string, a NULL and UTF-8');

SELECT ok(tsdb.describe_encoded(tsdb.encode_int8('{1,2,3}')) ?& ARRAY['type', 'codec', 'count', 'null_count', 'bytes', 'detail'],
          'describe_encoded has keys type, codec, count, null_count, bytes, detail');
SELECT is(tsdb.describe_encoded(tsdb.encode_float8('{1,NULL,3}')) ->> 'count', '3', 'describe_encoded counts the values');

SELECT * FROM finish();
ROLLBACK;
