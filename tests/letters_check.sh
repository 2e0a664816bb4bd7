#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Every letter type rendered for the sample case of each kind of request it
# serves (tests/unit/test_letter.c renders every type for both kinds and both
# remedy policies in-process), checked with the tools a recipient's software
# would use: the PDF passes `qpdf --check`, `pdftotext` finds the case number
# and every Polish diacritic (the sample subject holds them all), `pdffonts`
# shows only embedded fonts; the HTML holds the case number and no unresolved
# "{{". One test per type and kind; the summary is cmocka's, so tests/run.sh
# counts it like the other suites. JAWNOSC_BIN picks the binary.
set -uo pipefail
cd "$(dirname "$0")/.."

bin=${JAWNOSC_BIN:-bin/jawnosc-asan}
[ -x "$bin" ] || bin=bin/jawnosc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
failures=()

fail() {
	echo "[  ERROR   ] $1: $2"
	failed=$((failed + 1))
	failures+=("$1")
}

# Prints the problem with one type and kind, or nothing when all is well.
check() {
	local type=$1 kind=$2 number=$3 pdf=$tmp/$1.$2.pdf html=$tmp/$1.$2.html text fonts
	"$bin" letter sample "$type" --kind "$kind" --format pdf --out "$pdf" 2>"$tmp/err" ||
		{ echo "render to PDF failed: $(head -c 300 "$tmp/err")"; return; }
	qpdf --check "$pdf" >"$tmp/qpdf" 2>&1 || { echo "qpdf --check: $(tail -n 2 "$tmp/qpdf")"; return; }
	text=$(pdftotext -enc UTF-8 "$pdf" - 2>&1) || { echo "pdftotext failed"; return; }
	[[ $text == *"$number"* ]] || { echo "pdftotext: no case number $number"; return; }
	for ch in ą ć ę ł ń ó ś ź ż; do
		[[ $text == *"$ch"* ]] || { echo "pdftotext: no \"$ch\""; return; }
	done
	# pdffonts: two header lines, then one font per line; "emb" is the fifth
	# column from the end (the type may contain a space).
	fonts=$(pdffonts "$pdf" 2>&1 | tail -n +3)
	[ -n "$fonts" ] || { echo "pdffonts: no fonts"; return; }
	awk '$(NF-4) != "yes" { bad = 1 } END { exit bad }' <<<"$fonts" ||
		{ echo "pdffonts: a font is not embedded: $fonts"; return; }
	"$bin" letter sample "$type" --kind "$kind" --format html --out "$html" 2>"$tmp/err" ||
		{ echo "render to HTML failed: $(head -c 300 "$tmp/err")"; return; }
	text=$(<"$html")
	[[ $text != *"{{"* ]] || { echo "HTML has an unresolved {{"; return; }
	[[ $text == *"$number"* ]] || { echo "HTML: no case number $number"; return; }
}

# Each type for each kind of request it serves (letter types: id, title, kinds).
list=$("$bin" letter types) || list=
[ -n "$list" ] || { echo "[  ERROR   ] '$bin letter types' listed nothing"; echo "[  FAILED  ] 1 test(s)"; exit 1; }
while IFS=$'\t' read -r type _ kinds; do
	for kind in ${kinds//,/ }; do
		number=COMON.1431.15.2026
		[ "$kind" = reuse ] && number=COMON.1432.15.2026
		problem=$(check "$type" "$kind" "$number")
		if [ -n "$problem" ]; then
			fail "$type/$kind" "$problem"
		else
			passed=$((passed + 1))
		fi
	done
done <<<"$list"

echo "[==========] $((passed + failed)) test(s) run."
echo "[  PASSED  ] $passed test(s)."
if [ "$failed" -ne 0 ]; then
	echo "[  FAILED  ] $failed test(s), listed below:"
	for f in "${failures[@]}"; do echo "[  FAILED  ] $f"; done
	exit 1
fi
