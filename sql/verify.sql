-- tsdb.verify and tsdb.table_stats; a corrupt block is reported with the
-- table and block, and other tables keep working.
-- Large INSERT ... SELECTs write hot rows here (the direct path to blocks is
-- sql/bulk_insert.sql's).
SET tsdb.write_blocks_directly = off;
CREATE TABLE vm (time timestamptz, host text, v float8) USING tsdb;
CREATE TABLE vother (time timestamptz, host text, v float8) USING tsdb;
INSERT INTO vm SELECT '2020-01-01'::timestamptz + i * interval '10 s', 'host_' || i % 3, i % 50 FROM generate_series(1, 3000) i;
INSERT INTO vother SELECT * FROM vm;
SELECT tsdb.compress('vm');
SELECT tsdb.compress('vother');
INSERT INTO vm VALUES (now(), 'hot', 1);
DELETE FROM vm WHERE v = 0;
ANALYZE vm;
SELECT tsdb.verify('vm');
SELECT table_name, hot_rows, warm_rows, blocks, total_bytes < heap_bytes / 10 AS tenfold_smaller,
       bytes_per_row < 20 AS small_rows
FROM tsdb.table_stats WHERE table_name = 'vm'::regclass;
SELECT tsdb.verify('pg_class');

-- Corrupt one byte of one block's payload.
UPDATE tsdb_internal.blocks SET payload = '', payload_tail = set_byte(payload || payload_tail, 40, get_byte(payload || payload_tail, 40) # 1)
WHERE ctid = (SELECT min(ctid) FROM tsdb_internal.blocks WHERE storage_id = tsdb_internal.storage_id('vm'));
CREATE FUNCTION error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE query;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ' table named: ' || (SQLERRM LIKE '%"vm"%') || ', block named: ' ||
         (SQLERRM LIKE '%block at (%) of tsdb_internal.blocks%') || ', checksum: ' || (SQLERRM LIKE '%checksum mismatch%');
END $$;
SELECT error_of($$SELECT tsdb.verify('vm')$$);
SELECT error_of($$SELECT count(*) FROM vm$$);
SELECT count(*), sum(v) FROM vother;
SELECT tsdb.verify('vother');
