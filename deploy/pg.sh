#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The private PostgreSQL cluster used by `make run` and the tests when
# DATABASE_URL is not set: initdb once, listen only on a Unix socket in a
# directory of its own (no TCP port), stop cleanly.
#
#   deploy/pg.sh start     start (initdb on first use); prints DATABASE_URL=...
#   deploy/pg.sh stop      stop, waiting for a clean shutdown
#   deploy/pg.sh url       print the URL of the database named in $2 (default jawnosc)
#   deploy/pg.sh status    exit 0 when running
#
# PostgreSQL refuses to run as root. When root, the cluster runs as the
# `postgres` user in a directory under /tmp that it owns (the checkout itself
# may not be reachable for that user); var/pg then points there.
#
# JAWNOSC_PG_DIR=/some/dir puts a separate cluster there instead (its own
# data, socket and log; var/pg is left alone): `make bench` uses one.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/pg_ctl" ] || { echo "pg.sh: PostgreSQL server binaries not found (run deploy/deps.sh)" >&2; exit 1; }

if [ -n "${JAWNOSC_PG_DIR:-}" ] && [ "$(id -u)" -eq 0 ]; then
  base=$JAWNOSC_PG_DIR
  as_pg=(runuser -u postgres -- env -C /)  # from a directory postgres may enter
  dbuser=postgres
  mkdir -p "$base"
  chown postgres:postgres "$base"
  chmod 700 "$base"
elif [ -n "${JAWNOSC_PG_DIR:-}" ]; then
  base=$JAWNOSC_PG_DIR
  as_pg=()
  dbuser=$(id -un)
  mkdir -p "$base"
elif [ "$(id -u)" -eq 0 ]; then
  key=$(printf '%s' "$top" | sha1sum | cut -c1-10)
  base=/tmp/jawnosc-pg-$key
  as_pg=(runuser -u postgres -- env -C /)  # from a directory postgres may enter
  dbuser=postgres
  mkdir -p "$base"
  chown postgres:postgres "$base"
  chmod 700 "$base"
  mkdir -p "$top/var"
  [ -L "$top/var/pg" ] || { rm -rf "$top/var/pg"; ln -s "$base" "$top/var/pg"; }
else
  base=$top/var/pg
  as_pg=()
  dbuser=$(id -un)
  mkdir -p "$base"
fi
base=$(cd "$base" && pwd)  # absolute: the server runs from /
data=$base/data
sock=$base/run
log=$base/postgres.log
port=5432

url() {
  echo "postgresql:///${1:-jawnosc}?host=$sock&port=$port&user=$dbuser"
}

running() {
  [ -f "$data/postmaster.pid" ] && "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
  if [ ! -f "$data/PG_VERSION" ]; then
    "${as_pg[@]}" mkdir -p "$data" "$sock"
    "${as_pg[@]}" "$bindir/initdb" -D "$data" -U "$dbuser" --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 ||
      { cat "$base/initdb.log" >&2; exit 1; }
    cat >>"$data/postgresql.conf" <<CONF
# Jawność private cluster: Unix socket only.
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
max_connections = 200
shared_buffers = 256MB
log_min_messages = warning
CONF
  fi
  "${as_pg[@]}" mkdir -p "$sock"
  if ! running; then
    "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null ||
      { tail -n 20 "$log" >&2; exit 1; }
  fi
  if ! "$bindir/psql" -X -q -d "$(url postgres)" -tAc "SELECT 1 FROM pg_database WHERE datname='jawnosc'" | grep -q 1; then
    "$bindir/psql" -X -q -d "$(url postgres)" -c "CREATE DATABASE jawnosc" >/dev/null
  fi
  echo "DATABASE_URL='$(url jawnosc)'"
}

stop() {
  if running; then
    "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url "${2:-jawnosc}" ;;
  status) running ;;
  *) echo "usage: deploy/pg.sh start|stop|url [DB]|status" >&2; exit 2 ;;
esac
