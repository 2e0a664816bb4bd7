#!/usr/bin/env bash
# Every source file and script of server/, tests/, deploy/, migrations/ and
# templates/ names its licence in its first 5 lines with an
# "SPDX-License-Identifier:" line (the project is EUPL-1.2: LICENSE,
# README.md "Licence"). Fails listing each file that lacks one.
#
# Left out: test data (fuzz corpora and regression inputs, the mail corpus,
# word lists, dictionaries, .eml), JSON (no comment syntax: package.json,
# its lock file, openapi.json), files other tools write
# (.redocly.lint-ignore.yaml, .gitignore), examples of data files
# (*.example), anything vendored (node_modules/) and binary files.
# The files are git's tracked ones (all files when git is not there).
#
# usage: tests/spdx_check.sh [DIR ...]   (default: the five directories)
# Prints cmocka-style lines; exit 1 when a file lacks the line.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(server tests deploy migrations templates)

list_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -- "${dirs[@]}"
  else
    find "${dirs[@]}" -type f | sort
  fi
}

# True for a file the check leaves out (see above).
left_out() {
  case "$1" in
    */node_modules/* | tests/fuzz/corpus/* | tests/fuzz/regressions/* | tests/mail/corpus/*) return 0 ;;
    # Checksummed by the migrator, so never edited: REUSE.toml names their licence.
    migrations/*.sql) grep -q '^path = "migrations/\*.sql"' REUSE.toml ; return ;;
    *.json | *.txt | *.dict | *.eml | *.example | */.gitignore | */.redocly.lint-ignore.yaml) return 0 ;;
  esac
  # Binary: grep -I finds no text line in it (an empty file is not binary).
  [ -s "$1" ] && ! grep -Iq . "$1"
}

echo "[==========] Running 1 test(s)."
echo "[ RUN      ] every_source_file_names_its_licence_in_its_first_5_lines"
checked=0 missing=()
while IFS= read -r f; do
  [ -f "$f" ] || continue
  left_out "$f" && continue
  checked=$((checked + 1))
  head -n 5 -- "$f" | grep -q 'SPDX-License-Identifier:' || missing+=("$f")
done < <(list_files)

if [ ${#missing[@]} -eq 0 ]; then
  echo "    $checked files checked, each has an SPDX-License-Identifier line"
  echo "[       OK ] every_source_file_names_its_licence_in_its_first_5_lines"
  echo "[==========] 1 test(s) run."
  echo "[  PASSED  ] 1 test(s)."
  exit 0
fi
echo "    ${#missing[@]} of $checked files have no SPDX-License-Identifier line in their first 5 lines:"
printf '    %s\n' "${missing[@]}"
echo "[  FAILED  ] every_source_file_names_its_licence_in_its_first_5_lines"
echo "[==========] 1 test(s) run."
echo "[  PASSED  ] 0 test(s)."
echo "[  FAILED  ] 1 test(s), listed below:"
echo "[  FAILED  ] every_source_file_names_its_licence_in_its_first_5_lines"
echo
echo " 1 FAILED TEST(S)"
exit 1
