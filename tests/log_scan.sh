#!/usr/bin/env bash
# No personal data in the server's logs (issue 17 §3): scans the server logs
# and access logs the integration tests wrote since MARKER (a file touched
# before they ran) for what must never be there, and prints cmocka-style
# counts for tests/run.sh:
# - an e-mail address (any "x@y.z": the server logs none, requesters' or staff's);
# - a tracking token in a path (/sprawa/<token>, /api/v1/requests/<token>:
#   the router writes {token} instead, issue 16);
# - the requesters of the tests, by their distinctive names.
# usage: tests/log_scan.sh [MARKER [LOG_DIR]]; tests/run.sh touches
# build/test-logs/.run-start, the default MARKER, before the tests run.
set -uo pipefail
marker=${1:-build/test-logs/.run-start}
dir=${2:-build/test-logs}

# Requesters' names used by the integration tests; any of them in a server
# log is a leak. Staff names (the demo officials) may be logged.
names='Anna Tajna|Zofia Test|Prywatny-Testowy|Wścibski|Kowalsk|Podrobiona'

checks=(
  "e-mail address|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+"
  "tracking token in a path|/(sprawa|requests)/[A-Za-z0-9_-]{32,}"
  "a test requester's name|$names"
)

mapfile -t logs < <(find "$dir" -maxdepth 1 -name 'jawnosc_t_*.log*' -newer "$marker" 2>/dev/null | sort)
passed=0
failed=0
failures=()
if [ "${#logs[@]}" -eq 0 ]; then
  echo "no server logs newer than $marker in $dir"
  failed=1
  failures+=("no logs to scan")
else
  for c in "${checks[@]}"; do
    what=${c%%|*}
    re=${c#*|}
    hits=$(grep -E -l -- "$re" "${logs[@]}" 2>/dev/null)
    if [ -n "$hits" ]; then
      failed=$((failed + 1))
      failures+=("$what")
      echo "$what found in $(echo "$hits" | wc -l) log(s), e.g.:"
      grep -E -h -o -m 1 -- ".{0,60}($re).{0,20}" $(echo "$hits" | head -n 3) | head -n 3 | sed 's/^/    /'
    else
      passed=$((passed + 1))
    fi
  done
  echo "scanned ${#logs[@]} log files"
fi

echo "[==========] $((passed + failed)) test(s) run."
echo "[  PASSED  ] $passed test(s)."
if [ "$failed" -ne 0 ]; then
  echo "[  FAILED  ] $failed test(s), listed below:"
  for f in "${failures[@]}"; do echo "[  FAILED  ] $f"; done
  exit 1
fi
