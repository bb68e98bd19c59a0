#!/usr/bin/env bash
# kill -9 of the postmaster while rows stream into a tsdb table (INSERT, and COPY, which writes
# blocks as it goes), and while tsdb.compress() moves them into blocks: after crash recovery every
# committed row is there exactly once (count and sum), the interrupted statement left nothing, and
# the table keeps working. $TSDB_CRASH_ROUNDS rounds (default 4), each loading a committed batch
# with COPY and killing an INSERT (odd rounds) or a COPY (even rounds) in flight. Runs against
# the cluster of scripts/cluster.sh (PGHOST etc. set by scripts/test.sh), which it restarts.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${TSDB_CRASH_ROUNDS:-4}
db=tsdb_crash
data="$(dirname "$PGHOST")/data"
dropdb --if-exists "$db"
createdb "$db"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION tsdb" \
  -c "CREATE TABLE m (time timestamptz, host text, v float8) USING tsdb"
expected_count=0 expected_sum=0

# power_cut: like a power cut, the postmaster and every process of it die at once (a backend left
# alone would finish its statement: backends do not all watch for postmaster death); then the
# cluster starts again, through crash recovery.
power_cut() {
  local postmaster children pid
  postmaster=$(head -n 1 "$data/postmaster.pid")
  children=$(pgrep -P "$postmaster" || true)
  # shellcheck disable=SC2086 # one argument per pid
  kill -9 "$postmaster" $children 2>/dev/null || true
  wait "$inflight" || true
  for pid in "$postmaster" $children; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  done
  bash scripts/cluster.sh start >/dev/null
}

# check_rows WHAT: count and sum of m are the expected ones.
check_rows() {
  local got
  got=$(psql -X -At -v ON_ERROR_STOP=1 -d "$db" -c "SELECT count(*) || ' ' || coalesce(sum(v), 0)::bigint FROM m")
  echo "$1: $got rows/sum (expected $expected_count $expected_sum)"
  [ "$got" = "$expected_count $expected_sum" ] || { echo "crash test: FAILED"; exit 1; }
}
# rows FIRST LAST TIME HOST: CSV rows i = FIRST..LAST (LAST empty: without end) of m.
rows() {
  awk -v first="$1" -v last="$2" -v time="$3" -v host="$4" 'BEGIN {
    for (i = first; last == "" || i <= last; i++) printf "%s,%s_%d,%d\n", time, host, i % 10, i
  }'
}
for round in $(seq 1 "$rounds"); do
  # A committed batch that must survive, by COPY: 100 * round rows per host, written as blocks.
  n=$((1000 * round))
  rows 1 "$n" "2020-01-0$round 00:00:00+00" host |
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "COPY m FROM STDIN (FORMAT csv)"
  expected_count=$((expected_count + n))
  expected_sum=$((expected_sum + n * (n + 1) / 2))
  # A long statement in flight when the postmaster dies.
  if [ $((round % 2)) = 1 ]; then
    psql -X -q -d "$db" -c \
      "INSERT INTO m SELECT now(), 'doomed', 1 FROM generate_series(1, 50000000)" >/dev/null 2>&1 &
  else
    { rows 1 "" "2020-02-01 00:00:00+00" doomed | psql -X -q -d "$db" -c "COPY m FROM STDIN (FORMAT csv)"; } >/dev/null 2>&1 &
  fi
  inflight=$!
  sleep 2
  power_cut
  check_rows "round $round: after kill -9 and recovery"
done
# kill -9 during tsdb.compress(): the rows are all there afterwards, hot or in blocks, never
# twice; and compress can run again.
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c \
  "INSERT INTO m SELECT '2021-01-01'::timestamptz + i * interval '1 s', 'host_' || i % 10, i FROM generate_series(1, 400000) i"
expected_count=$((expected_count + 400000))
expected_sum=$((expected_sum + 400000 * 400001 / 2))
psql -X -q -d "$db" -c "SELECT tsdb.compress('m')" >/dev/null 2>&1 &
inflight=$!
sleep 1
power_cut
check_rows "compress: after kill -9 and recovery"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "SELECT tsdb.compress('m')" >/dev/null
check_rows "compress: after compressing again"
# Still writable and readable, and nothing of the interrupted statements is left.
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "INSERT INTO m VALUES (now(), 'after', 0)" \
  -c "DELETE FROM m WHERE host = 'after'"
doomed=$(psql -X -At -d "$db" -c "SELECT count(*) FROM m WHERE host LIKE 'doomed%'")
[ "$doomed" = 0 ] || { echo "crash test: $doomed rows of interrupted statements are visible"; exit 1; }
echo "crash test: ok"
