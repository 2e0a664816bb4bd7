#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# `make bench` and `make bench-soak`: load and scale measurements (not tests).
#
#   tests/bench/run.sh bench   every scenario with wrk, the two ceilings
#                              (pgbench -S, nginx with a static file), a
#                              table on the terminal and docs/benchmarks.md
#   tests/bench/run.sh soak    a steady mix for SOAK_SECONDS; fails on any
#                              error or on server RSS growth over 5 %
#
# Both start their own PostgreSQL cluster (deploy/pg.sh with JAWNOSC_PG_DIR,
# default /tmp/jawnosc-bench-pg: not the cluster of `make run` and the
# tests), tune it for the machine, create the database bench_<cases>_<orgs>,
# migrate, and load it with the bench tool `jawnosc-seed --cases N --orgs M`
# (tests/bench/seed/) unless it was loaded before (BENCH_RESEED=1 loads it
# again). Then the release
# `bin/jawnosc serve` on 127.0.0.1:$BENCH_PORT without access log.
#
# Knobs (environment): BENCH_CASES (1000000), BENCH_ORGS (500),
# BENCH_SECONDS per scenario (12), BENCH_WARMUP (3), BENCH_CONNECTIONS (16),
# BENCH_THREADS (server worker threads, 0 = one per CPU), BENCH_PORT (18080),
# BENCH_NGINX_PORT (18081), BENCH_PGBENCH_SCALE (50), BENCH_KEEP_DB=1 (leave
# the cluster running), BENCH_CACHE_WARM (seconds of the tracking scenario's
# pass over every token first, 60), BENCH_ITEM_WARM (seconds of the item
# scenario's pass over its 20 000 items first, 30), BENCH_ONLY (space-separated scenario names;
# search_attack is the expensive anonymous search beside a normal page), BENCH_DOC (docs/benchmarks.md; empty: do not write),
# BENCH_CEILINGS=0 (skip pgbench and nginx), BENCH_PROFILE=0 (no perf profile of the server), BENCH_BODY_CONNECTIONS (the
# bodymem scenario's connections per kind of route, 200; tests/bench/bodies.py);
# BENCH_MIX=1 (add the mix of docs/capacity.md, with a streaming replica, to
# the default list; BENCH_ONLY=mix runs it alone; its own knobs at mix_run);
# SOAK_SECONDS (600), SOAK_RATE (requests/s, 100), SOAK_CONNECTIONS (16),
# SOAK_WARMUP (300: one JAWNOSC_PAGE_CACHE_TTL, after which the server's
# page cache has turned over and holds its steady working set).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
mode=${1:-bench}
case "$mode" in bench|soak) ;; *) echo "usage: tests/bench/run.sh bench|soak" >&2; exit 2 ;; esac

CASES=${BENCH_CASES:-1000000}
ORGS=${BENCH_ORGS:-500}
DUR=${BENCH_SECONDS:-12}
WARM=${BENCH_WARMUP:-3}
CONNS=${BENCH_CONNECTIONS:-16}
SERVER_THREADS=${BENCH_THREADS:-0}
PORT=${BENCH_PORT:-18080}
NGINX_PORT=${BENCH_NGINX_PORT:-18081}
PGBENCH_SCALE=${BENCH_PGBENCH_SCALE:-50}
DOC=${BENCH_DOC-docs/benchmarks.md}
SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_RATE=${SOAK_RATE:-100}
SOAK_CONNECTIONS=${SOAK_CONNECTIONS:-16}
SOAK_WARMUP=${SOAK_WARMUP:-300}
export JAWNOSC_PG_DIR=${BENCH_PG_DIR:-/tmp/jawnosc-bench-pg}

work=$top/build/bench
data=$work/data
res=$work/results
db=bench_${CASES}_${ORGS}
mkdir -p "$work" "$data"
rm -rf "$res" && mkdir -p "$res"

log() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- Tools: wrk and nginx are installed here, not by deploy/deps.sh ----------
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# The server's profile in each scenario (BENCH_PROFILE=0: none).
[ "${BENCH_PROFILE:-1}" = 1 ] && ! command -v perf >/dev/null 2>&1 && missing+=(linux-perf)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  SUDO=(); [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
seed_tool=build/rel/tests/bench/jawnosc-seed
make --no-print-directory bin/jawnosc "$seed_tool" >&2

# ---- The cluster, tuned for this machine -------------------------------------
eval "$(deploy/pg.sh start)"
admin_url=$(deploy/pg.sh url postgres)
url=$(deploy/pg.sh url "$db")
psql_admin() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -d "$admin_url" "$@"; }
psql_db() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -d "$url" "$@"; }

mem_kb=$(awk '/^MemTotal/ {print $2}' /proc/meminfo)
sb_mb=$(( mem_kb / 1024 / 4 )); [ "$sb_mb" -gt 8192 ] && sb_mb=8192
ecs_mb=$(( mem_kb / 1024 / 2 ))
# name=value pairs; a restart when one of them needs it.
settings=(
  "shared_buffers=${sb_mb}MB"
  "effective_cache_size=${ecs_mb}MB"
  "maintenance_work_mem=1GB"
  "max_wal_size=8GB"
  "checkpoint_timeout=30min"
  "random_page_cost=1.1"
  "shared_preload_libraries=pg_stat_statements', 'pg_prewarm"  # a list: two quoted names
  "log_min_duration_statement=-1"
)
for kv in "${settings[@]}"; do
  psql_admin -c "ALTER SYSTEM SET ${kv%%=*} = '${kv#*=}'"
done
psql_admin -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
if [ "$(psql_admin -tAc "SELECT count(*) FROM pg_settings WHERE pending_restart")" != 0 ]; then
  log "restarting the bench cluster for its settings"
  deploy/pg.sh stop && eval "$(deploy/pg.sh start)"
fi
# Planning time too (the server's statements are unnamed: planned each time).
psql_admin -c "ALTER SYSTEM SET pg_stat_statements.track_planning = on" -c "SELECT pg_reload_conf()" >/dev/null
pg_pid=$(head -n 1 "$JAWNOSC_PG_DIR/data/postmaster.pid")

cleanup() {
  local rc=$?
  [ -n "${sampler_pid:-}" ] && { kill "$sampler_pid" 2>/dev/null || true; }
  [ -n "${server_pid:-}" ] && { kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; }
  [ -n "${nginx_pid:-}" ] && { kill -QUIT "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true; }
  rm -rf "$work/mail"
  if [ "${BENCH_KEEP_DB:-0}" != 1 ]; then
    [ -n "${rep_data:-}" ] && rep_stop
    deploy/pg.sh stop || true
  fi
  exit $rc
}
trap cleanup EXIT

# ---- The data ----------------------------------------------------------------
seeded=0
if [ "${BENCH_RESEED:-0}" != 1 ] && [ -s "$work/$db.tokens" ] && [ -s "$work/$db.seed" ] &&
   [ "$(psql_admin -tAc "SELECT count(*) FROM pg_database WHERE datname = '$db'")" = 1 ] &&
   DATABASE_URL=$url bin/jawnosc migrate >/dev/null 2>&1 &&
   [ "$(psql_db -tAc "SELECT count(*) FROM organisations WHERE slug = 'org-0001'")" = 1 ]; then
  seeded=1
  log "reusing database $db ($(cat "$work/$db.seed" | head -n 1))"
fi
if [ $seeded -eq 0 ]; then
  log "loading $CASES cases in $ORGS bodies into $db"
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  DATABASE_URL=$url bin/jawnosc migrate >/dev/null
  start=$(date +%s)
  DATABASE_URL=$url "$seed_tool" --cases "$CASES" --orgs "$ORGS" --tokens "$work/$db.tokens" \
    | tee "$work/$db.seed.out"
  secs=$(( $(date +%s) - start ))
  { head -n 1 "$work/$db.seed.out"; echo "seed_seconds=$secs"; echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"; } \
    > "$work/$db.seed"
  log "audit verify"
  DATABASE_URL=$url bin/jawnosc audit verify | tee -a "$work/$db.seed"
fi
psql_db -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm"
# A server in service has its buffer cache warm (pg_prewarm's autoprewarm
# restores it after a restart): every index, then the tables the pages read
# most, as far as 90 % of shared_buffers (the letters' PDFs last).
t0=$(date +%s)
warm=$(psql_db -tAc "
  WITH rels AS (
    SELECT c.oid, pg_relation_size(c.oid) AS size,
           CASE WHEN c.relkind = 'i' THEN 0 ELSE coalesce(array_position(ARRAY['organisations', 'units',
             'users', 'sessions', 'requests', 'publications', 'terms', 'events', 'publication_versions',
             'requesters', 'case_counters', 'page_visits', 'event_chain', 'rate_limits', 'outbox',
             'deliveries', 'documents']::text[], c.relname::text), 100) END AS prio
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i')),
  ordered AS (SELECT oid, prio, size, sum(size) OVER (ORDER BY prio, size, oid) AS cum FROM rels)
  SELECT pg_size_pretty(sum(pg_prewarm(oid)) * 8192) FROM ordered
  WHERE cum < 0.9 * (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers')")
log "buffer cache warmed: $warm in $(( $(date +%s) - t0 )) s"
cp "$work/$db.tokens" "$data/tokens.txt"
psql_db -tAc "SELECT hosts[1] FROM organisations WHERE slug LIKE 'org-%' ORDER BY id" > "$data/hosts.txt"
# Published cases in a random order: the first 20 000 are the item scenario's
# hot set (items.txt, kept in memory by its warm-up), up to 200 000 others
# the items that are not kept (items_cold.txt, each asked for once).
psql_db -tA -F ' ' -c "SELECT o.hosts[1], p.case_number FROM publications p JOIN organisations o ON o.id = p.org_id
                        WHERE NOT p.withdrawn AND o.slug LIKE 'org-%' ORDER BY random() LIMIT 220000" > "$data/items_all.txt"
head -n 20000 "$data/items_all.txt" > "$data/items.txt"
tail -n +20001 "$data/items_all.txt" > "$data/items_cold.txt"
rm -f "$data/items_all.txt"
psql_db -tA -F '|' -c "
  SELECT 'cases', count(*) FROM requests UNION ALL
  SELECT 'open cases', count(*) FROM requests WHERE closed_on IS NULL UNION ALL
  SELECT 'overdue cases', count(*) FROM requests WHERE closed_on IS NULL AND due_on < current_date UNION ALL
  SELECT 'terms', reltuples::bigint FROM pg_class WHERE relname = 'terms' UNION ALL
  SELECT 'events', reltuples::bigint FROM pg_class WHERE relname = 'events' UNION ALL
  SELECT 'documents', reltuples::bigint FROM pg_class WHERE relname = 'documents' UNION ALL
  SELECT 'published cases', count(*) FROM publications UNION ALL
  SELECT 'bodies', count(*) FROM organisations UNION ALL
  SELECT 'staff accounts', count(*) FROM users UNION ALL
  SELECT 'database size', pg_database_size(current_database())" > "$res/data.txt"

# ---- The plan of one body's search (issue 22 item 2) --------------------------
# The register's search statement (cases/register.c, PLAN_WORDS) for the
# body with the most published cases and a word of the bench's searches,
# EXPLAIN (ANALYZE, BUFFERS), run three times in one session and the last kept; then
# the same statement with the index the search had before migration 0045
# (one GIN index over every body's vectors, the organisation filtered
# afterwards), made and dropped again inside a transaction rolled back
# (BENCH_PLAN_BEFORE=0 leaves that out: it builds a GIN index over every
# published case); then the staff's search over the body's cases
# (cases/queue.c, the half of the case's own text). In search_plan.txt.
search_plans() {
  local org word=${BENCH_PLAN_WORD:-umowy} tsq out=$res/search_plan.txt
  org=$(psql_db -tAc "SELECT org_id FROM publications WHERE NOT withdrawn
                      GROUP BY org_id ORDER BY count(*) DESC, org_id LIMIT 1")
  tsq=$(psql_db -tAc "SELECT search_query('$word', true)::text")
  local pub="WITH m AS MATERIALIZED (SELECT i.id, i.received_on, search_score(i.words, :'tsq'::tsquery) AS score
    FROM register_index i WHERE i.org_id = :org::bigint AND i.words @@ :'tsq'::tsquery),
  page AS MATERIALIZED (SELECT m.id, m.received_on, m.score FROM m
    ORDER BY m.score DESC, m.received_on DESC, m.id DESC LIMIT 51)
  SELECT e.id, e.case_number, e.public_subject, page.score FROM page JOIN register_entries e ON e.id = page.id
  ORDER BY page.score DESC, page.received_on DESC, page.id DESC"
  local staff="SELECT r.id, r.case_number, r.subject, coalesce(search_score(r.search, :'tsq'::tsquery), 0) AS score
  FROM requests r WHERE r.org_id = :org::bigint AND r.search @@ :'tsq'::tsquery
  ORDER BY score DESC, r.received_on DESC, r.id DESC LIMIT 51"
  plan() {  # ROLE SQL: the plan of the third run in one session, as ROLE
    psql_db -tA -v org="$org" -v tsq="$tsq" \
      <<<"SET ROLE $1; EXPLAIN (ANALYZE, BUFFERS) $2; EXPLAIN (ANALYZE, BUFFERS) $2; EXPLAIN (ANALYZE, BUFFERS) $2;" \
      | awk 'seen == 2 {print} /^Execution Time/ {seen++}'
  }
  {
    echo "org=$(psql_db -tAc "SELECT slug FROM organisations WHERE id = $org") word=$word" \
      "matches=$(psql_db -tA -v org="$org" -v tsq="$tsq" <<<"SELECT count(*) FROM register_index i WHERE i.org_id = :org::bigint AND i.words @@ :'tsq'::tsquery;")" \
      "published=$(psql_db -tAc "SELECT count(*) FROM publications WHERE NOT withdrawn")"
    echo "tsquery=$tsq"
    echo "--- register"
    plan jawnosc_public "$pub"
    if [ "${BENCH_PLAN_BEFORE:-1}" != 0 ]; then
      echo "--- register, one GIN index over every body"
      psql_db -tA -v org="$org" -v tsq="$tsq" <<<"BEGIN;
        DROP INDEX publications_words_idx;
        CREATE INDEX publications_words_every_body ON publications USING gin (words) WHERE NOT withdrawn;
        EXPLAIN (ANALYZE, BUFFERS) $pub;
        EXPLAIN (ANALYZE, BUFFERS) $pub;
        EXPLAIN (ANALYZE, BUFFERS) $pub;
        ROLLBACK;" | awk 'seen == 2 {print} /^Execution Time/ {seen++}'
    fi
    echo "--- panel"
    plan "$(psql_db -tAc 'SELECT current_user')" "$staff"
  } > "$out" 2>&1
  log "search plan: $(grep -c '' "$out") lines in $out"
}
search_plans || log "search plan: failed (see $res/search_plan.txt)"

# ---- The server ----------------------------------------------------------------
rm -rf "$work/mail" && mkdir -p "$work/mail"
base=http://127.0.0.1:$PORT
start_server() { # extra NAME=value settings
  env DATABASE_URL="$url" JAWNOSC_LISTEN="127.0.0.1:$PORT" JAWNOSC_ACCESS_LOG= JAWNOSC_LOG_LEVEL=warn \
    JAWNOSC_FILING_RATE=1000000 JAWNOSC_TRUSTED_PROXY=127.0.0.1 JAWNOSC_MAIL_DIR="$work/mail" \
    JAWNOSC_THREADS="$SERVER_THREADS" JAWNOSC_TEMPLATES="$top/templates" \
    JAWNOSC_MIGRATIONS="$top/migrations" "$@" bin/jawnosc serve >>"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "$base/readyz" && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
  done
  log "the server is not ready"; cat "$work/server.log" >&2; exit 1
}
stop_server() {
  kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  server_pid=
}
: > "$work/server.log"

# A loaded database has never run the reminder job: its first rounds would
# send the reminders of every overdue case and the managers' digests, and
# the mail job their e-mails, while the scenarios run. A system in service
# sent those long ago, so the server runs first with fast polls until both
# have nothing left to do (at most BENCH_CATCHUP seconds, 900).
q1() { psql_db -tAc "$1"; }
start_server JAWNOSC_REMIND_POLL_MS=300 JAWNOSC_MAIL_POLL_MS=20
t0=$(date +%s); prev=-1
while :; do
  sleep 5
  r=$(q1 "SELECT count(*) FROM reminders"); p=$(q1 "SELECT count(*) FROM outbox WHERE status = 'pending'")
  [ "$r" = "$prev" ] && [ "$p" = 0 ] && break
  [ $(( $(date +%s) - t0 )) -ge "${BENCH_CATCHUP:-900}" ] && { log "catch-up: still $p e-mails pending, measuring anyway"; break; }
  prev=$r
done
log "catch-up: $r reminders sent, outbox drained ($(( $(date +%s) - t0 )) s)"
stop_server
start_server

# Staff sessions in 20 bodies spread over all: a clerk (the queue) and the
# manager of the whole body (the dashboard, its largest scope).
signin() { # HOST EMAIL -> session cookie value
  local host=$1 email=$2 jar csrf
  jar=$(mktemp)
  csrf=$(curl -s -c "$jar" -b "$jar" -H "Host: $host" "$base/panel/logowanie" |
    grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
  curl -s -o /dev/null -c "$jar" -b "$jar" -H "Host: $host" --data-urlencode "csrf=$csrf" \
    --data-urlencode "email=$email" --data-urlencode "password=jawnosc-bench" --data-urlencode "next=" \
    "$base/panel/logowanie"
  awk '$6 == "jw_session" {print $7}' "$jar"
  rm -f "$jar"
}
: > "$data/clerks.txt"; : > "$data/managers.txt"
step=$(( ORGS / 20 )); [ "$step" -ge 1 ] || step=1
for i in $(seq 1 "$step" "$ORGS" | head -n 20); do
  host=$(printf 'org-%04d.example' "$i")
  s=$(signin "$host" "urzednik1-or@$host"); [ -n "$s" ] && echo "$host $s" >> "$data/clerks.txt"
  s=$(signin "$host" "sekretarz@$host"); [ -n "$s" ] && echo "$host $s" >> "$data/managers.txt"
done
log "signed in $(wc -l < "$data/clerks.txt") clerks and $(wc -l < "$data/managers.txt") managers"

# ---- Measuring ----------------------------------------------------------------
clk=$(getconf CLK_TCK)
# CPU ticks: the whole machine (busy), the server, the PostgreSQL processes.
cpu_snapshot() {
  local busy pgt=0 srv p now
  now=$(date +%s%N)
  busy=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat)
  srv=$(awk '{print $14+$15}' "/proc/$server_pid/stat" 2>/dev/null || echo 0)
  for p in $(pgrep -P "$pg_pid"); do
    pgt=$(( pgt + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$now $busy $srv $pgt"
}
# Buffer hits and reads of the database (pg_stat_database).
blocks() { psql_db -tAc "SELECT blks_hit || ' ' || blks_read FROM pg_stat_database WHERE datname = current_database()"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
# The server's page cache (/metrics): hits, misses, entries, bytes. A
# register page asked for is one lookup, so the misses of a run of one
# kind of page are its pages drawn from the database.
page_cache() {
  curl -s "$base/metrics" | awk '$1 == "jawnosc_page_cache_lookups_total{result=\"hit\"}" {h = $2}
    $1 == "jawnosc_page_cache_lookups_total{result=\"miss\"}" {m = $2}
    $1 == "jawnosc_page_cache_entries" {e = $2} $1 == "jawnosc_page_cache_bytes" {b = $2}
    END {printf "%d %d %d %d\n", h, m, e, b}'
}
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status"; }
reset_hwm() { echo 5 > "/proc/$server_pid/clear_refs" 2>/dev/null || true; }

# wrk SCENARIO CONNECTIONS SECONDS [PAUSE_MS] -> the BENCH line
run_wrk() {
  local name=$1 c=$2 d=$3 pause=${4:-0} t=2
  [ "$c" -lt 2 ] && t=1
  wrk -t"$t" -c"$c" -d"${d}s" --timeout 10s -s tests/bench/scenarios.lua "${5:-$base}" -- "$data" "$name" "$pause" |
    grep '^BENCH ' || echo "BENCH requests=0 duration_us=1 p50_us=0 p90_us=0 p99_us=0 max_us=0 connect=0 read=0 write=0 status=0 timeout=0"
}
field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'; }

# The first URL of a scenario, to tell whether the route exists yet.
probe() {
  local h i t s
  h=$(head -n 1 "$data/hosts.txt")
  case $1 in
    register_list) curl -s -o /dev/null -w '%{http_code}' -H "Host: $h" "$base/rejestr" ;;
    register_search) curl -s -o /dev/null -w '%{http_code}' -H "Host: $h" "$base/rejestr?q=umowy" ;;
    search_attack) curl -s -o /dev/null -w '%{http_code}' -H "Host: $h" -H 'X-Forwarded-For: 10.66.0.2' "$base/rejestr?q=%25_" ;;
    register_atom) curl -s -o /dev/null -w '%{http_code}' -H "Host: $h" "$base/rejestr.atom" ;;
    register_item) read -r i t < "$data/items.txt" || true
      [ -n "${t:-}" ] && curl -s -o /dev/null -w '%{http_code}' -H "Host: $i" "$base/rejestr/$t" || echo 404 ;;
    register_item_cold) # the last one: never asked for by the scenario's slices in time
      t=$(tail -n 1 "$data/items_cold.txt"); i=${t%% *}; t=${t#* }
      [ -n "${t:-}" ] && [ "$t" != "$i" ] && curl -s -o /dev/null -w '%{http_code}' -H "Host: $i" "$base/rejestr/$t" || echo 404 ;;
    tracking) read -r i t s < "$data/tokens.txt"; curl -s -o /dev/null -w '%{http_code}' -H "Host: $i" "$base/sprawa/$t" ;;
    filing) t=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $h" -H 'Content-Type: application/json' -d '{}' "$base/api/v1/requests")
      case $t in 400|422) echo 200 ;; *) echo "$t" ;; esac ;;
    queue) read -r i t < "$data/clerks.txt" || true
      [ -n "${t:-}" ] && curl -s -o /dev/null -w '%{http_code}' -H "Host: $i" -H "Cookie: jw_session=$t" "$base/panel" || echo 401 ;;
    dashboard) read -r i t < "$data/managers.txt" || true
      [ -n "${t:-}" ] && curl -s -o /dev/null -w '%{http_code}' -H "Host: $i" -H "Cookie: jw_session=$t" "$base/panel/pulpit" || echo 401 ;;
    static) curl -s -o /dev/null -w '%{http_code}' "$base/static/style.css" ;;
  esac
}

# The statements a scenario spent the database's time on.
top_statements() {
  psql_db -tA -F $'\t' -c "
    SELECT calls, round((total_exec_time + total_plan_time)::numeric, 1), round(mean_exec_time::numeric, 3),
           regexp_replace(left(regexp_replace(query, '\s+', ' ', 'g'), 110), '\|', '/', 'g'),
           jit_functions, round(mean_plan_time::numeric, 3)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
    ORDER BY total_exec_time + total_plan_time DESC LIMIT 5" 2>/dev/null || true
}

# The share of all CPUs other processes keep busy (a shared machine) while
# the server waits, over 5 s: the machine's busy time less the server's and
# PostgreSQL's.
background_busy() {
  local n0 b0 s0 p0 n1 b1 s1 p1
  read -r n0 b0 s0 p0 <<<"$(cpu_snapshot)"
  sleep 5
  read -r n1 b1 s1 p1 <<<"$(cpu_snapshot)"
  echo $(( 100 * (b1 - b0 - (s1 - s0) - (p1 - p0)) * 1000 / (clk * $(nproc) * (n1 - n0) / 1000000) ))
}

machine() {
  {
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpus=$(nproc)"
    echo "cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "memory_gib=$(awk '/^MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)"
    echo "kernel=$(uname -r)"
    echo "debian=$(cat /etc/debian_version 2>/dev/null)"
    echo "postgresql=$(psql_db -tAc 'SHOW server_version')"
    echo "pg_settings=$(psql_db -tAc "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('shared_buffers', 'effective_cache_size', 'max_wal_size', 'random_page_cost', 'synchronous_commit', 'fsync', 'jit', 'max_connections')")"
    echo "wrk=$(wrk -v 2>&1 | head -n 1 | awk '{print $2}')"
    echo "nginx=$(nginx -v 2>&1 | sed 's/.*nginx\///')"
    echo "server_threads=$SERVER_THREADS"
    echo "connections=$CONNS"
    echo "seconds=$DUR"
    echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "background_busy=$(background_busy)"
    echo "cases=$CASES"
    echo "orgs=$ORGS"
  } > "$res/machine.txt"
  cp "$work/$db.seed" "$res/seed.txt"
}

# The anonymous search of the security report (issue 16) beside a normal
# page: 16 connections ask for `q=%_%_…` (200 characters) while 4 ask for
# register pages that are not kept (a random keyset page), both for
# BENCH_SECONDS, first with the bad searches from one address (the limit
# answers 429 past JAWNOSC_SEARCH_RATE a minute), then from a million (only
# the query's own cost protects the rest); the normal page alone first, as
# the baseline. One line in search_attack.txt: the fields of each run
# prefixed alone_, one_bad_, one_normal_, many_bad_, many_normal_.
search_attack() {
  local alone one_bad one_normal many_bad many_normal pid prefix line k
  log "search_attack: the normal page alone (4 connections, ${DUR}s)"
  run_wrk register_list_uncached 4 "$WARM" >/dev/null
  alone=$(run_wrk register_list_uncached 4 "$DUR")
  log "search_attack: $CONNS bad searches from one address beside it"
  run_wrk register_search_bad "$CONNS" "$DUR" > "$res/search_attack.one" &
  pid=$!
  one_normal=$(run_wrk register_list_uncached 4 "$DUR")
  wait "$pid" || true
  one_bad=$(cat "$res/search_attack.one")
  log "search_attack: $CONNS bad searches from a million addresses beside it"
  run_wrk register_search_bad_spread "$CONNS" "$DUR" > "$res/search_attack.many" &
  pid=$!
  many_normal=$(run_wrk register_list_uncached 4 "$DUR")
  wait "$pid" || true
  many_bad=$(cat "$res/search_attack.many")
  line="name=search_attack available=1"
  for k in alone one_bad one_normal many_bad many_normal; do
    prefix=$k
    line="$line $(echo "${!k}" | sed 's/^BENCH //' | tr ' ' '\n' | sed "s/^/${prefix}_/" | tr '\n' ' ')"
  done
  echo "$line" > "$res/search_attack.txt"
  log "search_attack: normal page p99 $(( $(field "$alone" p99_us) / 1000 )) ms alone, $(( $(field "$one_normal" p99_us) / 1000 )) ms beside one address, $(( $(field "$many_normal" p99_us) / 1000 )) ms beside a million; bad search p99 $(( $(field "$one_bad" p99_us) / 1000 )) / $(( $(field "$many_bad" p99_us) / 1000 )) ms, non-2xx $(field "$one_bad" status) / $(field "$many_bad" status)"
}

# ---- The mix of case (c), with a streaming replica (docs/capacity.md) --------
# BENCH_ONLY=mix, or BENCH_MIX=1 to add it to the default list (it takes
# about a minute, longer when the replica is built). The scenarios are
# mixed by BENCH_MIX_SHARES (each kind's estimated requests a year, in
# millions, of every obligated body in Poland: docs/capacity.md, case (c)).
# As deploy/ha/ and docs/operations.md (9.3) set it up, the register reads
# from a streaming replica: pg_basebackup of the bench cluster into
# $JAWNOSC_PG_DIR/replica (hot_standby, its own socket directory and port
# 5433; kept and reused while it can still stream), the server restarted
# with DATABASE_URL_REPLICA; BENCH_MIX_REPLICA=0 runs the mix without it.
# Two runs of BENCH_SECONDS: the mix at saturation ($CONNS connections in a
# closed loop: the highest rate this machine sustains), then each kind
# paced on its own connections at BENCH_MIX_LOAD % (70) of that rate, in
# the same proportions (latency per kind). The replica's lag is sampled
# every second on the primary (pg_stat_replication) through both.
MIX_SHARES=${BENCH_MIX_SHARES:-"register_list=15 register_item=30 register_search=5 register_atom=5 tracking=5 filing=1 queue=10 dashboard=2"}
MIX_LOAD=${BENCH_MIX_LOAD:-70}
rep_base=$JAWNOSC_PG_DIR/replica
rep_data=$rep_base/data
rep_sock=$rep_base/run
rep_port=5433
rep_pid=
as_pg=(); [ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres -- env -C /)
rep_url() { echo "postgresql:///$1?host=$rep_sock&port=$rep_port&user=${admin_url##*user=}"; }
rep_q() { "$pgbin/psql" -X -q -tA -d "$(rep_url postgres)" -c "$1" 2>/dev/null; }
rep_running() { [ -f "$rep_data/postmaster.pid" ] && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$rep_data" status >/dev/null 2>&1; }
rep_stop() { rep_running && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$rep_data" -m fast -w stop >/dev/null || true; rep_pid=; }
rep_streaming() { # up to $1 seconds
  local _
  for _ in $(seq 1 $(( $1 * 2 ))); do
    [ "$(rep_q 'SELECT pg_is_in_recovery()')" = t ] &&
      [ "$(psql_admin -tAc "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" -ge 1 ] && return 0
    sleep 0.5
  done
  return 1
}
rep_start() { # -> how: reused | basebackup
  "${as_pg[@]}" mkdir -p "$rep_base" "$rep_sock"
  if [ -f "$rep_data/standby.signal" ]; then
    if rep_running || "${as_pg[@]}" "$pgbin/pg_ctl" -D "$rep_data" -l "$rep_base/postgres.log" -w -t 120 start >/dev/null 2>&1; then
      if rep_streaming 30; then echo reused; return 0; fi
    fi
    log "mix: the kept replica does not stream; building it again"
    rep_stop
  fi
  "${as_pg[@]}" rm -rf "$rep_data"
  "${as_pg[@]}" "$pgbin/pg_basebackup" -D "$rep_data" -d "$(deploy/pg.sh url postgres)" -X stream -R -c fast >&2
  "${as_pg[@]}" tee -a "$rep_data/postgresql.conf" >/dev/null <<CONF
# The bench's streaming replica (tests/bench/run.sh, scenario mix).
listen_addresses = ''
unix_socket_directories = '$rep_sock'
port = $rep_port
hot_standby = on
hot_standby_feedback = on
CONF
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$rep_data" -l "$rep_base/postgres.log" -w -t 300 start >/dev/null ||
    { tail -n 20 "$rep_base/postgres.log" >&2; return 1; }
  rep_streaming 120 || { log "mix: the replica does not stream"; tail -n 20 "$rep_base/postgres.log" >&2; return 1; }
  echo basebackup
}
# CPU ticks of the replica's processes (0 without it).
rep_ticks() {
  local p t=0
  [ -n "$rep_pid" ] || { echo 0; return; }
  for p in $(pgrep -P "$rep_pid"); do t=$(( t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0) )); done
  echo "$t"
}
# Client connections of the bench database, on the primary and the replica.
mix_conns() {
  echo "$(psql_db -tAc "SELECT count(*) - 1 FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'") \
$( [ -n "$rep_pid" ] && rep_q "SELECT count(*) FROM pg_stat_activity WHERE datname = '$db' AND backend_type = 'client backend'" || echo 0)"
}
mix_run() {
  local how=off t0 build=0 total=0 k w kinds=() line before after rb ra n0 b0 s0 p0 n1 b1 s1 p1 sat
  local rate want r c pause pids=() conns lagf
  for kv in $MIX_SHARES; do total=$(( total + ${kv#*=} )); kinds+=("$kv"); done
  export BENCH_MIX_SHARES=$MIX_SHARES
  if [ "${BENCH_MIX_REPLICA:-1}" != 0 ]; then
    t0=$(date +%s)
    log "mix: the streaming replica ($rep_data)"
    if how=$(rep_start); then
      rep_pid=$(head -n 1 "$rep_data/postmaster.pid")  # rep_start ran in a subshell
    else
      log "mix: no replica; the mix runs on the primary alone"; how=failed; rep_stop
    fi
    build=$(( $(date +%s) - t0 ))
  fi
  if [ -n "$rep_pid" ]; then
    # Its buffer cache warm too, as the primary's: indexes, then the tables by size.
    t0=$(date +%s)
    log "mix: replica buffer cache warmed: $("$pgbin/psql" -X -q -tA -d "$(rep_url "$db")" -c "
      WITH rels AS (SELECT c.oid, pg_relation_size(c.oid) AS size, (c.relkind <> 'i')::int AS prio FROM pg_class c
                    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i')
                      AND c.relpersistence = 'p'),  -- unlogged tables are empty on a standby
      ordered AS (SELECT oid, sum(size) OVER (ORDER BY prio, size, oid) AS cum FROM rels)
      SELECT pg_size_pretty(sum(pg_prewarm(oid)) * 8192) FROM ordered
      WHERE cum < 0.9 * (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers')") in $(( $(date +%s) - t0 )) s"
  fi
  stop_server
  if [ -n "$rep_pid" ]; then start_server DATABASE_URL_REPLICA="$(rep_url "$db")"; else start_server; fi
  log "mix: replica $how; warm-up ${WARM}s, and the page cache ${BENCH_MIX_CACHE_WARM:-10}s over the tokens"
  run_wrk tracking_warm "$CONNS" "${BENCH_MIX_CACHE_WARM:-10}" >/dev/null
  run_wrk mix_c "$CONNS" "$WARM" >/dev/null
  lagf=$res/mix_lag.txt; : > "$lagf"
  if [ -n "$rep_pid" ]; then
    ( while :; do
        psql_admin -tAc "SELECT coalesce(round(extract(epoch FROM replay_lag) * 1000)::bigint, 0) || ' ' ||
                                coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint, 0)
                         FROM pg_stat_replication ORDER BY pid LIMIT 1" >> "$lagf" 2>/dev/null || true
        sleep 1
      done ) &
    sampler_pid=$!
  fi
  reset_hwm
  log "mix: saturation, ${DUR}s with $CONNS connections ($MIX_SHARES)"
  before=$(cpu_snapshot); rb=$(rep_ticks)
  run_wrk mix_c "$CONNS" "$DUR" > "$res/mix.sat" &
  sleep $(( DUR / 2 )); conns=$(mix_conns)
  wait $! || true
  after=$(cpu_snapshot); ra=$(rep_ticks)
  sat=$(cat "$res/mix.sat")
  rate=$(( $(field "$sat" requests) * 1000000 / $(field "$sat" duration_us) ))
  read -r n0 b0 s0 p0 <<<"$before"; read -r n1 b1 s1 p1 <<<"$after"
  # Each kind paced on its own connections (one wrk thread each), pausing
  # so that each connection asks about 20 times a second at most.
  want=$(( rate * MIX_LOAD / 100 ))
  log "mix: ${rate} req/s at saturation; now each kind paced, ${want} req/s in all (${MIX_LOAD} %), ${DUR}s"
  : > "$res/mix_kinds.txt"
  for kv in "${kinds[@]}"; do
    k=${kv%%=*}; w=${kv#*=}
    r=$(( want * w / total )); [ "$r" -ge 1 ] || r=1
    c=$(( (r + 19) / 20 ))
    pause=$(( 1000 * c / r ))
    ( l=$(wrk -t1 -c"$c" -d"${DUR}s" --timeout 10s -s tests/bench/scenarios.lua "$base" -- "$data" "$k" "$pause" | grep '^BENCH ' ||
          echo "BENCH requests=0 duration_us=1")
      echo "kind=$k share=$w wanted=$r connections=$c pause_ms=$pause ${l#BENCH }" > "$res/mix.$k" ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
  for kv in "${kinds[@]}"; do cat "$res/mix.${kv%%=*}" >> "$res/mix_kinds.txt"; done
  [ -n "${sampler_pid:-}" ] && { kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=; }
  echo "name=mix available=1 replica=$how replica_build_s=$build shares=$(echo "$MIX_SHARES" | tr ' =' ',:') load=$MIX_LOAD \
paced_wanted=$want mix_connections=$CONNS conns_primary=${conns% *} conns_replica=${conns#* } hwm_kb=$(hwm_kb) ${sat#BENCH } cpu_busy=$((b1 - b0)) \
cpu_server=$((s1 - s0)) cpu_pg=$((p1 - p0)) cpu_replica=$((ra - rb)) window_ms=$(( (n1 - n0) / 1000000 )) clk=$clk ncpu=$(nproc) \
lag_samples=$(wc -l < "$lagf") lag_max_ms=$(awk 'BEGIN {m = 0} $1 > m {m = $1} END {print m}' "$lagf") \
lag_mean_ms=$(awk '{s += $1; n++} END {printf "%.1f", n ? s / n : 0}' "$lagf") \
lag_max_bytes=$(awk 'BEGIN {m = 0} $2 > m {m = $2} END {print m}' "$lagf")" > "$res/mix.txt"
  log "mix: $(sed 's/ /\n/g' "$res/mix.txt" | grep -E '^(replica|lag_max_ms|lag_max_bytes|conns_primary|conns_replica)=' | tr '\n' ' ')"
  # The next scenarios run as before: without the replica.
  stop_server; start_server
  [ "${BENCH_KEEP_DB:-0}" = 1 ] || rep_stop
}

if [ "$mode" = bench ]; then
  machine
  scenarios=(register_list register_item register_item_cold register_search register_atom tracking filing queue dashboard static search_attack bodymem)
  # BENCH_ONLY="tracking filing": measure only these (with BENCH_DOC= to keep the document).
  [ -n "${BENCH_ONLY:-}" ] && read -r -a scenarios <<<"$BENCH_ONLY"
  [ "${BENCH_MIX:-0}" = 1 ] && [ -z "${BENCH_ONLY:-}" ] && scenarios+=(mix)
  for s in "${scenarios[@]}"; do
    if [ "$s" = bodymem ]; then
      # Not wrk: BENCH_BODY_CONNECTIONS (200) bodies of each route's limit
      # less one byte in flight at once, the server's RSS sampled.
      log "bodymem: ${BENCH_BODY_CONNECTIONS:-200} connections x (limit - 1 byte) per kind of route"
      python3 tests/bench/bodies.py "127.0.0.1:$PORT" "$server_pid" "$(head -n 1 "$data/hosts.txt")" \
        "$res/bodymem.txt" "${BENCH_BODY_CONNECTIONS:-200}"
      continue
    fi
    if [ "$s" = mix ]; then
      mix_run
      continue
    fi
    code=$(probe "$s")
    if [ "$code" != 200 ] && [ "$code" != 201 ]; then
      log "$s: not available (HTTP $code)"
      echo "name=$s available=0 code=$code" > "$res/$s.txt"
      continue
    fi
    if [ "$s" = search_attack ]; then
      search_attack
      continue
    fi
    if [ "$s" = tracking ]; then
      # Every token once (and again): the server's page cache is warm, as the
      # database's buffer cache is (pg_prewarm above).
      log "tracking: the page cache warm-up, ${BENCH_CACHE_WARM:-60}s over every token"
      run_wrk tracking_warm "$CONNS" "${BENCH_CACHE_WARM:-60}" >/dev/null
    fi
    if [ "$s" = register_item ]; then
      # The hot items once (and again), as a server in service holds them.
      log "register_item: the page cache warm-up, ${BENCH_ITEM_WARM:-30}s over its $(grep -c '' "$data/items.txt") items"
      run_wrk register_item_warm "$CONNS" "${BENCH_ITEM_WARM:-30}" >/dev/null
      read -r _ _ pe pb <<<"$(page_cache)"
      log "register_item: the page cache holds $pe copies, $(( pb / 1024 )) kB"
    fi
    # The cold items' slices (scenarios.lua): none is asked for twice.
    export BENCH_COLD_PART=warm
    log "$s: warm-up ${WARM}s, then ${DUR}s with $CONNS connections"
    run_wrk "$s" "$CONNS" "$WARM" >/dev/null
    psql_db -tAc "SELECT pg_stat_statements_reset()" >/dev/null 2>&1 || true
    reset_hwm
    read -r h0 r0 <<<"$(blocks)"
    read -r ph0 pm0 _ _ <<<"$(page_cache)"
    export BENCH_COLD_PART=main
    # The server's profile over the measured run: perf samples its threads
    # 499 times a second (about 1 % of a CPU), flat, by library and symbol.
    prof=
    if [ "${BENCH_PROFILE:-1}" = 1 ] && command -v perf >/dev/null 2>&1; then
      perf record -q -F 499 -p "$server_pid" -o "$res/$s.perf.data" -- sleep "$DUR" >/dev/null 2>&1 &
      prof=$!
    fi
    before=$(cpu_snapshot)
    line=$(run_wrk "$s" "$CONNS" "$DUR")
    after=$(cpu_snapshot)
    if [ -n "$prof" ]; then
      wait "$prof" 2>/dev/null || true
      perf report -i "$res/$s.perf.data" --no-children --stdio --sort dso,symbol 2>/dev/null |
        awk '/^ +[0-9.]+%/ {print} ' | head -n 10 > "$res/$s.perf.txt" || true
      rm -f "$res/$s.perf.data"
    fi
    hwm=$(hwm_kb)
    read -r ph1 pm1 pe pb <<<"$(page_cache)"
    sleep 1  # backends report their statistics at most once a second
    read -r h1 r1 <<<"$(blocks)"
    top_statements > "$res/$s.sql"
    log "$s: alone (1 connection) 5s"
    export BENCH_COLD_PART=alone
    alone=$(run_wrk "$s" 1 5)
    read -r n0 b0 s0 p0 <<<"$before"; read -r n1 b1 s1 p1 <<<"$after"
    echo "name=$s available=1 $line hwm_kb=$hwm cpu_busy=$((b1 - b0)) cpu_server=$((s1 - s0)) cpu_pg=$((p1 - p0)) window_ms=$(( (n1 - n0) / 1000000 )) blks_hit=$((h1 - h0)) blks_read=$((r1 - r0)) pc_hits=$((ph1 - ph0)) pc_misses=$((pm1 - pm0)) pc_entries=$pe pc_bytes=$pb clk=$clk ncpu=$(nproc) alone_p50_us=$(field "$alone" p50_us) alone_p99_us=$(field "$alone" p99_us) alone_requests=$(field "$alone" requests) alone_duration_us=$(field "$alone" duration_us)" \
      | sed 's/ BENCH / /' > "$res/$s.txt"
    log "$s: $(( $(field "$line" requests) * 1000000 / $(field "$line" duration_us) )) req/s, p50 $(( $(field "$line" p50_us) / 1000 )) ms, p99 $(( $(field "$line" p99_us) / 1000 )) ms, errors $(( $(field "$line" connect) + $(field "$line" read) + $(field "$line" write) + $(field "$line" status) + $(field "$line" timeout) )), peak RSS $(( hwm / 1024 )) MB"
  done

  # Ceiling 1: PostgreSQL's own select-only rate on the same cluster.
  if [ "${BENCH_CEILINGS:-1}" = 0 ]; then
    echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$res/machine.txt"
    python3 tests/bench/report.py bench "$res" "$DOC"
    exit 0
  fi
  if [ "$(psql_admin -tAc "SELECT count(*) FROM pg_database WHERE datname = 'pgbench_$PGBENCH_SCALE'")" != 1 ]; then
    log "pgbench: initialising scale $PGBENCH_SCALE"
    psql_admin -c "CREATE DATABASE pgbench_$PGBENCH_SCALE"
    "$pgbin/pgbench" -q -i -s "$PGBENCH_SCALE" "$(deploy/pg.sh url "pgbench_$PGBENCH_SCALE")" >/dev/null 2>&1
  fi
  log "pgbench -S: $CONNS clients, ${DUR}s"
  before=$(cpu_snapshot)
  "$pgbin/pgbench" -S -M prepared -c "$CONNS" -j 2 -T "$DUR" -n "$(deploy/pg.sh url "pgbench_$PGBENCH_SCALE")" \
    > "$res/pgbench.out" 2>&1
  after=$(cpu_snapshot)
  read -r n0 b0 s0 p0 <<<"$before"; read -r n1 b1 s1 p1 <<<"$after"
  echo "tps=$(awk '/^tps/ {print $3; exit}' "$res/pgbench.out") latency_ms=$(awk '/^latency average/ {print $4}' "$res/pgbench.out") scale=$PGBENCH_SCALE clients=$CONNS cpu_busy=$((b1 - b0)) window_ms=$(( (n1 - n0) / 1000000 )) clk=$clk ncpu=$(nproc) seconds=$DUR" > "$res/pgbench.txt"
  log "pgbench -S: $(cat "$res/pgbench.txt")"

  # Ceiling 2: nginx serving the same stylesheet from a file, on loopback.
  ng=$work/nginx
  rm -rf "$ng" && mkdir -p "$ng/www" "$ng/tmp" && chmod 755 "$ng" "$ng/www"
  install -m 644 templates/static/style.css "$ng/www/style.css"
  cat > "$ng/nginx.conf" <<CONF
worker_processes $(nproc);
daemon off;
pid $ng/nginx.pid;
error_log $ng/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { text/css css; }
  client_body_temp_path $ng/tmp; proxy_temp_path $ng/tmp; fastcgi_temp_path $ng/tmp;
  uwsgi_temp_path $ng/tmp; scgi_temp_path $ng/tmp;
  server { listen 127.0.0.1:$NGINX_PORT; root $ng/www; }
}
CONF
  nginx -c "$ng/nginx.conf" -p "$ng" -e "$ng/error.log" &
  nginx_pid=$!
  for _ in $(seq 1 50); do curl -fs -o /dev/null "http://127.0.0.1:$NGINX_PORT/style.css" && break; sleep 0.1; done
  log "nginx: ${DUR}s with $CONNS connections"
  run_wrk static "$CONNS" "$WARM" 0 "http://127.0.0.1:$NGINX_PORT/style.css" >/dev/null
  line=$(run_wrk static "$CONNS" "$DUR" 0 "http://127.0.0.1:$NGINX_PORT/style.css")
  echo "$line" | sed 's/^BENCH //' > "$res/nginx.txt"
  kill -QUIT "$nginx_pid" 2>/dev/null; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=
  echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$res/machine.txt"

  python3 tests/bench/report.py bench "$res" "$DOC"
  exit 0
fi

# ---- Soak: a steady mix, RSS sampled every 10 s --------------------------------
machine
pause=$(( 1000 * SOAK_CONNECTIONS / SOAK_RATE ))
log "soak: warm-up ${SOAK_WARMUP}s at about $SOAK_RATE requests/s ($SOAK_CONNECTIONS connections, ${pause} ms apart)"
run_wrk mix "$SOAK_CONNECTIONS" "$SOAK_WARMUP" "$pause" > "$res/soak_warmup.txt"
baseline=$(rss_kb)
log "soak: baseline RSS $(( baseline / 1024 )) MB; ${SOAK_SECONDS}s"
( t=0
  while kill -0 "$server_pid" 2>/dev/null; do
    echo "$t $(rss_kb)"
    sleep 10; t=$(( t + 10 ))
  done ) > "$res/soak_rss.txt" &
sampler_pid=$!
before=$(cpu_snapshot)
line=$(run_wrk mix "$SOAK_CONNECTIONS" "$SOAK_SECONDS" "$pause")
after=$(cpu_snapshot)
final=$(rss_kb)
kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=
echo "$SOAK_SECONDS $final" >> "$res/soak_rss.txt"
read -r n0 b0 s0 p0 <<<"$before"; read -r n1 b1 s1 p1 <<<"$after"
echo "$line baseline_kb=$baseline final_kb=$final seconds=$SOAK_SECONDS rate=$SOAK_RATE connections=$SOAK_CONNECTIONS warmup=$SOAK_WARMUP cpu_busy=$((b1 - b0)) cpu_server=$((s1 - s0)) cpu_pg=$((p1 - p0)) window_ms=$(( (n1 - n0) / 1000000 )) clk=$clk ncpu=$(nproc) load_after=$(cut -d' ' -f1 /proc/loadavg)" \
  | sed 's/^BENCH //' > "$res/soak.txt"
python3 tests/bench/report.py soak "$res" "$DOC"
