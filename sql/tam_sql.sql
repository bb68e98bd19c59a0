-- tsdb tables in the rest of SQL: partitions, CREATE TABLE AS, triggers,
-- row-level security, foreign keys, COPY BINARY, prepared statements.
CREATE TABLE parent (time timestamptz NOT NULL, host text, v float8) PARTITION BY RANGE (time);
CREATE TABLE part_2020 PARTITION OF parent FOR VALUES FROM ('2020-01-01') TO ('2021-01-01') USING tsdb;
CREATE TABLE part_2021 PARTITION OF parent FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
INSERT INTO parent VALUES ('2020-06-01', 'a', 1), ('2021-06-01', 'b', 2), ('2020-07-01', 'c', 3);
SELECT tableoid::regclass, * FROM parent ORDER BY time;
-- A row moved across partitions by UPDATE.
UPDATE parent SET time = '2021-07-01' WHERE host = 'c';
UPDATE parent SET time = '2020-08-01' WHERE host = 'b';
SELECT tableoid::regclass, * FROM parent ORDER BY time;
DELETE FROM parent WHERE v > 1;
SELECT count(*) FROM part_2020;

CREATE TABLE ctas USING tsdb AS SELECT g AS n, 'x' || g AS label FROM generate_series(1, 100) g;
SELECT count(*), sum(n) FROM ctas;

-- Row triggers see the rows; AFTER triggers refetch them by TID.
CREATE TABLE audit (op text, n int);
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit VALUES (TG_OP || ' ' || TG_WHEN, coalesce(NEW.n, OLD.n));
  RETURN coalesce(NEW, OLD);
END $$;
CREATE TRIGGER ctas_before BEFORE INSERT OR UPDATE OR DELETE ON ctas FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER ctas_after AFTER INSERT OR UPDATE OR DELETE ON ctas FOR EACH ROW EXECUTE FUNCTION audit_row();
INSERT INTO ctas VALUES (1000, 'new');
UPDATE ctas SET label = 'changed' WHERE n = 1000;
DELETE FROM ctas WHERE n = 1000;
SELECT * FROM audit ORDER BY op;

-- Row-level security applies to what a caller reads and writes.
CREATE ROLE tsdb_rls_user;
ALTER TABLE ctas ENABLE ROW LEVEL SECURITY;
CREATE POLICY small ON ctas FOR SELECT TO tsdb_rls_user USING (n <= 10);
GRANT SELECT ON ctas TO tsdb_rls_user;
SET ROLE tsdb_rls_user;
SELECT count(*), max(n) FROM ctas;
DELETE FROM ctas;
RESET ROLE;
REVOKE ALL ON ctas FROM tsdb_rls_user;
DROP POLICY small ON ctas;
DROP ROLE tsdb_rls_user;

-- A foreign key from a tsdb table to a heap table.
CREATE TABLE hosts (name text PRIMARY KEY);
INSERT INTO hosts VALUES ('a');
CREATE TABLE readings (time timestamptz, host text REFERENCES hosts, v float8) USING tsdb;
INSERT INTO readings VALUES (now(), 'a', 1);
INSERT INTO readings VALUES (now(), 'nosuch', 1);
DELETE FROM hosts WHERE name = 'a';

-- COPY BINARY round trip.
COPY (SELECT * FROM ctas ORDER BY n) TO '/tmp/tsdb_tam_sql.bin' WITH (FORMAT binary);
CREATE TABLE ctas2 (n int, label text) USING tsdb;
COPY ctas2 FROM '/tmp/tsdb_tam_sql.bin' WITH (FORMAT binary);
SELECT count(*) FROM (SELECT * FROM ctas EXCEPT ALL SELECT * FROM ctas2) d;

-- Prepared statements with parameters.
PREPARE q(int) AS SELECT label FROM ctas WHERE n = $1;
EXECUTE q(42);
DEALLOCATE q;

-- ON CONFLICT needs a unique index, which tsdb tables do not have.
INSERT INTO ctas VALUES (1, 'x') ON CONFLICT DO NOTHING;
SELECT count(*) FROM ctas WHERE n = 1;
