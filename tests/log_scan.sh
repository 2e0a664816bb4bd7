#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# No personal data in the server's logs (issue 17 §3): scans the server logs
# and access logs the integration tests wrote in this run (those not named
# in BEFORE, the list tests/run.sh writes before the tests start; a list
# rather than a time stamp, as make check-dates fakes the clock) for what
# must never be there, and prints cmocka-style counts for tests/run.sh:
# - an e-mail address (any "x@y.z": the server logs none, requesters' or staff's);
# - a tracking token in a path (/sprawa/<token>, /api/v1/requests/<token>:
#   the router writes {token} instead, issue 16);
# - the requesters of the tests, by their distinctive names.
# usage: tests/log_scan.sh [BEFORE [LOG_DIR]]; BEFORE defaults to
# build/test-logs/.before, and an empty file scans every log.
set -uo pipefail
before=${1:-build/test-logs/.before}
dir=${2:-build/test-logs}

# Requesters' names used by the integration tests; any of them in a server
# log is a leak. Staff names (the demo officials) may be logged.
names='Anna Tajna|Zofia Test|Prywatny-Testowy|Wścibski|Kowalsk|Podrobiona|Kwiatkowsk|Chrząszczewsk|Ćwierćwiejsk|Zenobi|Długotrwał'

checks=(
  "e-mail address|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+"
  "tracking token in a path|/(sprawa|requests)/[A-Za-z0-9_-]{32,}"
  "a test requester's name|$names"
)

mapfile -t logs < <(find "$dir" -maxdepth 1 -name 'jawnosc_t_*.log*' -printf '%f\n' 2>/dev/null |
                    sort | comm -23 - <(sort "$before" 2>/dev/null) | sed "s|^|$dir/|")
passed=0
failed=0
failures=()
if [ "${#logs[@]}" -eq 0 ]; then
  echo "no server logs in $dir other than those listed in $before"
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
