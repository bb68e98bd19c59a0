# Helpers shared by the scripts in this folder; each sources it after cd-ing to the checkout root.
# shellcheck shell=bash

# The PostgreSQL 15 installation to build against and run (Debian's, unless PG_CONFIG says otherwise).
tsdb_pg_config() {
  if [ -n "${PG_CONFIG:-}" ]; then
    echo "$PG_CONFIG"
  elif [ -x /usr/lib/postgresql/15/bin/pg_config ]; then
    echo /usr/lib/postgresql/15/bin/pg_config
  else
    echo pg_config
  fi
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if is_root; then
    "$@"
  else
    sudo "$@"
  fi
}

note() { echo "$(basename "$0"): $*" >&2; }
die() { note "$*"; exit 1; }
