#!/usr/bin/env bash
# The longer differential soak: the random workloads of test/pgtap/10_tam_differential.sql over
# many more seeds (default 2000 seeds x 300 steps), against the throwaway cluster.
#   scripts/soak.sh [SEEDS] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-2000} steps=${2:-300}
bash scripts/cluster.sh start >/dev/null
eval "$(bash scripts/cluster.sh env)"
dropdb --if-exists tsdb_soak
createdb tsdb_soak
trap 'dropdb --if-exists tsdb_soak' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d tsdb_soak -c "CREATE EXTENSION tsdb" -c "SET client_min_messages = warning" \
  -f test/sql/differential.sql
# 20 seeds per transaction: each seed creates and drops two tables, and their locks are held
# to commit.
failures=""
for ((first = 1; first <= seeds; first += 20)); do
  last=$((first + 19 < seeds ? first + 19 : seeds))
  failures+=$(psql -X -q -At -v ON_ERROR_STOP=1 -d tsdb_soak -c "SET client_min_messages = warning" \
    -c "SELECT r FROM (SELECT tsdb_test.differential(s, $steps) r FROM generate_series($first, $last) s) x WHERE r <> 'ok'")
done
if [ -n "$failures" ]; then
  echo "$failures"
  echo "soak: FAILED"
  exit 1
fi
echo "soak: $seeds seeds x $steps steps, no difference"
