#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The browser stage of `make check`: lints the OpenAPI document, then, in
# headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
# against the real server on a fresh database loaded with `seed --demo`, files
# a request through the real form (filing.test.mjs); reads what happens next
# on the tracking page in each main state, withdraws after the confirmation
# page, sends attachments over the limit and gets the form back
# (tracking.test.mjs); works a case in the
# staff panel: sign in, filter the queue, extend a term (and one to a
# Saturday, moved to the next working day), sign out
# (panel.test.mjs); a manager reads the dashboard and the statistics
# (dashboard.test.mjs); a clerk makes the public copy of a PDF attachment
# on its redaction page and publishes it (redact.test.mjs); the GDPR pages:
# the art. 13 information on the form and the tracking page, the data
# protection officer's search, ZIP export and refused erasure, the privacy
# settings (privacy.test.mjs); the incoming queue: a clerk marks a message as
# not a request and registers another as a request from its pre-filled form
# (poczta.test.mjs); attachments both ways: a clerk opens a requester's scan
# (its preview and download), attaches a spreadsheet to the answer, a file
# over the limit is refused with the letter's text kept, and the requester
# downloads the spreadsheet from the tracking page (attach.test.mjs); a clerk
# finds a closed case by words without Polish letters and by a part of its
# number (search.test.mjs); the case page's steps, a letter's gaps as named
# fields and the confirmation before issuing (letters.test.mjs); a clerk
# answers a request from the queue to the dispatched letter in at most 5
# clicks, the case unchanged until the letter is sent (letter.test.mjs).
# Every page a test visits goes through checkPage (lib.mjs) at 390 px and
# 1280 px wide: axe-core against WCAG 2.1 A/AA, no sideways scrolling, no
# text cut off, the focus outline's contrast, the focus on the error summary
# after a 422, and a full-page screenshot of each, FILE-LABEL-WIDTH.png in
# build/test-logs/browser/ (the last run's only); every_page_checked.mjs then
# fails the stage when a page was loaded but never checked.
# JAWNOSC_BROWSER_TESTS="register panel" runs only those files (the
# OpenAPI lint and the feed checks still run; the every-page check does not).
# Needs Node.js 18.19 or later with npm: Debian 12's nodejs and npm (18.20),
# which deploy/deps.sh installs when there is no node, or Node 20/22. The tests
# take their dates from the calendar, not from today, so they pass on any day.
#
# Run from anywhere. tests/run.sh runs it after the C tests with
# PGHOST/PGPORT/PGUSER exported; run by hand without them, it uses the
# PostgreSQL of DATABASE_URL, else starts the private cluster (deploy/pg.sh).
# Each run creates a database of its own and drops it. Prints cmocka-style lines
# ("[  PASSED  ] N test(s)." and, on failure, "[  FAILED  ] M test(s)") and
# exits non-zero when anything failed. Logs go to build/test-logs/browser/.
#
# JAWNOSC_BIN chooses the binary (default bin/jawnosc); the tests get it
# too, to ask its calendar (`jawnosc holidays`).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
logs=$root/build/test-logs/browser
mkdir -p "$logs"
# The screenshots of the last run only.
rm -f "$logs"/*.png
bin=${JAWNOSC_BIN:-bin/jawnosc}
case $bin in /*) ;; *) bin=$root/$bin ;; esac

passed=0
failed=0
failures=()
pass() { passed=$((passed + 1)); echo "[       OK ] $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "[  FAILED  ] $1"; }

summary() {
	echo "[==========] $((passed + failed)) test(s) run."
	echo "[  PASSED  ] $passed test(s)."
	if [ "$failed" -ne 0 ]; then
		echo "[  FAILED  ] $failed test(s), listed below:"
		for f in "${failures[@]}"; do echo "[  FAILED  ] $f"; done
		echo
		echo " $failed FAILED TEST(S)"
	fi
}

# Something the whole stage needs is missing: one failure, and out.
give_up() {
	echo "[  ERROR   ] browser stage: $1"
	fail "${2:-browser_setup}"
	summary
	exit 1
}

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
	give_up "node and npm are needed (Node.js 18.19 or later; deploy/deps.sh installs Debian's)"
# The oldest Node that tests/browser/package.json's pinned packages support.
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 18 || (a === 18 && b >= 19) ? 0 : 1)' ||
	give_up "Node.js 18.19 or later is needed, this is $(node --version)"
[ -x /usr/bin/chromium ] || give_up "/usr/bin/chromium is missing (deploy/deps.sh installs it)"
[ -x "$bin" ] || give_up "$bin is not built"
command -v psql >/dev/null 2>&1 || give_up "psql is missing"

# Run by hand: the PostgreSQL of DATABASE_URL, else the private cluster.
if [ -z "${PGHOST:-}" ]; then
	if [ -z "${DATABASE_URL:-}" ]; then
		eval "$(deploy/pg.sh start)" || give_up "cannot start PostgreSQL"
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

# ---- npm packages: install only when the lock file changed ------------------
# npm keeps a copy of the lock it installed in node_modules/.package-lock.json.
(
	cd tests/browser || exit 1
	if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] ||
		[ ! -f node_modules/axe-core/axe.min.js ] || [ ! -d node_modules/playwright-core ] ||
		[ ! -x node_modules/.bin/redocly ]; then
		npm ci --no-audit --no-fund --loglevel=error >"$logs/npm.log" 2>&1 || exit 1
		touch node_modules/.package-lock.json
	fi
) || give_up "npm ci failed: see $logs/npm.log" npm_install

echo "[==========] Running the browser stage."

# ---- 1. OpenAPI lint -------------------------------------------------------
echo "[ RUN      ] openapi_lint"
if REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_NOTIFICATIONS=true NO_UPDATE_NOTIFIER=1 \
	tests/browser/node_modules/.bin/redocly lint --config tests/browser/redocly.yaml \
	--format=stylish templates/static/openapi.json >"$logs/openapi-lint.log" 2>&1; then
	pass openapi_lint
else
	grep -E ' (error|warning) ' "$logs/openapi-lint.log" | head -n 20 | sed 's/^/    /'
	fail openapi_lint
fi

# ---- 2. The server on a fresh database -------------------------------------
db=jawnosc_browser_$$
work=$(mktemp -d /tmp/jawnosc-browser.XXXXXX)
server_pid=
created_db=0

cleanup() {
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null
		for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
	fi
	server_pid=
	if [ "$created_db" -eq 1 ]; then
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
		created_db=0
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

setup_failed() {
	echo "[  ERROR   ] browser stage: $1"
	fail browser_tests
	summary
	exit 1
}

psql -X -q -d postgres -c "CREATE DATABASE $db" >"$logs/createdb.log" 2>&1 ||
	setup_failed "cannot create database $db: $(tail -n 1 "$logs/createdb.log")"
created_db=1
export DATABASE_URL="postgresql:///$db"
"$bin" migrate >"$logs/migrate.log" 2>&1 || setup_failed "migrate failed: see $logs/migrate.log"
"$bin" seed --demo >"$logs/seed.log" 2>&1 || setup_failed "seed --demo failed: see $logs/seed.log"

JAWNOSC_LISTEN=127.0.0.1:0 JAWNOSC_ACCESS_LOG= JAWNOSC_BASE_URL= JAWNOSC_SMTP_URL= \
	JAWNOSC_MAIL_DIR="$work/mail" JAWNOSC_SHUTDOWN_GRACE=5 \
	"$bin" serve >"$logs/server.out" 2>"$logs/server.err" &
server_pid=$!
base=
for _ in $(seq 1 200); do
	base=$(grep -o 'serving on http://127\.0\.0\.1:[0-9]*/' "$logs/server.out" 2>/dev/null | head -n 1 |
		sed 's/^serving on //; s#/$##')
	[ -n "$base" ] && break
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.1
done
[ -n "$base" ] || setup_failed "the server did not start: see $logs/server.err"

# ---- 3. The browser tests --------------------------------------------------
# Chromium's profile (a fresh one per run) and other temporary files go to $work.
# Each script gets 120 s (they take 15 to 45 s each on a busy machine with
# their checks at two widths), so even a hung one cannot hold the stage long.
# They share the server and its database, the panel's after the citizen's.
run_node_test() {
	local name=$1 log=$logs/$1.log node_rc np nf t0=$SECONDS
	TMPDIR=$work JAWNOSC_URL=$base JAWNOSC_BIN=$bin JAWNOSC_SHOTS=$logs \
		timeout 120 node "tests/browser/$name.test.mjs" >"$log" 2>&1
	node_rc=$?
	cat "$log"
	echo "    $name.test.mjs took $((SECONDS - t0)) s"
	np=$(grep -Eo '^# pass [0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -n 1)
	nf=$(grep -Eo '^# fail [0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -n 1)
	np=${np:-0}; nf=${nf:-0}
	passed=$((passed + np)); failed=$((failed + nf))
	while read -r t; do failures+=("$t"); done < <(grep -Eo '^\[  FAILED  \] [a-z0-9_]+$' "$log" | sed 's/^\[  FAILED  \] //')
	if [ "$node_rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
		# Crashed or timed out before its summary.
		[ "$node_rc" -eq 124 ] && echo "[  ERROR   ] $name browser tests timed out"
		fail "${name}_browser_tests"
	fi
}
rm -f "$logs"/pages-*.json
for t in ${JAWNOSC_BROWSER_TESTS:-filing tracking panel register dashboard redact privacy poczta attach search letters letter}; do
	run_node_test "$t"
done

# Every page the tests loaded went through checkPage in one of them (only
# when all of them ran: one file alone may rely on another's check).
if [ -z "${JAWNOSC_BROWSER_TESTS:-}" ]; then
	echo "[ RUN      ] every_page_checked_at_both_widths"
	if node tests/browser/every_page_checked.mjs "$logs"; then
		pass every_page_checked_at_both_widths
	else
		fail every_page_checked_at_both_widths
	fi
fi

# The register's Atom feed through feedparser and its CSV against its JSON
# (tests/register_check.py, Debian's python3 with python3-feedparser).
echo "[ RUN      ] register_feed_and_open_data"
if /usr/bin/python3 tests/register_check.py "$base" >"$logs/register_check.log" 2>&1; then
	cat "$logs/register_check.log"
	pass register_feed_and_open_data
else
	cat "$logs/register_check.log"
	fail register_feed_and_open_data
fi

# The server must stop cleanly on SIGTERM.
kill -TERM "$server_pid" 2>/dev/null
stopped=0
for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || { stopped=1; break; }; sleep 0.1; done
if [ $stopped -eq 1 ]; then
	wait "$server_pid"; rc=$?
	server_pid=
	if [ "$rc" -eq 0 ]; then pass server_sigterm; else echo "    server exited with $rc"; fail server_sigterm; fi
else
	echo "    the server was still running 15 s after SIGTERM"
	fail server_sigterm
fi

# Nothing went wrong on the server's side while the pages were used.
if grep -Eq '"level":"error"|Sanitizer|runtime error' "$logs/server.err"; then
	grep -E '"level":"error"|Sanitizer|runtime error' "$logs/server.err" | head -n 10 | sed 's/^/    /'
	fail server_log_clean
else
	pass server_log_clean
fi

summary
[ "$failed" -eq 0 ]
