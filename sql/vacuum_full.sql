-- VACUUM FULL of tsdb tables (src/pg/vacuum_full.cc): every row kept, rows
-- deleted from blocks gone, hot rows written as blocks, the old storage
-- removed, the layout kept.
CREATE EXTENSION IF NOT EXISTS tsdb;
SET client_min_messages = warning;
-- Large INSERT ... SELECTs write hot rows here, for compress to move.
SET tsdb.write_blocks_directly = off;
CREATE TABLE vf (time timestamptz, host text, v float8, n int, dropme int) USING tsdb;
SELECT tsdb.set_layout('vf', 'time', '{host}');
CREATE TABLE vf_heap (time timestamptz, host text, v float8, n int, dropme int);
INSERT INTO vf SELECT '2024-01-01'::timestamptz + g * interval '10 s', 'h' || g % 4, g / 2.0, g, g FROM generate_series(1, 12000) g;
INSERT INTO vf_heap SELECT * FROM vf;
SELECT tsdb.compress('vf');
INSERT INTO vf VALUES (NULL, 'untimed', 1, -1, 0), ('2024-02-01', 'late', 2, -2, 0);
INSERT INTO vf_heap VALUES (NULL, 'untimed', 1, -1, 0), ('2024-02-01', 'late', 2, -2, 0);
DELETE FROM vf WHERE n % 3 = 0;
DELETE FROM vf_heap WHERE n % 3 = 0;
UPDATE vf SET v = -v WHERE n % 7 = 0;
UPDATE vf_heap SET v = -v WHERE n % 7 = 0;
ALTER TABLE vf DROP COLUMN dropme;
ALTER TABLE vf_heap DROP COLUMN dropme;
ALTER TABLE vf ADD COLUMN extra text DEFAULT 'x';
ALTER TABLE vf_heap ADD COLUMN extra text DEFAULT 'x';

CREATE FUNCTION vf_diff() RETURNS bigint LANGUAGE sql AS $$
  SELECT (SELECT count(*) FROM (TABLE vf EXCEPT ALL TABLE vf_heap) a)
       + (SELECT count(*) FROM (TABLE vf_heap EXCEPT ALL TABLE vf) b)
$$;
CREATE FUNCTION vf_stored(OUT blocks bigint, OUT block_rows bigint, OUT with_deletes bigint, OUT hot bigint)
LANGUAGE sql AS $$
  SELECT (SELECT count(*) FROM tsdb_internal.blocks WHERE storage_id = tsdb_internal.storage_id('vf')),
         (SELECT sum(row_count) FROM tsdb_internal.blocks WHERE storage_id = tsdb_internal.storage_id('vf')),
         (SELECT count(*) FROM tsdb_internal.blocks WHERE storage_id = tsdb_internal.storage_id('vf') AND deleted IS NOT NULL),
         (SELECT count(*) FROM tsdb_internal.hot_rows WHERE storage_id = tsdb_internal.storage_id('vf'))
$$;
SELECT vf_diff() AS differ, (vf_stored()).*;
SELECT tsdb_internal.storage_id('vf') AS old_storage \gset

VACUUM FULL vf;
SELECT vf_diff() AS differ, (vf_stored()).*;
-- The old storage is gone; the explicit layout stays.
SELECT (SELECT count(*) FROM tsdb_internal.blocks WHERE storage_id = :old_storage) AS old_blocks,
       (SELECT count(*) FROM tsdb_internal.hot_rows WHERE storage_id = :old_storage) AS old_hot,
       (SELECT count(*) FROM tsdb_internal.storages WHERE storage_id = :old_storage) AS old_registered;
SELECT time_column, series_key, layout_set FROM tsdb.tables WHERE table_name = 'vf'::regclass;
SELECT count(*), sum(v), count(DISTINCT extra) FROM vf;
-- The table goes on working: writes, compress, a second VACUUM FULL.
INSERT INTO vf (time, host, v, n) VALUES ('2024-03-01', 'h1', 5, 5);
INSERT INTO vf_heap (time, host, v, n) VALUES ('2024-03-01', 'h1', 5, 5);
DELETE FROM vf WHERE n = 1;
DELETE FROM vf_heap WHERE n = 1;
VACUUM FULL vf;
SELECT vf_diff() AS differ, (vf_stored()).*;
SELECT tsdb.verify('vf')->>'blocks' AS verified_blocks;

-- Without a time column every row stays hot.
CREATE TABLE vf_untimed (host text, v float8) USING tsdb;
INSERT INTO vf_untimed SELECT 'h' || g % 3, g FROM generate_series(1, 100) g;
DELETE FROM vf_untimed WHERE v > 50;
VACUUM FULL vf_untimed;
SELECT count(*), sum(v) FROM vf_untimed;

-- CLUSTER needs an index, which tsdb tables cannot have.
CLUSTER vf;
DROP TABLE vf, vf_heap, vf_untimed;
DROP FUNCTION vf_diff(), vf_stored();
