-- Round trips of every codec SQL function, NULLs and special values included.
-- float8send compares bits, so -0.0 and NaN are checked exactly.
CREATE FUNCTION float8_bits(float8[]) RETURNS bytea[] LANGUAGE sql IMMUTABLE
  AS $$ SELECT array_agg(float8send(v) ORDER BY i) FROM unnest($1) WITH ORDINALITY u(v, i) $$;

SELECT tsdb.decode_float8(tsdb.encode_float8(ARRAY[]::float8[]));
SELECT tsdb.decode_float8(tsdb.encode_float8(ARRAY[NULL, NULL]::float8[]));
SELECT tsdb.decode_float8(tsdb.encode_float8(ARRAY[42.5]));
SELECT tsdb.decode_float8(tsdb.encode_float8(ARRAY[1, NULL, 2.25, 'NaN', '-Infinity', 'Infinity', '-0', 4.9e-324, 1.7976931348623157e308]::float8[]));
SELECT float8_bits(a) = float8_bits(tsdb.decode_float8(tsdb.encode_float8(a))) AS bit_exact
FROM (VALUES (ARRAY['-0', 0, '-0']::float8[]), (ARRAY['NaN', 1, 'NaN']::float8[]),
             (ARRAY[0.1, 0.2, 0.30000000000000004]::float8[])) t(a);

-- Codec choice per data shape.
SELECT name, tsdb.describe_encoded(tsdb.encode_float8(a)) ->> 'codec' AS codec,
       tsdb.decode_float8(tsdb.encode_float8(a)) = a AS round_trip
FROM (VALUES
  ('constant', array_fill(3.5::float8, ARRAY[1000])),
  ('integers', ARRAY(SELECT (i % 7)::float8 FROM generate_series(1, 1000) i)),
  ('two decimals', ARRAY(SELECT round((i % 97) / 7.0, 2)::float8 FROM generate_series(1, 1000) i)),
  ('irrational', ARRAY(SELECT sqrt(i)::float8 FROM generate_series(1, 1000) i))
) t(name, a);

SELECT tsdb.decode_int8(tsdb.encode_int8(ARRAY[]::int8[]));
SELECT tsdb.decode_int8(tsdb.encode_int8(ARRAY[-9223372036854775808, 9223372036854775807, 0, NULL, -1, 9223372036854775807]));
SELECT name, tsdb.describe_encoded(tsdb.encode_int8(a)) ->> 'codec' AS codec,
       tsdb.decode_int8(tsdb.encode_int8(a)) = a AS round_trip
FROM (VALUES
  ('counter', ARRAY(SELECT i * 3 + (i % 2) FROM generate_series(1, 1000) i)),
  ('arithmetic', ARRAY(SELECT 1000 + i * 15 FROM generate_series(1, 1000) i)),
  ('small', ARRAY(SELECT (i * 7919) % 13 - 6 FROM generate_series(1, 1000) i)::int8[])
) t(name, a);

SELECT tsdb.decode_timestamptz(tsdb.encode_timestamptz(ARRAY['2016-01-01 00:00:00+00', NULL, 'infinity', '-infinity', '2016-01-01 00:00:10.000001+00']::timestamptz[]));
-- A regular 1000-point series costs only the header: <= 0.2 bits/timestamp.
WITH ts AS (SELECT ARRAY(SELECT '2016-01-01'::timestamptz + i * interval '10 s'
                         FROM generate_series(0, 999) i) AS a)
SELECT d ->> 'codec' AS codec, d ->> 'detail' AS detail, (d ->> 'bytes')::int * 8 / 1000.0 <= 0.2 AS tiny,
       tsdb.decode_timestamptz(tsdb.encode_timestamptz(a)) = a AS round_trip
FROM ts, tsdb.describe_encoded(tsdb.encode_timestamptz(a)) d;
-- Unsorted and duplicate timestamps.
SELECT tsdb.decode_timestamptz(tsdb.encode_timestamptz(ARRAY['2020-01-01 00:00:05+00', '2020-01-01 00:00:01+00', '2020-01-01 00:00:01+00', '1999-12-31 23:59:59+00']::timestamptz[]));

SELECT tsdb.decode_text(tsdb.encode_text(ARRAY[]::text[]));
SELECT tsdb.decode_text(tsdb.encode_text(ARRAY['host_1', NULL, '', 'host_1', 'ünïcödé', NULL]));
WITH t AS (SELECT ARRAY(SELECT 'host_' || (i % 10) FROM generate_series(1, 1000) i) AS a)
SELECT d ->> 'codec' AS codec, d ->> 'detail' AS detail, tsdb.decode_text(tsdb.encode_text(a)) = a AS round_trip
FROM t, tsdb.describe_encoded(tsdb.encode_text(a)) d;
-- Long values (TOASTed in a table) and many distinct values.
CREATE TABLE long_texts AS SELECT repeat(md5(i::text), 2000 + i) AS v FROM generate_series(1, 5) i;
SELECT tsdb.decode_text(tsdb.encode_text(array_agg(v))) = array_agg(v) AS round_trip FROM long_texts;
SELECT tsdb.decode_text(tsdb.encode_text(a)) = a AS round_trip
FROM (SELECT array_agg(md5(i::text)) AS a FROM generate_series(1, 3000) i) t;

-- Array bounds are not kept: decoded arrays start at 1.
SELECT tsdb.decode_int8(tsdb.encode_int8('[5:7]={1,2,3}'::int8[]));
