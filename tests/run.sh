#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Runs every built test program and prints one summary line,
# "N passed, N failed". Unit tests need nothing; integration tests get the
# private PostgreSQL cluster (deploy/pg.sh) unless DATABASE_URL is set;
# fuzz replays run each target over its corpus and regression inputs.
set -uo pipefail
cd "$(dirname "$0")/.."

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p build/test-logs
passed=0
failed=0
failures=()

if [ -z "${DATABASE_URL:-}" ]; then
  eval "$(deploy/pg.sh start)" || { echo "cannot start PostgreSQL"; exit 1; }
  export JAWNOSC_TEST_PRIVATE_PG=1
fi
# libpq reads the server's address from these; the harness names databases.
eval "$(python3 - "$DATABASE_URL" <<'PY'
import sys, urllib.parse as u
p = u.urlparse(sys.argv[1]); q = dict(u.parse_qsl(p.query))
host = q.get('host') or p.hostname or ''
port = q.get('port') or (str(p.port) if p.port else '')
user = q.get('user') or p.username or ''
pw = q.get('password') or p.password or ''
for k, v in (('PGHOST', host), ('PGPORT', port), ('PGUSER', user), ('PGPASSWORD', pw)):
    if v: print(f"export {k}='{v}'")
PY
)"
unset DATABASE_URL

# Runs one cmocka program and adds its counts.
run_cmocka() {
  local bin=$1 name=${2:-} log
  [ -n "$name" ] || name=$(basename "$bin")
  log=build/test-logs/$name.out
  "$bin" >"$log" 2>&1
  local rc=$?
  local p f
  p=$(grep -Eo '^\[  PASSED  \] [0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -n 1)
  f=$(grep -Eo '^\[  FAILED  \] [0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -n 1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi  # crashed before its summary
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -ne 0 ]; then
    failures+=("$name")
    echo "FAIL $name ($p passed, $f failed): see $log"
    grep -E '^\[  (FAILED|  ERROR) \]|^\[  ERROR   \]|error:|Sanitizer|runtime error' "$log" | head -n 20 | sed 's/^/    /'
  else
    echo "ok   $name ($p passed)"
  fi
}

only_integration=0
[ "${1:-}" = "--integration-only" ] && only_integration=1
# The server logs already there, which the log scan below leaves alone.
find build/test-logs -maxdepth 1 -name 'jawnosc_t_*.log*' -printf '%f\n' | sort >build/test-logs/.before
for t in build/asan/tests/test_*; do
  [ -x "$t" ] || continue
  name=${t##*/test_}
  if [ $only_integration -eq 1 ] && [ ! -f "tests/integration/test_$name.c" ]; then continue; fi
  run_cmocka "$t"
  # The personal-data detector's figures on its corpus (docs/privacy.md).
  if [ "$name" = pii ]; then
    grep -E '^  (kind|overall) ' build/test-logs/test_pii.out | sed 's/^/    /'
  fi
  # The search's precision and recall on its corpus (docs/register.md).
  if [ "$name" = search_corpus ]; then
    sed -n '/^search corpus:/,/^  overall/p' build/test-logs/test_search_corpus.out | sed 's/^/    /'
  fi
done

# No personal data in the logs the servers of this run wrote: no e-mail
# address, no tracking token, no test requester's name (tests/log_scan.sh).
run_cmocka tests/log_scan.sh log-scan
run_cmocka tests/spdx_check.sh spdx

for r in build/asan/fuzz/replay_*; do
  [ $only_integration -eq 1 ] && break
  [ -x "$r" ] || continue
  target=${r##*/replay_}
  log=build/test-logs/replay_$target.out
  if "$r" "tests/fuzz/corpus/$target" "tests/fuzz/regressions/$target" >"$log" 2>&1; then
    passed=$((passed + 1)); echo "ok   fuzz replay $target ($(tail -n 1 "$log"))"
  else
    # A missing or empty directory fails too. Shown: the last input
    # started (the one that crashed) and the first errors.
    failed=$((failed + 1)); failures+=("replay_$target"); echo "FAIL fuzz replay $target: see $log"
    { grep -E '^  ' "$log" | tail -n 1
      grep -E 'ERROR: |runtime error|no inputs|No such|cannot' "$log" | head -n 3; } | sed 's/^ */    /'
  fi
done

# Letters: every template rendered for the sample case, the PDFs checked with
# qpdf, pdftotext and pdffonts (tests/letters_check.sh).
if [ $only_integration -eq 0 ]; then
  run_cmocka tests/letters_check.sh letters
fi

# The browser stage: OpenAPI lint, the filing flow in headless Chromium with
# axe-core, and the API against its OpenAPI document (tests/browser/run.sh).
if [ $only_integration -eq 0 ] && [ "${JAWNOSC_SKIP_BROWSER:-0}" != 1 ]; then
  run_cmocka tests/browser/run.sh browser
fi

# Operations (docs/operations.md): two instances behind nginx and PgBouncer
# (tests/cluster), the register read from a streaming replica
# (tests/cluster/replica.py), the backup/restore drill, make install with the
# production nginx configuration. JAWNOSC_SKIP_OPS=1 leaves them out.
if [ $only_integration -eq 0 ] && [ "${JAWNOSC_SKIP_OPS:-0}" != 1 ]; then
  run_cmocka tests/cluster/run.sh cluster
  run_cmocka tests/cluster/replica.sh replica
  run_cmocka tests/restore_drill.sh restore-drill
  run_cmocka tests/install_test.sh install
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
