-- Property tests of the codec SQL functions: random arrays (fixed seed) of every type, with NULLs,
-- special values and duplicates, round-trip exactly; describe_encoded agrees with the input.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS tsdb;
SELECT plan(10);
SELECT setseed(0.42);

-- 200 arrays per type, lengths 0..300, values drawn from a pool that mixes specials and ordinary values.
CREATE TEMP TABLE f AS
SELECT n, ARRAY(SELECT CASE WHEN random() < 0.05 THEN NULL
                            ELSE (ARRAY['NaN', 'Infinity', '-Infinity', '-0', '0', '5e-324', '1.7976931348623157e308',
                                        (floor(random() * 100))::text, (round((random() * 1000)::numeric, 2))::text,
                                        (random() * 1e6)::text])[1 + floor(random() * 10)::int]::float8 END
                FROM generate_series(1, (n * 37) % 301)) AS a
FROM generate_series(1, 200) n;
CREATE TEMP TABLE i AS
SELECT n, ARRAY(SELECT CASE WHEN random() < 0.05 THEN NULL
                            ELSE (ARRAY[-9223372036854775808, 9223372036854775807, 0, -1,
                                        floor(random() * 1000)::int8, 1000000 * g + floor(random() * 3)::int8])[1 + floor(random() * 6)::int] END
                FROM generate_series(1, (n * 41) % 301) g) AS a
FROM generate_series(1, 200) n;
CREATE TEMP TABLE t AS
SELECT n, ARRAY(SELECT CASE WHEN random() < 0.05 THEN NULL
                            ELSE '2016-01-01'::timestamptz + g * interval '10 s' + floor(random() * 3) * interval '1 ms' END
                FROM generate_series(1, (n * 43) % 301) g) AS a
FROM generate_series(1, 200) n;
CREATE TEMP TABLE s AS
SELECT n, ARRAY(SELECT CASE WHEN random() < 0.05 THEN NULL
                            ELSE (ARRAY['', 'host_' || floor(random() * 5), repeat('x', floor(random() * 300)::int), md5(random()::text)])[1 + floor(random() * 4)::int] END
                FROM generate_series(1, (n * 47) % 301)) AS a
FROM generate_series(1, 200) n;

-- float8send compares bits: -0 and NaN must come back exactly.
SELECT is((SELECT count(*) FROM f
           WHERE ARRAY(SELECT float8send(v) FROM unnest(a) v) IS DISTINCT FROM
                 ARRAY(SELECT float8send(v) FROM unnest(tsdb.decode_float8(tsdb.encode_float8(a))) v)),
          0::bigint, 'float8 arrays round-trip bit for bit');
SELECT is((SELECT count(*) FROM i WHERE tsdb.decode_int8(tsdb.encode_int8(a)) IS DISTINCT FROM a),
          0::bigint, 'int8 arrays round-trip');
SELECT is((SELECT count(*) FROM t WHERE tsdb.decode_timestamptz(tsdb.encode_timestamptz(a)) IS DISTINCT FROM a),
          0::bigint, 'timestamptz arrays round-trip');
SELECT is((SELECT count(*) FROM s WHERE tsdb.decode_text(tsdb.encode_text(a)) IS DISTINCT FROM a),
          0::bigint, 'text arrays round-trip');

SELECT is((SELECT count(*) FROM f WHERE (tsdb.describe_encoded(tsdb.encode_float8(a)) ->> 'count')::int <> cardinality(a)),
          0::bigint, 'describe_encoded counts every element');
SELECT is((SELECT count(*) FROM s
           WHERE (tsdb.describe_encoded(tsdb.encode_text(a)) ->> 'null_count')::int
                 <> (SELECT count(*) FROM unnest(a) v WHERE v IS NULL)),
          0::bigint, 'describe_encoded counts the NULLs');
SELECT is((SELECT count(*) FROM i
           WHERE (tsdb.describe_encoded(tsdb.encode_int8(a)) ->> 'bytes')::int <> length(tsdb.encode_int8(a))),
          0::bigint, 'describe_encoded reports the chunk size');
SELECT is((SELECT count(*) FROM t
           WHERE tsdb.describe_encoded(tsdb.encode_timestamptz(a)) ->> 'type' <> 'timestamptz'),
          0::bigint, 'describe_encoded names the type');

-- Encoding is deterministic: the same input gives the same bytes.
SELECT is((SELECT count(*) FROM f WHERE tsdb.encode_float8(a) <> tsdb.encode_float8(a)),
          0::bigint, 'encoding is deterministic');
-- Cutting the last byte off any chunk is detected as corruption.
CREATE FUNCTION pg_temp.decodes(c bytea) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM tsdb.decode_int8(c);
  RETURN true;
EXCEPTION WHEN data_corrupted THEN
  RETURN false;
END $$;
SELECT is((SELECT count(*) FROM i, LATERAL (SELECT tsdb.encode_int8(a) AS c) e
           WHERE pg_temp.decodes(substr(c, 1, length(c) - 1))),
          0::bigint, 'a chunk cut short by one byte is rejected as corrupt');
SELECT * FROM finish();
ROLLBACK;
