#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The restore drill (make restore-drill; tests/run.sh runs it in make check).
#
# Part 1, logical backups: a fresh database with migrate + seed --demo is
# dumped with deploy/backup/pg_dump.sh and restored with
# deploy/backup/restore.sh into a new database; `jawnosc audit verify`
# passes on the restored one, every table has the same rows (count and a
# digest of the content), the server starts on it and says it is ready;
# restore.sh refuses a non-empty target and a dump whose SHA-256 is off;
# rotation keeps JAWNOSC_BACKUP_KEEP dumps.
#
# Part 2, base backup and WAL archive (point-in-time recovery): a throwaway
# PostgreSQL cluster with archive_mode=on and deploy/backup/wal-archive.sh
# as archive_command; deploy/backup/basebackup.sh takes a base backup; more
# is written afterwards (a filing through the server, a new user); the
# cluster is then thrown away and rebuilt from the base backup plus the
# archived WAL; everything written after the base backup is there and the
# audit chain verifies.
#
# Loopback and Unix sockets only; prints cmocka-style lines.
set -uo pipefail
. "$(dirname "$0")/ops_env.sh"
root=$PWD
logs=$root/build/test-logs/restore-drill
mkdir -p "$logs"
bin=${JAWNOSC_BIN:-bin/jawnosc}
[ -x "$bin" ] || bin=bin/jawnosc-asan
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

passed=0 failed=0 failures=()
pass() { passed=$((passed + 1)); echo "[       OK ] $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "[  FAILED  ] $1"; }
run() { # run NAME FUNCTION: one test
  echo "[ RUN      ] $1"
  local started=$SECONDS
  if "$2" >"$logs/$1.log" 2>&1; then pass "$1 ($((SECONDS - started)) s)"; else
    echo "[  ERROR   ] $1: see $logs/$1.log"; tail -n 8 "$logs/$1.log" | sed 's/^/    /'; fail "$1"; fi
}

t0=$(date +%s)
tmp=$(mktemp -d /tmp/jawnosc-drill-XXXXXX)
chmod 755 "$tmp"
src=jawnosc_drill_src_$$
dst=jawnosc_drill_dst_$$
bad=jawnosc_drill_bad_$$
server_pid=
drill_pg=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  if [ -n "$drill_pg" ]; then
    for d in "$tmp/pg" "$tmp/pg2"; do
      [ -f "$d/postmaster.pid" ] && as_pg "$pgbin/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1
    done
  fi
  for db in $src $dst $bad; do
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

url_of() { # a libpq URI for database $1 on the PostgreSQL of PGHOST/PGPORT/PGUSER
  /usr/bin/python3 - "$1" <<'PY'
import os, sys, urllib.parse as u
q = {k: os.environ[e] for k, e in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"),
                                   ("password", "PGPASSWORD")) if os.environ.get(e)}
print(f"postgresql:///{sys.argv[1]}?" + u.urlencode(q))
PY
}

# Every table of the public schema: name, rows, digest of the rows (two
# psql calls: the list of tables, then one query over all of them).
# Unlogged tables (rate_limits: counters that matter for an hour) are left
# out: they are in neither base backups nor WAL, and start empty after a
# restore, by design.
fingerprint() { # fingerprint URL
  psql -X -qAt -d "$1" -c "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                              AND c.relpersistence = 'p' ORDER BY 1" |
    sed "s/.*/SELECT '&' || ' ' || count(*) || ' ' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '-') FROM \"&\" x/" |
    paste -sd '\n' | sed '2,$s/^/UNION ALL /' | { cat; echo ' ORDER BY 1'; } | psql -X -qAt -d "$1"
}

# ---- part 1: pg_dump and restore ------------------------------------------------

src_url=$(url_of $src)
dst_url=$(url_of $dst)
backups=$tmp/backups
dump=

t_dump() {
  psql -X -q -d postgres -c "CREATE DATABASE $src" || return 1
  DATABASE_URL=$src_url "$bin" migrate >/dev/null || return 1
  DATABASE_URL=$src_url "$bin" seed --demo || return 1
  # Older dumps, to see the rotation remove the oldest.
  mkdir -p "$backups"
  for s in 20200101T000000Z 20200102T000000Z 20200103T000000Z; do
    touch "$backups/jawnosc-$s.dump" "$backups/jawnosc-$s.dump.sha256"
  done
  dump=$(DATABASE_URL=$src_url JAWNOSC_BACKUP_KEEP=2 deploy/backup/pg_dump.sh "$backups") || return 1
  echo "dump: $dump"
  [ -s "$dump" ] && [ -s "$dump.sha256" ] || return 1
  [ -s "${dump%.dump}.roles.sql" ] || { echo "no roles file"; return 1; }
  (cd "$backups" && sha256sum --check "$(basename "$dump").sha256") || return 1
  ls -1 "$backups"
  # KEEP=2: the new dump and the newest old one.
  [ "$(ls -1 "$backups" | grep -c '\.dump$')" = 2 ] || return 1
  [ -e "$backups/jawnosc-20200103T000000Z.dump" ] && [ ! -e "$backups/jawnosc-20200101T000000Z.dump" ]
}

t_restore_into_new_database() {
  [ -n "$dump" ] || return 1
  psql -X -q -d postgres -c "CREATE DATABASE $dst" || return 1
  deploy/backup/restore.sh --roles "$dump" "$dst_url"
}

t_audit_verify_on_restored() {
  DATABASE_URL=$dst_url "$bin" audit verify
}

t_every_table_matches() {
  local a b
  a=$(fingerprint "$src_url") && b=$(fingerprint "$dst_url") || return 1
  echo "$a"
  [ "$(echo "$a" | wc -l)" -ge 15 ] || { echo "too few tables"; return 1; }
  echo "$a" | grep -q '^requests 3[0-9] ' || { echo "the demo requests are missing"; return 1; }
  diff <(echo "$a") <(echo "$b")
}

t_restored_database_serves() {
  local out=$tmp/serve.out
  DATABASE_URL=$dst_url JAWNOSC_LISTEN=127.0.0.1:0 JAWNOSC_ACCESS_LOG= JAWNOSC_MAIL_DIR=$tmp/mail \
    "$bin" serve >"$out" 2>"$logs/serve.log" &
  server_pid=$!
  local port= i
  for i in $(seq 1 100); do
    port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$out")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || return 1
  curl -fsS "http://127.0.0.1:$port/readyz" || return 1
  curl -fsS -o /dev/null "http://127.0.0.1:$port/wniosek" || return 1
  kill -TERM "$server_pid" && wait "$server_pid"
  local rc=$?
  server_pid=
  return $rc
}

t_restore_refuses_non_empty_target() {
  # The restored database has tables: a second restore into it is refused.
  ! deploy/backup/restore.sh "$dump" "$dst_url"
}

t_restore_refuses_a_damaged_dump() {
  cp "$dump" "$tmp/damaged.dump" && cp "$dump.sha256" "$tmp/damaged.dump.sha256" || return 1
  sed -i "s/$(basename "$dump")/damaged.dump/" "$tmp/damaged.dump.sha256"
  printf 'X' | dd of="$tmp/damaged.dump" bs=1 seek=4000 conv=notrunc 2>/dev/null
  psql -X -q -d postgres -c "CREATE DATABASE $bad" || return 1
  # Refused by its checksum...
  ! deploy/backup/restore.sh "$tmp/damaged.dump" "$(url_of $bad)" || return 1
  # ...and without one, a dump cut short fails in pg_restore, and the one
  # transaction leaves nothing behind.
  rm "$tmp/damaged.dump.sha256"
  truncate -s $(($(stat -c %s "$dump") * 6 / 10)) "$tmp/damaged.dump"
  ! deploy/backup/restore.sh "$tmp/damaged.dump" "$(url_of $bad)" &&
    [ "$(psql -X -qAt -d "$(url_of $bad)" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ]
}

run dump_demo_data_with_rotation t_dump
run restore_into_new_database t_restore_into_new_database
run audit_verify_on_restored_database t_audit_verify_on_restored
run every_table_matches t_every_table_matches
run restored_database_serves t_restored_database_serves
run restore_refuses_non_empty_target t_restore_refuses_non_empty_target
run restore_refuses_a_damaged_dump t_restore_refuses_a_damaged_dump

# ---- part 2: base backup + WAL archive ---------------------------------------

if [ "$(id -u)" -eq 0 ]; then
  as_pg() { runuser -u postgres -- "$@"; }
  pguser=postgres
else
  as_pg() { "$@"; }
  pguser=$(id -un)
fi
archive=$tmp/archive
pitr_url="postgresql:///drill?host=$tmp/run&port=5432&user=$pguser"
after_rows=

t_wal_archive_script() {
  local d=$tmp/walcheck
  mkdir -p "$d/archive" && printf 'segment-1' >"$d/seg" || return 1
  deploy/backup/wal-archive.sh "$d/seg" 000000010000000000000001 "$d/archive" || return 1
  cmp "$d/seg" "$d/archive/000000010000000000000001" || return 1
  # The same segment again is fine; another content under that name is not.
  deploy/backup/wal-archive.sh "$d/seg" 000000010000000000000001 "$d/archive" || return 1
  printf 'segment-2' >"$d/seg"
  ! deploy/backup/wal-archive.sh "$d/seg" 000000010000000000000001 "$d/archive" &&
    [ "$(cat "$d/archive/000000010000000000000001")" = segment-1 ] &&
    [ -z "$(ls -A "$d/archive" | grep -v '^0000')" ]
}

t_base_backup_and_point_in_time_recovery() {
  [ -x "$pgbin/initdb" ] || { echo "no PostgreSQL server binaries"; return 1; }
  mkdir -p "$tmp/pg" "$tmp/run" "$archive" "$tmp/base" "$tmp/pglog"
  cp deploy/backup/wal-archive.sh "$tmp/wal-archive.sh"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$tmp/pg" "$tmp/run" "$archive" "$tmp/pglog" "$tmp/wal-archive.sh"
  chmod 700 "$tmp/pg"
  as_pg "$pgbin/initdb" -D "$tmp/pg" -U "$pguser" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null || return 1
  cat >>"$tmp/pg/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$tmp/run'
port = 5432
wal_level = replica
archive_mode = on
archive_command = '$tmp/wal-archive.sh %p %f $archive'
max_wal_senders = 4
fsync = off
CONF
  drill_pg=1
  as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -l "$tmp/pglog/primary.log" -w -t 60 start >/dev/null || return 1
  psql -X -q -d "postgresql:///postgres?host=$tmp/run&port=5432&user=$pguser" -c "CREATE DATABASE drill" || return 1
  DATABASE_URL=$pitr_url "$bin" migrate >/dev/null || return 1
  DATABASE_URL=$pitr_url "$bin" seed --demo >/dev/null || return 1

  local base
  base=$(DATABASE_URL=$pitr_url deploy/backup/basebackup.sh "$tmp/base") || return 1
  echo "base backup: $base"
  [ -f "$base/backup_manifest" ] || return 1

  # Written after the base backup: only the WAL archive has it.
  DATABASE_URL=$pitr_url JAWNOSC_LISTEN=127.0.0.1:0 JAWNOSC_ACCESS_LOG= JAWNOSC_MAIL_DIR=$tmp/mail \
    "$bin" serve >"$tmp/pitr-serve.out" 2>"$logs/pitr-serve.log" &
  server_pid=$!
  local port= i
  for i in $(seq 1 100); do
    port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/pitr-serve.out")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || return 1
  curl -fsS -H 'Content-Type: application/json' -o "$tmp/filed.json" \
    -d '{"kind":"public_information","subject":"Po kopii","content":"Wniosek złożony po kopii bazowej.","delivery":"email","requester":{"email":"po.kopii@example.org"}}' \
    "http://127.0.0.1:$port/api/v1/requests" || return 1
  kill -TERM "$server_pid"; wait "$server_pid"; server_pid=
  printf 'haslo-po-kopii-1234\n' | DATABASE_URL=$pitr_url "$bin" user add po.kopii@mon.example \
    --org mon --role clerk >/dev/null || return 1
  local case_number
  case_number=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["case_number"])' "$tmp/filed.json")
  after_rows=$(fingerprint "$pitr_url")
  # Close the current WAL segment and wait until it is archived.
  local seg
  seg=$(psql -X -qAt -d "$pitr_url" -c "SELECT pg_walfile_name(pg_switch_wal())") || return 1
  for i in $(seq 1 100); do
    [ -f "$archive/$seg" ] && break
    sleep 0.1
  done
  [ -f "$archive/$seg" ] || { echo "segment $seg was not archived"; return 1; }

  # The disaster: the cluster is gone.
  as_pg "$pgbin/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null
  rm -rf "$tmp/pg"

  # Recovery: the base backup, the archive's WAL, then a new timeline.
  cp -a "$base" "$tmp/pg2"
  mkdir -p "$tmp/run2"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$tmp/pg2" "$tmp/run2"
  chmod 700 "$tmp/pg2"
  cat >>"$tmp/pg2/postgresql.conf" <<CONF
unix_socket_directories = '$tmp/run2'
archive_mode = off
restore_command = 'cp $archive/%f %p'
CONF
  as_pg touch "$tmp/pg2/recovery.signal"
  as_pg "$pgbin/pg_ctl" -D "$tmp/pg2" -l "$tmp/pglog/restored.log" -w -t 120 start >/dev/null || return 1
  local url2="postgresql:///drill?host=$tmp/run2&port=5432&user=$pguser"
  for i in $(seq 1 200); do
    [ "$(psql -X -qAt -d "$url2" -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] && break
    sleep 0.1
  done
  [ "$(psql -X -qAt -d "$url2" -c 'SELECT pg_is_in_recovery()')" = f ] || { echo "still recovering"; return 1; }
  cp "$tmp/pglog/"*.log "$logs/" 2>/dev/null
  grep -E "archive recovery complete|restored log file" "$tmp/pglog/restored.log" | tail -n 3
  [ "$(psql -X -qAt -d "$url2" -c "SELECT count(*) FROM requests WHERE case_number = '$case_number'")" = 1 ] ||
    { echo "the filing made after the base backup is missing"; return 1; }
  [ "$(psql -X -qAt -d "$url2" -c "SELECT count(*) FROM users WHERE email = 'po.kopii@mon.example'")" = 1 ] ||
    { echo "the user added after the base backup is missing"; return 1; }
  DATABASE_URL=$url2 "$bin" audit verify || return 1
  diff <(echo "$after_rows") <(fingerprint "$url2") || return 1
  as_pg "$pgbin/pg_ctl" -D "$tmp/pg2" -m fast -w stop >/dev/null
}

run wal_archive_script_never_overwrites t_wal_archive_script
run base_backup_and_point_in_time_recovery t_base_backup_and_point_in_time_recovery

echo "[==========] $((passed + failed)) test(s) run ($(($(date +%s) - t0)) s)."
echo "[  PASSED  ] $passed test(s)."
if [ "$failed" -ne 0 ]; then
  echo "[  FAILED  ] $failed test(s), listed below:"
  for f in "${failures[@]}"; do echo "[  FAILED  ] $f"; done
  echo
  echo " $failed FAILED TEST(S)"
  exit 1
fi
