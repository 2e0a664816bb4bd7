#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# `make valgrind`: runs the integration tests against the release build of
# the server under valgrind --leak-check=full, and fails if any run reports
# definitely-lost bytes or other memory errors.
set -uo pipefail
cd "$(dirname "$0")/.."
rm -f build/test-logs/valgrind-*.log
export JAWNOSC_TEST_BIN=bin/jawnosc
export JAWNOSC_TEST_WRAPPER="valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 --log-file=build/test-logs/valgrind-%p.log"
export JAWNOSC_THREADS=2
# The tests' own binaries are built with AddressSanitizer; only the server
# runs under valgrind.
export ASAN_OPTIONS=detect_leaks=0
tests/run.sh --integration-only
status=$?
bad=0
for f in build/test-logs/valgrind-*.log; do
  [ -f "$f" ] || continue
  lost=$(grep -Eo 'definitely lost: [0-9,]+ bytes' "$f" | grep -Eo '[0-9,]+' | tr -d , | head -n 1)
  errs=$(grep -Eo 'ERROR SUMMARY: [0-9]+' "$f" | grep -Eo '[0-9]+$' | tail -n 1)
  echo "$f: definitely lost ${lost:-0} bytes, ${errs:-0} errors"
  if [ "${lost:-0}" != "0" ] || [ "${errs:-0}" != "0" ]; then bad=1; fi
done
[ "$status" -eq 0 ] && [ "$bad" -eq 0 ] && echo "valgrind: no definitely-lost bytes, no errors"
[ "$status" -eq 0 ] && [ "$bad" -eq 0 ]
