#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# `make check-dates`: the whole of `make check` (tests/run.sh) once for each
# of a few awkward days, with every process's clock moved there by
# libfaketime (Debian's faketime package): a Saturday, a Sunday, 24 December
# and 1 January. Tests must never depend on the day they run; this shows
# they don't. Not part of `make check` (it runs the suite four times).
#
# CHECK_DATES overrides the days ("YYYY-MM-DD HH:MM:SS" each, separated by
# commas). Each day gets a PostgreSQL cluster of its own, started under the
# moved clock too (/tmp/jawnosc-dates-pg), removed afterwards. Logs of each
# day are kept in build/test-logs/dates/<day>/.
#
# The clock is moved by an offset (FAKETIME="+N" seconds), so time goes on
# as usual and every process, started whenever, agrees on the time. The
# monotonic clock moves by the same offset: left alone
# (FAKETIME_DONT_FAKE_MONOTONIC=1), libfaketime fails Python 3.11's
# time.sleep() with EINVAL (an absolute clock_nanosleep). The `faketime`
# wrapper itself is not used: it waits for every process that inherited
# its pipe, and PostgreSQL, started as a daemon, keeps it for ever.
set -uo pipefail
cd "$(dirname "$0")/.."

lib=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketime\.so\.1$' | head -n 1)
[ -n "$lib" ] || { echo "check-dates: libfaketime is missing (deploy/deps.sh installs faketime)"; exit 1; }

IFS=, read -r -a days <<<"${CHECK_DATES:-2026-12-12 10:00:00,2026-12-13 10:00:00,2026-12-24 10:00:00,2027-01-01 10:00:00}"
pgdir=/tmp/jawnosc-dates-pg
total_passed=0
total_failed=0
summary=()
for day in "${days[@]}"; do
	target=$(date -u -d "$day UTC" +%s) || { echo "check-dates: cannot read \"$day\""; exit 1; }
	offset=$((target - $(date -u +%s)))
	name=${day%% *}
	echo "== $day UTC ($(date -u -d "@$target" +%A)): clock moved by ${offset} s"
	JAWNOSC_PG_DIR=$pgdir deploy/pg.sh stop >/dev/null 2>&1
	rm -rf "$pgdir"
	out=$(mktemp)
	(
		export LD_PRELOAD=$lib FAKETIME="+$offset"
		# The sanitizer runtime must otherwise come first in the library list.
		export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:verify_asan_link_order=0
		export JAWNOSC_PG_DIR=$pgdir
		unset DATABASE_URL PGHOST PGPORT
		date -u +"   date seen by the tests: %F %T %A"
		tests/run.sh
	) 2>&1 | tee "$out"
	JAWNOSC_PG_DIR=$pgdir deploy/pg.sh stop >/dev/null 2>&1
	rm -rf "$pgdir"
	mkdir -p "build/test-logs/dates/$name"
	find build/test-logs -maxdepth 1 -type f -exec cp {} "build/test-logs/dates/$name/" \;
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	rm -f "$out"
	p=$(echo "$line" | grep -Eo '^[0-9]+'); f=$(echo "$line" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+')
	p=${p:-0}; f=${f:-1}
	total_passed=$((total_passed + p)); total_failed=$((total_failed + f))
	summary+=("$day: ${line:-no summary (the run broke off)}")
done
echo
for s in "${summary[@]}"; do echo "$s"; done
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
