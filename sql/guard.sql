-- The C++/Postgres boundary: an internal failure becomes a clean ERROR with
-- a SQLSTATE, C++ scopes are unwound, and the same backend keeps working
-- (the postmaster does not restart).
CREATE TEMP TABLE before AS SELECT pg_backend_pid() AS pid, pg_postmaster_start_time() AS started;
\set VERBOSITY default

-- A C++ allocation failure.
SET tsdb.inject_fault = 'bad_alloc';
\set ON_ERROR_STOP 0
SELECT tsdb.encode_float8(ARRAY[1.0]);
\set VERBOSITY sqlstate
SELECT tsdb.encode_float8(ARRAY[1.0]);
\set VERBOSITY default
-- An unexpected C++ exception.
SET tsdb.inject_fault = 'cpp_exception';
SELECT tsdb.decode_float8(tsdb.encode_float8(ARRAY[1.0]));
-- A Postgres ERROR raised inside a C++ scope keeps its SQLSTATE (53400 here).
SET tsdb.inject_fault = 'pg_error';
SELECT tsdb.encode_text(ARRAY['x']);
\set VERBOSITY sqlstate
SELECT tsdb.describe_encoded(tsdb.encode_int8(ARRAY[1]));
\set VERBOSITY default
RESET tsdb.inject_fault;

-- Inside a transaction the error aborts only the statement's subtransaction.
BEGIN;
SAVEPOINT s;
SET LOCAL tsdb.inject_fault = 'bad_alloc';
SELECT tsdb.encode_int8(ARRAY[1]);
ROLLBACK TO SAVEPOINT s;
SELECT tsdb.decode_int8(tsdb.encode_int8(ARRAY[1, 2, 3]));
COMMIT;

-- Every C++ scope was destroyed, and this is the same backend and postmaster.
SELECT tsdb.debug_live_scopes();
SELECT pid = pg_backend_pid() AS same_backend, started = pg_postmaster_start_time() AS same_postmaster FROM before;

-- Only superusers may inject faults.
CREATE ROLE tsdb_guard_user;
SET ROLE tsdb_guard_user;
SET tsdb.inject_fault = 'bad_alloc';
RESET ROLE;
DROP ROLE tsdb_guard_user;
