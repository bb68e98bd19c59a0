#!/usr/bin/env bash
# README command 1: install what tsdb needs, build and install the extension, start a throwaway cluster
# (scripts/cluster.sh) and run the demo (scripts/demo.sql).
#
#   scripts/setup.sh             everything
#   scripts/setup.sh --no-demo   packages, build, install and cluster only (scripts/test.sh uses this)
#
# Runs as root, or as another user with sudo for the root-only steps (apt-get, make install).
# With CI set in the environment, warnings are errors (TSDB_WERROR=1).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=SCRIPTDIR/lib.sh
. scripts/lib.sh

demo=1
for arg in "$@"; do
  case "$arg" in
    --no-demo) demo=0 ;;
    -h | --help) sed -n '2,9s/^# \{0,1\}//p' scripts/setup.sh; exit 0 ;;
    *) die "unknown argument: $arg (see --help)" ;;
  esac
done

# 1. Debian packages (scripts/packages.txt), installed only when one is missing.
missing=()
while read -r pkg; do
  if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$pkg")
  fi
done < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' scripts/packages.txt)
if [ ${#missing[@]} -gt 0 ]; then
  note "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# 2. Build and install the extension (the Makefile builds the core with CMake in build/release first).
make_args=(PG_CONFIG="$(tsdb_pg_config)")
if [ -n "${CI:-}" ]; then
  make_args+=(TSDB_WERROR=1)
fi
make -j2 "${make_args[@]}"
as_root make install "${make_args[@]}"

# 3. A throwaway cluster; a restart so that a running one loads the tsdb.so just installed.
bash scripts/cluster.sh restart

# 4. The demo.
if [ "$demo" -eq 1 ]; then
  # In a database of its own, made afresh: the extension as just installed.
  bash scripts/cluster.sh psql -X -q -d postgres -c "DROP DATABASE IF EXISTS tsdb_demo" -c "CREATE DATABASE tsdb_demo"
  bash scripts/cluster.sh psql -X -q -v ON_ERROR_STOP=1 -d tsdb_demo -f scripts/demo.sql
  echo
  echo "The cluster is still running: scripts/cluster.sh psql to connect, scripts/cluster.sh stop to stop it."
fi
