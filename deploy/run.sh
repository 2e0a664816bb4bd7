#!/usr/bin/env bash
# `make run`: the private database (unless DATABASE_URL is set), migrations,
# then the server in the foreground. Ctrl-C stops the server; `make stop`
# stops the database.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ]; then
  eval "export $(deploy/pg.sh start)"
  echo "Database: private cluster under var/pg ($DATABASE_URL)"
fi
bin/jawnosc migrate
export JAWNOSC_LISTEN=${JAWNOSC_LISTEN:-127.0.0.1:8080}
echo
echo "Starting Jawność on http://$JAWNOSC_LISTEN/  (Ctrl-C to stop; 'make stop' stops the database)"
echo
exec bin/jawnosc serve
