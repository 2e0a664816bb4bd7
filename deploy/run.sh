#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# `make run`: the private database (unless DATABASE_URL is set), migrations,
# the demo data (once), then the server in the foreground. Ctrl-C stops the
# server; `make stop` stops the database.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ]; then
  eval "export $(deploy/pg.sh start)"
  echo "Database: private cluster under var/pg"
fi
bin/jawnosc migrate
bin/jawnosc seed --demo
export JAWNOSC_LISTEN=${JAWNOSC_LISTEN:-127.0.0.1:8080}
# One body: the demo's answers whatever name the browser used (the machine's
# address on the network, say); set it empty to see a strange name's 421.
export JAWNOSC_DEFAULT_ORG=${JAWNOSC_DEFAULT_ORG-mon}
cat <<MSG

Jawność: http://$JAWNOSC_LISTEN/
  filing form:   http://$JAWNOSC_LISTEN/wniosek
  JSON API:      http://$JAWNOSC_LISTEN/api/v1/openapi.json
  staff sign-in (password jawnosc-demo): admin@mon.example, kierownik@mon.example,
                 urzednik@mon.example, urzedniczka@mon.example;
                 data protection officer (/panel/iod): iod@mon.example
Ctrl-C stops the server; 'make stop' stops the database.

MSG
exec bin/jawnosc serve
