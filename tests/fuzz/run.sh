#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# `make fuzz`: runs every libFuzzer target for SECONDS each over its
# checked-in corpus (new inputs go to a scratch copy, not the repo), with
# tests/fuzz/<target>.dict as its dictionary when there is one. A crash
# is saved under tests/fuzz/regressions/<target>/, which `make check` replays.
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
status=0
for bin in build/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  target=${bin##*/fuzz_}
  corpus=tests/fuzz/corpus/$target
  work=build/fuzz/work/$target
  regress=tests/fuzz/regressions/$target
  mkdir -p "$work" "$regress" "$corpus"
  dict=()
  [ -f "tests/fuzz/$target.dict" ] && dict=(-dict="tests/fuzz/$target.dict")
  echo "== fuzz $target for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 "${dict[@]}" \
       -artifact_prefix="$regress/" -print_final_stats=1 "$work" "$corpus" \
       >"build/fuzz/$target.log" 2>&1; then
    echo "   CRASH: see build/fuzz/$target.log; input saved in $regress/"
    status=1
  fi
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "build/fuzz/$target.log" | tail -n 2 | sed 's/^/   /'
done
exit $status
