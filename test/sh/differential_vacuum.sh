#!/usr/bin/env bash
# The differential test (test/sql/differential.sql) with VACUUM, VACUUM FULL
# and VACUUM FREEZE between its steps, which a function cannot run: for each
# of $TSDB_VACUUM_SEEDS random schemas (default 12), 6 rounds of 25 random
# steps, each round followed by one of the VACUUMs and a comparison of the
# tsdb table with its heap twin (EXCEPT ALL both ways). Runs against the
# cluster of scripts/cluster.sh (PGHOST etc. set by scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=${TSDB_VACUUM_SEEDS:-12}
db=tsdb_vacuum
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
run() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
run -c "SET client_min_messages = warning" -c "CREATE EXTENSION tsdb" -f test/sql/differential.sql >/dev/null
vacuums=("VACUUM tsdb_test.t" "VACUUM FULL tsdb_test.t" "VACUUM (FREEZE) tsdb_test.t")
for ((seed = 1; seed <= seeds; seed++)); do
  run -c "DROP TABLE IF EXISTS tsdb_test.t, tsdb_test.h"
  for ((round = 0; round < 6; round++)); do
    result=$(run -c "SET client_min_messages = warning" -c "SELECT tsdb_test.differential_steps($((seed * 100 + round)), 25)")
    [ "$result" = ok ] || { echo "FAIL: seed $seed round $round: $result"; exit 1; }
    vacuum=${vacuums[$(((seed + round) % 3))]}
    run -c "$vacuum"
    diff=$(run -c "SELECT (SELECT count(*) FROM (SELECT * FROM tsdb_test.t EXCEPT ALL SELECT * FROM tsdb_test.h) a)
                        + (SELECT count(*) FROM (SELECT * FROM tsdb_test.h EXCEPT ALL SELECT * FROM tsdb_test.t) b)")
    [ "$diff" = 0 ] || { echo "FAIL: seed $seed round $round: $diff rows differ after $vacuum"; exit 1; }
  done
done
echo "differential with VACUUM: $seeds schemas x 6 rounds x 25 steps, equal after every VACUUM: ok"
