# SPDX-License-Identifier: EUPL-1.2
# Sourced by the operations test scripts (tests/cluster/run.sh,
# tests/restore_drill.sh, tests/install_test.sh): moves to the top of the
# checkout and makes sure libpq's PGHOST/PGPORT/PGUSER point at a PostgreSQL.
# tests/run.sh exports them already; run by hand, the scripts use the server
# of DATABASE_URL, else start the private cluster (deploy/pg.sh).
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
if [ -z "${PGHOST:-}" ]; then
  if [ -z "${DATABASE_URL:-}" ]; then
    eval "$(deploy/pg.sh start)" || { echo "[  ERROR   ] cannot start PostgreSQL"; echo "[  FAILED  ] 1 test(s)"; exit 1; }
  fi
  eval "$(python3 - "$DATABASE_URL" <<'PY'
import sys, urllib.parse as u
p = u.urlparse(sys.argv[1]); q = dict(u.parse_qsl(p.query))
for k, v in (('PGHOST', q.get('host') or p.hostname), ('PGPORT', q.get('port') or p.port),
             ('PGUSER', q.get('user') or p.username), ('PGPASSWORD', q.get('password') or p.password)):
    if v: print(f"export {k}='{v}'")
PY
)"
fi
unset DATABASE_URL
