#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The Polish dictionary of the search (docs/register.md, "Search"): makes
# PostgreSQL's ispell files jawnosc_pl.dict and jawnosc_pl.affix from
# Debian's hunspell-pl (/usr/share/hunspell/pl_PL.dic and .aff) and puts
# them into the tsearch_data directory of every PostgreSQL installed here.
#
#   deploy/search-dict.sh            install (or refresh) the files
#   deploy/search-dict.sh --check    exit 0 when they are installed and current
#   deploy/search-dict.sh --to DIR   write the two files into DIR only
#
# The files are folded: every Polish letter written without its diacritic
# (ą→a, ł→l, ż→z ...), in the words and in the affix rules, so that the
# dictionary reads text as the search folds it (unaccent first) and "umow",
# "umów" and "umowy" all come to "umowa". Words the folding makes equal
# ("lot", "łot") are one entry with the flags of both. hunspell-pl is in
# ISO-8859-2; PostgreSQL wants UTF-8.
#
# A migration cannot write files, so this runs at install time: by
# deploy/deps.sh (as root, after the packages), by the container image of
# PostgreSQL, or by hand. A database without these files (a managed
# PostgreSQL) still searches, with unaccent and the simple dictionary only:
# `jawnosc migrate` and /readyz say which one is in use.
set -euo pipefail

src_dic=${HUNSPELL_PL_DIC:-/usr/share/hunspell/pl_PL.dic}
src_aff=${HUNSPELL_PL_AFF:-/usr/share/hunspell/pl_PL.aff}
mode=install
dest=
case "${1:-}" in
  --check) mode=check ;;
  --to) mode=to; dest=${2:?usage: deploy/search-dict.sh --to DIR} ;;
  "") ;;
  *) echo "usage: deploy/search-dict.sh [--check | --to DIR]" >&2; exit 2 ;;
esac

[ -r "$src_dic" ] && [ -r "$src_aff" ] || {
  echo "search-dict: $src_dic or $src_aff missing (apt-get install hunspell-pl)" >&2
  exit 1
}

# The Polish letters of ISO-8859-2 (bytes), lower and upper case, and their
# folded forms: ą ć ę ł ń ó ś ź ż Ą Ć Ę Ł Ń Ó Ś Ź Ż.
from='\261\346\352\263\361\363\266\274\277\241\306\312\243\321\323\246\254\257'
to='acelnoszzACELNOSZZ'

build() {  # build DIR
  local out=$1
  # The first line of the .dic is the count of words: not a word.
  LC_ALL=C tail -n +2 "$src_dic" | LC_ALL=C tr "$from" "$to" \
    | LC_ALL=C awk -F/ '
        { w = $1; f = $2
          if (!(w in flags)) { order[++n] = w; flags[w] = f; next }
          s = flags[w]
          for (i = 1; i <= length(f); i++) { c = substr(f, i, 1); if (index(s, c) == 0) s = s c }
          flags[w] = s }
        END { for (i = 1; i <= n; i++) { w = order[i]; print (flags[w] == "" ? w : w "/" flags[w]) } }' \
    | iconv -f ISO-8859-2 -t UTF-8 > "$out/jawnosc_pl.dict.tmp"
  # The affix file without its SET line (the encoding is now UTF-8).
  LC_ALL=C grep -v '^SET ' "$src_aff" | LC_ALL=C tr "$from" "$to" \
    | iconv -f ISO-8859-2 -t UTF-8 > "$out/jawnosc_pl.affix.tmp"
  mv "$out/jawnosc_pl.dict.tmp" "$out/jawnosc_pl.dict"
  mv "$out/jawnosc_pl.affix.tmp" "$out/jawnosc_pl.affix"
}

if [ "$mode" = to ]; then
  mkdir -p "$dest"
  build "$dest"
  exit 0
fi

dirs=()
for d in /usr/share/postgresql/*/tsearch_data; do
  [ -d "$d" ] && dirs+=("$d")
done
[ ${#dirs[@]} -gt 0 ] || { echo "search-dict: no PostgreSQL tsearch_data directory here" >&2; exit 1; }

current() {  # current DIR: the files are there and newer than hunspell-pl's
  [ -s "$1/jawnosc_pl.dict" ] && [ -s "$1/jawnosc_pl.affix" ] \
    && [ "$1/jawnosc_pl.dict" -nt "$src_dic" ] && [ "$1/jawnosc_pl.affix" -nt "$src_aff" ]
}

if [ "$mode" = check ]; then
  for d in "${dirs[@]}"; do current "$d" || exit 1; done
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
built=false
for d in "${dirs[@]}"; do
  current "$d" && continue
  $built || { build "$tmp"; built=true; }
  install -m 0644 "$tmp/jawnosc_pl.dict" "$tmp/jawnosc_pl.affix" "$d/"
  echo "search-dict: installed jawnosc_pl.dict and jawnosc_pl.affix into $d"
done
