#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The installation test (make test-install; tests/run.sh runs it in make
# check): what docs/operations.md tells an operator to do, done here as far
# as one machine without systemd as PID 1 and without containers allows.
#
#  - `make install DESTDIR=...` lays out the binary, templates, migrations,
#    static files, backup scripts, systemd units, nginx files, the example
#    environment file (kept on a second install) and the docs; PREFIX moves
#    every path inside the installed files; `make uninstall` removes all but
#    the environment file.
#  - The installed binary answers --help; jawnosc-ctl (the administrator's
#    wrapper) reads an environment file; a database role made as the docs
#    say (LOGIN CREATEROLE, not a superuser) migrates, loads the demo data
#    and serves from a working directory elsewhere, with JAWNOSC_TEMPLATES and
#    JAWNOSC_MIGRATIONS pointing at the installed directories.
#  - systemd-analyze verifies the units and scores their hardening.
#  - nginx runs the installed production configuration (TLS with a
#    self-signed certificate, HTTP to HTTPS, HSTS, static files from the
#    installed templates, /metrics blocked, body limit) in front of it.
#  - The files that cannot run here are checked as far as possible: the
#    Containerfile's runtime packages exist in Debian 12 and provide every
#    library bin/jawnosc needs; compose.yaml parses and is wired as
#    documented; haproxy -c and patroni --validate-config (when installed)
#    accept deploy/ha/; PgBouncer starts with deploy/pgbouncer/pgbouncer.ini.
#
# Loopback only; prints cmocka-style lines.
set -uo pipefail
. "$(dirname "$0")/ops_env.sh"
root=$PWD
logs=$root/build/test-logs/install
mkdir -p "$logs"
MAKE=${MAKE:-make}

passed=0 failed=0 failures=()
pass() { passed=$((passed + 1)); echo "[       OK ] $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "[  FAILED  ] $1"; }
skip() { echo "[  SKIPPED ] $1: $2"; }
run() {
  echo "[ RUN      ] $1"
  local started=$SECONDS
  if "$2" >"$logs/$1.log" 2>&1; then pass "$1 ($((SECONDS - started)) s)"; else
    echo "[  ERROR   ] $1: see $logs/$1.log"; tail -n 8 "$logs/$1.log" | sed 's/^/    /'; fail "$1"; fi
}

t0=$SECONDS
tmp=$(mktemp -d /tmp/jawnosc-install-XXXXXX)
chmod 755 "$tmp"
dest=$tmp/root
prefix=/usr/local
inst=$dest$prefix
db=jawnosc_install_$$
role=jawnosc_install_$$
server_pid= nginx_pid= bouncer_pid=
cleanup() {
  for p in $server_pid $nginx_pid $bouncer_pid; do
    kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
  psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { # wait_port PORT: up to 10 s
  local i
  for i in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# ---- make install -----------------------------------------------------------------

t_make_install_layout() {
  $MAKE --no-print-directory -s -o bin/jawnosc install DESTDIR="$dest" PREFIX=$prefix || return 1
  local f
  for f in bin/jawnosc sbin/jawnosc-ctl share/jawnosc/backup/pg_dump.sh share/jawnosc/backup/restore.sh \
           share/jawnosc/backup/basebackup.sh share/jawnosc/backup/wal-archive.sh; do
    [ -x "$inst/$f" ] || { echo "missing or not executable: $f"; return 1; }
  done
  for f in share/jawnosc/templates/static/style.css share/jawnosc/templates/pages/layout.html \
           share/jawnosc/migrations/0001_extensions.sql share/jawnosc/nginx/jawnosc.conf \
           share/jawnosc/nginx/snippets/jawnosc-tls.conf share/jawnosc/nginx/snippets/jawnosc-selfsigned.conf \
           share/jawnosc/nginx/snippets/jawnosc-proxy.conf \
           lib/systemd/system/jawnosc.service lib/systemd/system/jawnosc-backup.service \
           lib/systemd/system/jawnosc-backup.timer share/doc/jawnosc/operations.md \
           share/doc/jawnosc/failover.md; do
    [ -f "$inst/$f" ] || { echo "missing: $f"; return 1; }
  done
  # Every template, letter and migration of the checkout, nothing else.
  diff -r templates "$inst/share/jawnosc/templates" || return 1
  diff -r migrations "$inst/share/jawnosc/migrations" || return 1
  [ "$(stat -c %a "$dest/etc/jawnosc/jawnosc.env")" = 600 ] || { echo "env file mode"; return 1; }
  # A second install keeps the operator's environment file.
  echo "# edited by the operator" >>"$dest/etc/jawnosc/jawnosc.env"
  $MAKE --no-print-directory -s -o bin/jawnosc install DESTDIR="$dest" PREFIX=$prefix | grep -q "kept" || return 1
  tail -n 1 "$dest/etc/jawnosc/jawnosc.env" | grep -q "edited by the operator" || return 1
  find "$dest" -type f | sed "s|^$dest||" | sort
}

t_prefix_moves_every_path() {
  local d2=$tmp/root-opt
  $MAKE --no-print-directory -s -o bin/jawnosc install DESTDIR="$d2" PREFIX=/opt/jawnosc SYSCONFDIR=/etc/opt/jawnosc || return 1
  [ -x "$d2/opt/jawnosc/bin/jawnosc" ] && [ -f "$d2/etc/opt/jawnosc/jawnosc/jawnosc.env" ] || return 1
  grep -q "ExecStart=/opt/jawnosc/bin/jawnosc serve" "$d2/opt/jawnosc/lib/systemd/system/jawnosc.service" || return 1
  grep -q "EnvironmentFile=/etc/opt/jawnosc/jawnosc/jawnosc.env" "$d2/opt/jawnosc/lib/systemd/system/jawnosc.service" || return 1
  grep -q "alias /opt/jawnosc/share/jawnosc/templates/static/" "$d2/opt/jawnosc/share/jawnosc/nginx/jawnosc.conf" || return 1
  ! grep -rn "/usr/local" "$d2/opt/jawnosc/lib" "$d2/opt/jawnosc/sbin" "$d2/etc" "$d2/opt/jawnosc/share/jawnosc/nginx" || return 1
  $MAKE --no-print-directory -s uninstall DESTDIR="$d2" PREFIX=/opt/jawnosc SYSCONFDIR=/etc/opt/jawnosc || return 1
  [ ! -e "$d2/opt/jawnosc/bin/jawnosc" ] && [ ! -e "$d2/opt/jawnosc/share/jawnosc" ] &&
    [ -f "$d2/etc/opt/jawnosc/jawnosc/jawnosc.env" ]
}

t_installed_binary_runs() {
  "$inst/bin/jawnosc" --help | grep -q serve || return 1
  "$inst/bin/jawnosc" serve --help | grep -q SIGTERM || return 1
  (cd "$tmp" && "$inst/bin/jawnosc" deadline --from 2026-01-05 --days 14) || return 1
}

# ---- the database role, migrate, seed and serve as the docs say ------------------

envfile=$tmp/jawnosc.env
port=
t_serve_from_installed_dirs() {
  # As docs/operations.md: a role with LOGIN CREATEROLE (no superuser) that
  # owns its database.
  psql -X -q -d postgres -c "CREATE ROLE $role LOGIN CREATEROLE" || return 1
  psql -X -q -d postgres -c "CREATE DATABASE $db OWNER $role" || return 1
  local url
  url=$(/usr/bin/python3 - "$db" "$role" <<'PY'
import os, sys, urllib.parse as u
q = {k: os.environ[e] for k, e in (("host", "PGHOST"), ("port", "PGPORT")) if os.environ.get(e)}
q["user"] = sys.argv[2]
if os.environ.get("PGPASSWORD"): q["password"] = os.environ["PGPASSWORD"]
print(f"postgresql:///{sys.argv[1]}?" + u.urlencode(q))
PY
)
  port=$(free_port)
  # The installed example, with this machine's database, port and paths.
  /usr/bin/python3 - "$dest/etc/jawnosc/jawnosc.env" "$envfile" "$url" "$port" "$inst" "$tmp" <<'PY' || return 1
import sys
src, out, url, port, inst, tmp = sys.argv[1:]
set_ = {"DATABASE_URL": url, "JAWNOSC_LISTEN": f"127.0.0.1:{port}",
        "JAWNOSC_MAIL_DIR": f"{tmp}/mail", "JAWNOSC_ACCESS_LOG": f"{tmp}/access.log"}
lines = []
for line in open(src, encoding="utf-8"):
    name = line.split("=", 1)[0]
    if name in set_:
        line = f"{name}={set_.pop(name)}\n"
    lines.append(line.replace("=/usr/local/", f"={inst}/"))
assert not set_, set_
open(out, "w", encoding="utf-8").writelines(lines)
PY
  grep -E '^(DATABASE_URL|JAWNOSC_(LISTEN|TEMPLATES|MIGRATIONS|MAIL_FROM))=' "$envfile"
  local ctl=(env JAWNOSC_ENV_FILE="$envfile" JAWNOSC_USER="$(id -un)" JAWNOSC_BIN="$inst/bin/jawnosc" "$inst/sbin/jawnosc-ctl")
  # The whole output first: grep -q stops reading at the match, and the
  # writer's SIGPIPE would fail the pipeline (pipefail).
  (cd "$tmp" && "${ctl[@]}" config) >"$tmp/config.out" || return 1
  grep -q "JAWNOSC_TEMPLATES=$inst/share/jawnosc/templates" "$tmp/config.out" || return 1
  (cd "$tmp" && "${ctl[@]}" migrate) || return 1
  # The organisation: the block of docs/operations.md itself, run by bash
  # with jawnosc-ctl standing for the installed wrapper as set up here.
  /usr/bin/python3 - docs/operations.md >"$tmp/organisation.sh" <<'PY' || return 1
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<!-- tested: organisation.sh[^>]*-->\s*```sh\n(.*?)```", text, re.S)
sys.exit("no tested block in docs/operations.md") if not m else print(m.group(1))
PY
  cat "$tmp/organisation.sh"
  grep -q '^jawnosc-ctl org add ' "$tmp/organisation.sh" || return 1
  (cd "$tmp" && ctl_words="${ctl[*]@Q}" bash -euo pipefail -c \
     'eval "jawnosc-ctl() { $ctl_words \"\$@\"; }"; . "$1"' bash "$tmp/organisation.sh") >"$tmp/organisation.out" || return 1
  cat "$tmp/organisation.out"
  grep -q '^organisation urzad added' "$tmp/organisation.out" || return 1
  grep -Eq '^urzad +Urząd Gminy Przykładowo +jawnosc.example.gov.pl +1 +0$' "$tmp/organisation.out" || return 1
  # The first administrator, as the docs say (password on standard input).
  printf 'pierwszy-admin-haslo\n' | (cd "$tmp" && "${ctl[@]}" user add admin@przykladowo.example --org urzad \
    --role admin --name "Anna Nowak") || return 1
  if [ "$(id -u)" -eq 0 ]; then
    # As root, jawnosc-ctl switches to the service user (here: postgres).
    (cd "$tmp" && env JAWNOSC_ENV_FILE="$envfile" JAWNOSC_USER=postgres JAWNOSC_BIN="$inst/bin/jawnosc" \
       "$inst/sbin/jawnosc-ctl" user list) | grep -q admin@przykladowo.example || return 1
  fi
  (cd "$tmp" && exec "${ctl[@]}" serve >"$tmp/serve.out" 2>"$logs/serve.log") &
  server_pid=$!
  wait_port "$port" || return 1
  curl -fsS "http://127.0.0.1:$port/readyz" || return 1
  curl -fsS -o /dev/null "http://127.0.0.1:$port/wniosek" || return 1
  # The body's accessibility declaration, complete from the defaults.
  curl -fsS "http://127.0.0.1:$port/deklaracja-dostepnosci" | grep -q 'id="a11y-podmiot">Urząd Gminy Przykładowo<' || return 1
  curl -fsS "http://127.0.0.1:$port/static/style.css" | cmp - "$inst/share/jawnosc/templates/static/style.css"
}

# ---- systemd ----------------------------------------------------------------------

t_systemd_units() {
  command -v systemd-analyze >/dev/null || { echo "no systemd-analyze"; return 0; }
  local u=$tmp/units
  mkdir -p "$u"
  # verify checks that the programs exist: point them at the installed ones.
  for f in jawnosc.service jawnosc-backup.service jawnosc-backup.timer; do
    sed "s|/usr/local/|$inst/|g" "$inst/lib/systemd/system/$f" >"$u/$f"
  done
  (cd "$u" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify ./jawnosc.service ./jawnosc-backup.service ./jawnosc-backup.timer) 2>&1 |
    tee "$tmp/verify.out"
  [ ! -s "$tmp/verify.out" ] || return 1
  local exposure
  for f in jawnosc.service jawnosc-backup.service; do
    exposure=$(cd "$u" && systemd-analyze security --offline=yes "./$f" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    echo "$f exposure: $exposure"
    [ -n "$exposure" ] && /usr/bin/python3 -c "import sys; sys.exit(0 if float('$exposure') <= 2.5 else 1)" || return 1
  done
  grep -q '^TimeoutStopSec=40' "$inst/lib/systemd/system/jawnosc.service" || return 1
  grep -q '^Environment=JAWNOSC_SHUTDOWN_GRACE=20' "$inst/lib/systemd/system/jawnosc.service"
}

# ---- nginx with the production configuration --------------------------------------

t_nginx_tls_front() {
  [ -n "$server_pid" ] || { echo "no server"; return 1; }
  local n=$tmp/nginx hp sp host=jawnosc.example.gov.pl
  mkdir -p "$n/sites" "$n/snippets" "$n/tls" "$tmp/acme/.well-known/acme-challenge"
  hp=$(free_port) sp=$(free_port)
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$host" \
    -addext "subjectAltName=DNS:$host" -keyout "$n/tls/key.pem" -out "$n/tls/cert.pem" 2>/dev/null || return 1
  sed -e "s|/etc/ssl/certs/jawnosc-selfsigned.crt|$n/tls/cert.pem|" \
      -e "s|/etc/ssl/private/jawnosc-selfsigned.key|$n/tls/key.pem|" \
      "$inst/share/jawnosc/nginx/snippets/jawnosc-selfsigned.conf" >"$n/snippets/jawnosc-selfsigned.conf"
  cp "$inst/share/jawnosc/nginx/snippets/jawnosc-tls.conf" "$inst/share/jawnosc/nginx/snippets/jawnosc-proxy.conf" \
     "$n/snippets/"
  # The installed file, with the test's ports, certificate, paths and upstream.
  sed -e "s|^\(\s*\)listen 80;|\1listen 127.0.0.1:$hp;|" -e "/listen \[::\]/d" \
      -e "s|^\(\s*\)listen 443 ssl http2;|\1listen 127.0.0.1:$sp ssl http2;|" \
      -e "s|^\(\s*\)ssl_certificate /etc/letsencrypt/.*|\1include snippets/jawnosc-selfsigned.conf;|" \
      -e "/ssl_certificate_key \/etc\/letsencrypt/d" \
      -e "s|server 127.0.0.1:8080 |server 127.0.0.1:$port |" \
      -e "s|root /var/www/letsencrypt;|root $tmp/acme;|" \
      -e "s|alias /usr/local/share/jawnosc/|alias $inst/share/jawnosc/|" \
      -e "s|access_log /var/log/nginx/access.log jawnosc;|access_log $logs/nginx.jawnosc.log jawnosc;|" \
      "$inst/share/jawnosc/nginx/jawnosc.conf" >"$n/sites/jawnosc.conf"
  diff "$inst/share/jawnosc/nginx/jawnosc.conf" "$n/sites/jawnosc.conf"
  local user=
  [ "$(id -u)" -eq 0 ] && user="user root;"
  cat >"$n/nginx.conf" <<CONF
$user
worker_processes 1;
pid $n/nginx.pid;
error_log $logs/nginx.error.log warn;
events { worker_connections 128; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log $logs/nginx.access.log;
  client_body_temp_path $n/body;
  proxy_temp_path $n/proxy;
  fastcgi_temp_path $n/fastcgi;
  uwsgi_temp_path $n/uwsgi;
  scgi_temp_path $n/scgi;
  include sites/jawnosc.conf;
}
CONF
  : >"$logs/nginx.jawnosc.log"
  nginx -t -p "$n" -c "$n/nginx.conf" -e "$logs/nginx.error.log" || return 1
  nginx -p "$n" -c "$n/nginx.conf" -e "$logs/nginx.error.log" -g 'daemon off;' &
  nginx_pid=$!
  wait_port "$sp" || return 1
  local c=(curl -sS --resolve "$host:$sp:127.0.0.1" --cacert "$n/tls/cert.pem")
  local https=https://$host:$sp
  # HTTP redirects to HTTPS; the ACME challenge stays on HTTP.
  curl -sS -o /dev/null -w '%{http_code} %{redirect_url}\n' -H "Host: $host" "http://127.0.0.1:$hp/wniosek?a=1" |
    tee "$tmp/r" && grep -qx "301 https://$host/wniosek?a=1" "$tmp/r" || return 1
  echo token >"$tmp/acme/.well-known/acme-challenge/t1"
  [ "$(curl -sS -H "Host: $host" "http://127.0.0.1:$hp/.well-known/acme-challenge/t1")" = token ] || return 1
  # HTTPS, verified against the certificate: the application's page, HSTS
  # from nginx, the application's own security headers.
  "${c[@]}" -D "$tmp/h" -o "$tmp/page" "$https/wniosek" || return 1
  grep -q "^HTTP/2 200" "$tmp/h" && grep -qi "^strict-transport-security: max-age=31536000" "$tmp/h" &&
    grep -qi "^content-security-policy:" "$tmp/h" || { cat "$tmp/h"; return 1; }
  # TLS 1.1 is refused.
  ! "${c[@]}" --tlsv1.1 --tls-max 1.1 -o /dev/null "$https/healthz" 2>/dev/null || return 1
  local static_before
  static_before=$(grep -c '"path":"/static/' "$tmp/access.log")
  # Static files come from the installed directory, cached for a year when
  # versioned, and never reach the server.
  "${c[@]}" -D "$tmp/h" -o "$tmp/css" "$https/static/style.css?v=0123abcd" || return 1
  cmp "$tmp/css" "$inst/share/jawnosc/templates/static/style.css" || return 1
  grep -qi "^cache-control: public, max-age=31536000, immutable" "$tmp/h" &&
    grep -qi "^strict-transport-security:" "$tmp/h" && grep -qi "^x-content-type-options: nosniff" "$tmp/h" || { cat "$tmp/h"; return 1; }
  [ "$(grep -c '"path":"/static/' "$tmp/access.log")" = "$static_before" ] || { echo "static reached the server"; return 1; }
  grep -q '"path":"/wniosek"' "$tmp/access.log" || return 1
  # /metrics is not for the public; bodies above the limit stop at nginx.
  [ "$("${c[@]}" -o /dev/null -w '%{http_code}' "$https/metrics")" = 404 ] || return 1
  [ "$(head -c 9000000 /dev/zero | "${c[@]}" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary @- "$https/api/v1/requests")" = 413 ] || return 1
  # A filing through the proxy; the server sees nginx's X-Forwarded-For.
  "${c[@]}" -f -o "$tmp/filed" -H 'Content-Type: application/json' \
    -d '{"kind":"public_information","subject":"Przez nginx","content":"Wniosek przez TLS.","delivery":"email","requester":{"email":"a@example.org"}}' \
    "$https/api/v1/requests" || return 1
  # nginx's access log names the route of a tracking link, never its token
  # (nor the query or the Referer).
  local tok
  tok=$(sed -n 's/.*"tracking_token":"\([^"]*\)".*/\1/p' "$tmp/filed")
  [ -n "$tok" ] || { cat "$tmp/filed"; return 1; }
  "${c[@]}" -f -o /dev/null -H "Referer: $https/sprawa/$tok" "$https/sprawa/$tok?t=$tok" || return 1
  "${c[@]}" -f -o /dev/null "$https/api/v1/requests/$tok" || return 1
  grep -q '"GET /sprawa/{token} HTTP/2.0" 200' "$logs/nginx.jawnosc.log" || return 1
  grep -q '"GET /api/v1/requests/{token} HTTP/2.0" 200' "$logs/nginx.jawnosc.log" || return 1
  ! grep -q "$tok" "$logs/nginx.jawnosc.log" "$tmp/access.log" || { echo "token in a log"; return 1; }
  # A cookie that libmicrohttpd 0.9.75 answers with 431 (a value of one
  # double quote, last in the header) is dropped by nginx.
  [ "$("${c[@]}" -o /dev/null -w '%{http_code}' -H 'Cookie: x=1; a="' "$https/wniosek")" = 200 ] || return 1
  # Graceful stop: SIGTERM, exit 0.
  kill -TERM "$server_pid"; wait "$server_pid"
  local rc=$?
  server_pid=
  [ $rc -eq 0 ]
}

# ---- what cannot run here: checked as files -----------------------------------------

t_containerfile_packages() {
  command -v apt-cache >/dev/null || { echo "no apt-cache"; return 0; }
  # The runtime stage's packages...
  local pkgs
  pkgs=$(awk '/^FROM .* AS runtime/{r=1} r && /apt-get install/{i=1; next} i && /^ *&&/{exit} i{print}' deploy/Containerfile |
    tr ' \\' '\n\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' | sort -u)
  echo "runtime packages:" $pkgs
  [ -n "$pkgs" ] || return 1
  local p known
  known=$(apt-cache show --no-all-versions $pkgs 2>/dev/null | sed -n 's/^Package: //p' | sort -u)
  for p in $pkgs; do echo "$known" | grep -qx "$p" || { echo "not in Debian 12: $p"; return 1; }; done
  # ...and what they pull in (Depends and Pre-Depends, recursively; from
  # dpkg's status for installed packages, else apt-cache) must provide each
  # library bin/jawnosc links against (its NEEDED entries).
  /usr/bin/python3 - "$pkgs" <<'PY'
import os, re, subprocess, sys
roots = sys.argv[1].split()
# NEEDED libraries -> files (ldconfig's cache) -> packages (one dpkg -S;
# merged /usr means a file may be known under /lib or /usr/lib).
libs = re.findall(r"Shared library: \[(.*)\]", subprocess.run(["readelf", "-d", "bin/jawnosc"],
                  capture_output=True, text=True).stdout)
cache = {}
for line in subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout.splitlines()[1:]:
    name, _, path = line.strip().partition(" (")
    cache.setdefault(name, path.rsplit(" => ", 1)[-1])
paths = {}
for lib in libs:
    real = os.path.realpath(cache.get(lib, lib))
    for form in {real, real.removeprefix("/usr"), "/usr" + real}:
        paths[form] = lib
owner = {}
for line in subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True).stdout.splitlines():
    pkg, _, path = line.partition(": ")
    if path in paths:
        owner[paths[path]] = pkg.split(":")[0]
needed = [(lib, owner.get(lib, "?")) for lib in libs]
deps = {}
out = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${db:Status-Abbrev}\t${Pre-Depends}, ${Depends}\n"],
                     capture_output=True, text=True).stdout
for line in out.splitlines():
    name, status, d = line.split("\t")
    if status.startswith("ii"):
        deps[name] = d
def depends_of(p):
    if p not in deps:
        r = subprocess.run(["apt-cache", "show", "--no-all-versions", p], capture_output=True, text=True).stdout
        deps[p] = ", ".join(m.group(1) for m in re.finditer(r"^(?:Pre-)?Depends: (.*)$", r, re.M))
    # Alternatives "a | b": the first one, as apt would pick.
    return [alt.split("|")[0].split("(")[0].split(":")[0].strip()
            for alt in deps[p].split(",") if alt.strip()]
seen, todo = set(), list(roots)
while todo:
    p = todo.pop()
    if p in seen:
        continue
    seen.add(p)
    todo.extend(depends_of(p))
missing = 0
for lib, pkg in needed:
    ok = pkg in seen
    print(f"{lib}: {pkg}" + ("" if ok else "  NOT PROVIDED"))
    missing += not ok
print(f"{len(seen)} packages in the runtime stage")
sys.exit(1 if missing else 0)
PY
  local missing=$?
  [ $missing -eq 0 ] || return 1
  grep -q '^USER 10001' deploy/Containerfile && grep -A2 '^HEALTHCHECK' deploy/Containerfile | grep -q /healthz
}

t_compose_file() {
  /usr/bin/python3 - <<'PY'
import sys
try:
    import yaml
except ImportError:
    print("python3-yaml is not installed: parse check skipped"); sys.exit(0)
d = yaml.safe_load(open("deploy/compose.yaml"))
s = d["services"]
assert set(s) >= {"postgres", "pgbouncer", "migrate", "jawnosc1", "jawnosc2", "nginx"}, sorted(s)
for name in ("jawnosc1", "jawnosc2"):
    env = s[name]["environment"]
    assert "@pgbouncer:6432/" in env["DATABASE_URL"], env["DATABASE_URL"]
    assert s[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert env["JAWNOSC_TRUSTED_PROXY"] == s["nginx"]["networks"]["front"]["ipv4_address"]
    assert s[name]["read_only"] and s[name]["cap_drop"] == ["ALL"]
# Migrations bypass PgBouncer (session advisory lock).
assert "@postgres:5432/" in s["migrate"]["environment"]["DATABASE_URL"]
assert s["nginx"]["build"]["target"] == "nginx"
print("compose.yaml: services", sorted(s))
PY
  grep -q "pool_mode = transaction" deploy/pgbouncer/pgbouncer.ini
}

t_ha_configuration() {
  local f
  /usr/bin/python3 - <<'PY' || return 1
import yaml
names = set()
for i in (1, 2, 3):
    d = yaml.safe_load(open(f"deploy/ha/patroni-pg{i}.yml"))
    names.add(d["name"])
    assert d["postgresql"]["connect_address"] == f"10.0.0.1{i}:5432"
    assert d["bootstrap"]["dcs"]["synchronous_mode"] is True
assert names == {"pg1", "pg2", "pg3"}
print("patroni files: ok")
PY
  if command -v haproxy >/dev/null; then
    haproxy -c -f deploy/ha/haproxy.cfg || return 1
  else
    echo "haproxy not installed: syntax not checked"
  fi
  grep -q "uri /primary" deploy/ha/haproxy.cfg && grep -q "uri /replica" deploy/ha/haproxy.cfg || return 1
  if command -v patroni >/dev/null; then
    for f in deploy/ha/patroni-pg*.yml; do patroni --validate-config "$f" || return 1; done
    echo "patroni --validate-config: ok"
  else
    echo "patroni not installed: --validate-config not run"
  fi
}

t_pgbouncer_config_starts() {
  local pgb
  pgb=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
  [ -x "$pgb" ] || { echo "pgbouncer not installed: not started"; return 0; }
  local d=$tmp/pgbouncer p
  mkdir -p "$d"
  p=$(free_port)
  # The shipped file, with a loopback port and a user list of the test's.
  sed -e "s|^listen_addr = .*|listen_addr = 127.0.0.1|" -e "s|^listen_port = .*|listen_port = $p|" \
      -e "s|^auth_file = .*|auth_file = $d/userlist.txt|" deploy/pgbouncer/pgbouncer.ini >"$d/pgbouncer.ini"
  grep -v '^;' deploy/pgbouncer/userlist.txt.example >"$d/userlist.txt"
  local cmd=("$pgb" "$d/pgbouncer.ini")
  # setpriv execs (runuser would stay as a parent that does not pass signals on).
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$d"; cmd=(setpriv --reuid=postgres --regid=postgres --init-groups -- "${cmd[@]}"); fi
  "${cmd[@]}" >"$logs/pgbouncer.log" 2>&1 &
  bouncer_pid=$!
  wait_port "$p" || { cat "$logs/pgbouncer.log"; return 1; }
  kill -INT "$bouncer_pid"; wait "$bouncer_pid"; bouncer_pid=
  cat "$logs/pgbouncer.log"
}

run make_install_layout t_make_install_layout
run prefix_moves_every_path t_prefix_moves_every_path
run installed_binary_runs t_installed_binary_runs
run serve_from_installed_dirs_as_documented_role t_serve_from_installed_dirs
run systemd_units_verify_and_hardening t_systemd_units
run nginx_production_config_with_tls t_nginx_tls_front
run containerfile_runtime_packages t_containerfile_packages
run compose_file t_compose_file
run ha_configuration t_ha_configuration
run pgbouncer_config_starts t_pgbouncer_config_starts

echo "[==========] $((passed + failed)) test(s) run ($((SECONDS - t0)) s)."
echo "[  PASSED  ] $passed test(s)."
if [ "$failed" -ne 0 ]; then
  echo "[  FAILED  ] $failed test(s), listed below:"
  for f in "${failures[@]}"; do echo "[  FAILED  ] $f"; done
  echo
  echo " $failed FAILED TEST(S)"
  exit 1
fi
