-- Differential test of the tsdb access method against a heap twin: random
-- schemas, random INSERT / COPY / UPDATE / DELETE / ALTER TABLE / TRUNCATE
-- steps (some rolled back through a subtransaction) applied to both tables, and
-- tsdb.compress() on the tsdb table alone, moving rows into blocks; after
-- every step the two are compared with EXCEPT ALL both ways.
--
--   tsdb_test.differential(seed int, steps int) RETURNS text
-- returns 'ok' or a description of the first difference (with the seed, the
-- step and the statement) so a failure can be replayed.
--
-- Loaded by test/pgtap/10_tam_differential.sql and scripts/soak.sh.
CREATE SCHEMA IF NOT EXISTS tsdb_test;

-- A random SQL literal of the type, NULL one time in ten.
CREATE OR REPLACE FUNCTION tsdb_test.random_literal(typ text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  IF random() < 0.1 THEN RETURN 'NULL::' || typ; END IF;
  RETURN CASE typ
    WHEN 'timestamptz' THEN quote_literal('2020-01-01'::timestamptz + floor(random() * 100000) * interval '1 s') || '::timestamptz'
    WHEN 'date' THEN quote_literal('2020-01-01'::date + floor(random() * 1000)::int) || '::date'
    WHEN 'text' THEN quote_literal((ARRAY['a', 'b', 'host_1', 'host_2', '', repeat('long', 600)])[1 + floor(random() * 6)::int])
    WHEN 'float8' THEN quote_literal((ARRAY['NaN', 'Infinity', '-Infinity', '-0', (random() * 100)::text, floor(random() * 10)::text])[1 + floor(random() * 6)::int]) || '::float8'
    WHEN 'int4' THEN floor(random() * 200 - 100)::int::text || '::int4'
    WHEN 'int8' THEN quote_literal((ARRAY['9223372036854775807', '-9223372036854775808', floor(random() * 1e6)::text])[1 + floor(random() * 3)::int]) || '::int8'
    WHEN 'bool' THEN (random() < 0.5)::text
    WHEN 'numeric' THEN round((random() * 1000)::numeric, 3)::text || '::numeric'
    WHEN 'jsonb' THEN quote_literal(jsonb_build_object('k', floor(random() * 5))::text) || '::jsonb'
    WHEN 'bytea' THEN quote_literal('\x' || md5(random()::text)) || '::bytea'
  END;
END $$;

-- An expression of row number g for COPY steps: times that mostly grow (and
-- sometimes repeat or go back), value columns that vary per row, and key
-- columns drawn from three values, so rows fall into a few series.
CREATE OR REPLACE FUNCTION tsdb_test.copy_expression(typ text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  RETURN CASE typ
    WHEN 'timestamptz' THEN format('CASE WHEN random() < 0.02 THEN NULL ELSE %L::timestamptz + (g * 10 + floor(random() * 30)) * interval ''1 s'' END',
                                   '2020-01-01'::timestamptz + floor(random() * 100000) * interval '1 s')
    WHEN 'float8' THEN 'CASE WHEN random() < 0.05 THEN NULL WHEN random() < 0.02 THEN ''NaN''::float8 ELSE floor(random() * 1000) / 10 END'
    WHEN 'int4' THEN 'CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 100)::int4 END'
    WHEN 'int8' THEN 'CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 1e12)::int8 END'
    ELSE format('(ARRAY[%s, %s, %s])[1 + g %% 3]', tsdb_test.random_literal(typ),
                tsdb_test.random_literal(typ), tsdb_test.random_literal(typ))
  END;
END $$;

-- A random predicate over the table's columns that means the same on both.
CREATE OR REPLACE FUNCTION tsdb_test.random_predicate(cols text[], types text[]) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  i int := 1 + floor(random() * array_length(cols, 1))::int;
  col text := quote_ident(cols[i]);
  typ text := types[i];
BEGIN
  IF random() < 0.15 THEN RETURN col || ' IS NULL'; END IF;
  IF typ IN ('bool', 'jsonb') THEN RETURN col || ' = ' || tsdb_test.random_literal(typ); END IF;
  RETURN col || (ARRAY[' < ', ' >= ', ' = ', ' <> '])[1 + floor(random() * 4)::int] || tsdb_test.random_literal(typ);
END $$;

-- Runs `steps` random steps on tsdb_test.t and its twin tsdb_test.h,
-- creating both with a random schema first if they do not exist (else the
-- schema is read back from the catalog, so a caller can interleave
-- statements that cannot run in a function, such as VACUUM:
-- test/sh/differential_vacuum.sh). Returns 'ok' or the first difference.
CREATE OR REPLACE FUNCTION tsdb_test.differential_steps(seed int, steps int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  all_types text[] := ARRAY['timestamptz', 'date', 'text', 'float8', 'int4', 'int8', 'bool', 'numeric', 'jsonb', 'bytea'];
  cols text[] := '{}';
  types text[] := '{}';
  ncols int;
  step int;
  op float8;
  sql text;
  vals text;
  diff bigint;
  i int;
  next_col int := 0;
  what text;
  fmt text;
  copy_file text := current_setting('data_directory') || '/tsdb_differential.copy';
BEGIN
  -- Distinct seeds give distinct random sequences (setseed takes -1..1).
  PERFORM setseed(((seed::bigint * 2654435761) % 2000001 - 1000000) / 1000001.0);
  IF to_regclass('tsdb_test.t') IS NOT NULL THEN
    SELECT array_agg(a.attname::text ORDER BY a.attnum), array_agg(t.typname::text ORDER BY a.attnum),
           max(substr(a.attname, 2)::int)
      INTO cols, types, next_col
      FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
     WHERE a.attrelid = 'tsdb_test.t'::regclass AND a.attnum > 0 AND NOT a.attisdropped;
  ELSE
    DROP TABLE IF EXISTS tsdb_test.h;
    ncols := 2 + floor(random() * 5)::int;
    FOR i IN 1..ncols LOOP
      next_col := next_col + 1;
      cols := cols || ('c' || next_col);
      -- Half the schemas start with a time column, so COPY and compress write blocks.
      types := types || CASE WHEN i = 1 AND random() < 0.5 THEN 'timestamptz'
                             ELSE all_types[1 + floor(random() * array_length(all_types, 1))::int] END;
    END LOOP;
    sql := (SELECT string_agg(quote_ident(c) || ' ' || t, ', ') FROM unnest(cols, types) u(c, t));
    EXECUTE format('CREATE TABLE tsdb_test.t (%s) USING tsdb', sql);
    EXECUTE format('CREATE TABLE tsdb_test.h (%s)', sql);
  END IF;
  FOR step IN 1..steps LOOP
    what := 'rolled back delete';
    op := random();
    IF op < 0.30 THEN  -- INSERT one row
      vals := (SELECT string_agg(tsdb_test.random_literal(t), ', ') FROM unnest(types) t);
      sql := format('INSERT INTO %%s VALUES (%s)', vals);
    ELSIF op < 0.38 THEN  -- COPY up to 600 rows in a random format through a server-side file
      fmt := (ARRAY['text', 'csv', 'binary'])[1 + floor(random() * 3)::int];
      vals := (SELECT string_agg(tsdb_test.copy_expression(t), ', ') FROM unnest(types) t);
      EXECUTE format('COPY (SELECT %s FROM generate_series(1, %s) g) TO %L (FORMAT %s)',
                     vals, 1 + floor(random() * 600)::int, copy_file, fmt);
      sql := format('COPY %%s FROM %L (FORMAT %s)', copy_file, fmt);
      IF random() < 0.4 THEN  -- the same rows by INSERT ... SELECT (many rows gather into blocks too)
        what := 'INSERT ... SELECT of the COPY step''s rows';
        DROP TABLE IF EXISTS copy_rows;
        CREATE TEMP TABLE copy_rows AS SELECT * FROM tsdb_test.h LIMIT 0;
        EXECUTE format('COPY copy_rows FROM %L (FORMAT %s)', copy_file, fmt);
        sql := 'INSERT INTO %s SELECT * FROM copy_rows';
      END IF;
    ELSIF op < 0.45 THEN  -- INSERT ... SELECT many rows, some duplicates
      vals := (SELECT string_agg(tsdb_test.random_literal(t), ', ') FROM unnest(types) t);
      sql := format('INSERT INTO %%s SELECT %s FROM generate_series(1, %s)', vals, 1 + floor(random() * 20)::int);
    ELSIF op < 0.60 THEN  -- UPDATE
      i := 1 + floor(random() * array_length(cols, 1))::int;
      sql := format('UPDATE %%s SET %I = %s WHERE %s', cols[i], tsdb_test.random_literal(types[i]),
                    tsdb_test.random_predicate(cols, types));
    ELSIF op < 0.75 THEN  -- DELETE
      sql := format('DELETE FROM %%s WHERE %s', tsdb_test.random_predicate(cols, types));
    ELSIF op < 0.80 AND array_length(cols, 1) < 8 THEN  -- ADD COLUMN, maybe with a default
      next_col := next_col + 1;
      cols := cols || ('c' || next_col);
      types := types || all_types[1 + floor(random() * array_length(all_types, 1))::int];
      sql := format('ALTER TABLE %%s ADD COLUMN %I %s', cols[array_length(cols, 1)], types[array_length(types, 1)]);
      IF random() < 0.5 THEN
        sql := sql || ' DEFAULT ' || tsdb_test.random_literal(types[array_length(types, 1)]);
      END IF;
    ELSIF op < 0.84 AND array_length(cols, 1) > 2 THEN  -- DROP COLUMN
      i := 1 + floor(random() * array_length(cols, 1))::int;
      sql := format('ALTER TABLE %%s DROP COLUMN %I', cols[i]);
      cols := cols[1:i - 1] || cols[i + 1:];
      types := types[1:i - 1] || types[i + 1:];
    ELSIF op < 0.86 THEN  -- ALTER COLUMN TYPE to text (a table rewrite)
      i := 1 + floor(random() * array_length(cols, 1))::int;
      sql := format('ALTER TABLE %%s ALTER COLUMN %I TYPE text', cols[i]);
      types[i] := 'text';
    ELSIF op < 0.88 THEN
      sql := 'TRUNCATE %s';
    ELSIF op < 0.95 THEN  -- compress the tsdb table's hot rows into blocks (all, or older ones)
      what := 'tsdb.compress()';
      IF (SELECT tb.time_column FROM tsdb.tables tb WHERE tb.table_name = 'tsdb_test.t'::regclass) IS NOT NULL THEN
        PERFORM tsdb.compress('tsdb_test.t', CASE WHEN random() < 0.5 THEN NULL ELSE interval '1 day' END);
      END IF;
      sql := NULL;
    ELSE  -- a rolled-back DELETE and INSERT
      sql := format('DELETE FROM %%s WHERE %s', tsdb_test.random_predicate(cols, types));
      BEGIN
        EXECUTE format(sql, 'tsdb_test.t');
        EXECUTE format('INSERT INTO tsdb_test.t SELECT * FROM tsdb_test.h LIMIT 5');
        RAISE EXCEPTION 'roll back';
      EXCEPTION WHEN raise_exception THEN
        NULL;
      END;
      sql := NULL;
    END IF;
    IF sql IS NOT NULL THEN
      EXECUTE format(sql, 'tsdb_test.t');
      EXECUTE format(sql, 'tsdb_test.h');
    END IF;
    EXECUTE 'SELECT (SELECT count(*) FROM (SELECT * FROM tsdb_test.t EXCEPT ALL SELECT * FROM tsdb_test.h) a)
                  + (SELECT count(*) FROM (SELECT * FROM tsdb_test.h EXCEPT ALL SELECT * FROM tsdb_test.t) b)'
      INTO diff;
    IF diff <> 0 THEN
      RETURN format('seed %s step %s: %s rows differ after: %s', seed, step, diff, coalesce(sql, what));
    END IF;
  END LOOP;
  RETURN 'ok';
END $$;

-- One random schema and `steps` random steps, from fresh tables; the
-- tables are dropped afterwards.
CREATE OR REPLACE FUNCTION tsdb_test.differential(seed int, steps int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  result text;
BEGIN
  DROP TABLE IF EXISTS tsdb_test.t, tsdb_test.h;
  result := tsdb_test.differential_steps(seed, steps);
  DROP TABLE tsdb_test.t, tsdb_test.h;
  RETURN result;
END $$;
