#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Restores a dump made by pg_dump.sh into an empty database.
#
#   restore.sh [--roles] DUMP TARGET_URL
#
# TARGET_URL names an existing, empty database (createdb it first); the
# script refuses one that has tables. Run it as a PostgreSQL superuser (for
# example as the system user postgres over the local socket): the audit log
# and the register keep their integrity with triggers, which must not fire
# again while rows are copied back (pg_restore --disable-triggers), and the
# objects keep their original owner (that role must exist).
# --roles first creates the roles saved beside the dump (DUMP without .dump,
# plus .roles.sql), for a new server; existing roles are left as they are.
# The SHA-256 beside the dump is checked when present. Everything is one
# transaction: on any error nothing is restored. Afterwards: jawnosc audit
# verify against the restored database (docs/operations.md).
set -euo pipefail
roles=0
if [ "${1:-}" = "--roles" ]; then roles=1; shift; fi
if [ $# -ne 2 ]; then
  echo "usage: restore.sh [--roles] DUMP TARGET_URL" >&2
  exit 2
fi
dump=$1 url=$2
[ -r "$dump" ] || { echo "restore.sh: cannot read $dump" >&2; exit 1; }
if [ -f "$dump.sha256" ]; then
  (cd "$(dirname "$dump")" && sha256sum --check --quiet "$(basename "$dump").sha256") ||
    { echo "restore.sh: $dump does not match its SHA-256" >&2; exit 1; }
fi
pg_restore --list "$dump" >/dev/null

tables=$(psql -X -qAt -d "$url" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != 0 ]; then
  echo "restore.sh: the target database is not empty ($tables tables): restore into a new one" >&2
  exit 1
fi
if [ $roles -eq 1 ]; then
  rolefile=${dump%.dump}.roles.sql
  [ -r "$rolefile" ] || { echo "restore.sh: no $rolefile" >&2; exit 1; }
  # Only roles that do not exist yet (CREATE ROLE and their ALTER ROLE),
  # then the memberships.
  existing=$(psql -X -qAt -d "$url" -c "SELECT rolname FROM pg_roles")
  while IFS= read -r line; do
    case $line in
      "CREATE ROLE "* | "ALTER ROLE "*)
        r=${line#* ROLE }; r=${r%%[ ;]*}; r=${r#\"}; r=${r%\"}
        printf '%s\n' "$existing" | grep -qxF "$r" || printf '%s\n' "$line" ;;
      "GRANT "*) printf '%s\n' "$line" ;;
    esac
  done <"$rolefile" | psql -X -q -v ON_ERROR_STOP=1 -d "$url"
fi
pg_restore --dbname="$url" --single-transaction --exit-on-error --disable-triggers "$dump"
psql -X -q -d "$url" -c "ANALYZE" >/dev/null
echo "restored $dump"
