-- Corrupt, truncated and mismatched input is rejected with an ERROR that
-- names the problem, and never crashes the backend.
CREATE FUNCTION try(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE query;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TABLE chunk AS SELECT tsdb.encode_float8(ARRAY(SELECT (i % 11)::float8 FROM generate_series(1, 100) i)) AS c;

SELECT try('SELECT tsdb.decode_float8(''''::bytea)');
SELECT try('SELECT tsdb.decode_float8(''\x00112233445566778899''::bytea)');
SELECT try('SELECT tsdb.decode_text(''hello world, not a chunk''::bytea)');
-- Truncated at every length: each one fails cleanly.
SELECT count(*) AS lengths, count(*) FILTER (WHERE try(format('SELECT tsdb.decode_float8(%L::bytea)', substr(c, 1, n))) LIKE 'XX001:%') AS data_corrupted
FROM chunk, generate_series(0, length(c) - 1) n;
-- Every byte flipped in turn: the checksum catches it.
SELECT count(*) AS flips, count(*) FILTER (WHERE try(format('SELECT tsdb.decode_float8(%L::bytea)', set_byte(c, n, get_byte(c, n) # 255))) LIKE 'XX001:%checksum%') AS detected
FROM chunk, generate_series(0, length(c) - 1) n;
SELECT try(format('SELECT tsdb.describe_encoded(%L::bytea)', set_byte(c, 6, get_byte(c, 6) # 1))) FROM chunk;
-- The right bytes decoded as the wrong type.
SELECT try(format('SELECT tsdb.decode_int8(%L::bytea)', c)) FROM chunk;
SELECT try(format('SELECT tsdb.decode_text(%L::bytea)', c)) FROM chunk;
SELECT try('SELECT tsdb.decode_timestamptz(tsdb.encode_int8(ARRAY[1,2]))');
SELECT try('SELECT tsdb.decode_int8(tsdb.encode_timestamptz(ARRAY[now()]))');
-- Bad arguments.
SELECT try('SELECT tsdb.encode_float8(''{{1,2},{3,4}}''::float8[])');
SELECT tsdb.encode_float8(NULL) IS NULL AS strict;
-- The backend is still fine.
SELECT tsdb.decode_float8(c) = ARRAY(SELECT (i % 11)::float8 FROM generate_series(1, 100) i) AS still_decodes FROM chunk;
