-- describe_encoded: what a chunk holds, from its header.
SELECT jsonb_pretty(tsdb.describe_encoded(tsdb.encode_float8(ARRAY[1, 2, NULL, 3]::float8[])));
SELECT tsdb.describe_encoded(tsdb.encode_text(ARRAY['a', 'b', 'a'])) - 'bits_per_value';
SELECT tsdb.describe_encoded(tsdb.encode_int8(ARRAY[NULL]::int8[]));
SELECT tsdb.describe_encoded(tsdb.encode_float8(ARRAY[]::float8[]));
SELECT key, jsonb_typeof(value) FROM jsonb_each(tsdb.describe_encoded(tsdb.encode_timestamptz(ARRAY[now()]))) ORDER BY key;
