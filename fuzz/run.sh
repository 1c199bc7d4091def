#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal fuzz runner (make fuzz). Usage:
#   fuzz/run.sh SECONDS [TARGET...]      fuzz each target SECONDS seconds
#   FUZZ_RUNS=N fuzz/run.sh S [TARGET]   fuzz each target for N executions instead
#                                        (capped at S seconds if S > 0)
#   FUZZ_REPLAY_ONLY=1 fuzz/run.sh 0     only replay seeds and regression inputs
#
# For every built harness build/fuzz/fuzz_<target>:
#   1. replays every file in fuzz/regressions/<target>/ (each must pass);
#   2. fuzzes with the committed seeds fuzz/corpus/<target>/, the vector files
#      named by the harness's "FUZZ-SEEDS:" comment line (globs under
#      $FWSEAL_SHARED/vectors) and the growing working corpus
#      build/fuzz/corpus/<target>/;
#   3. prints one row: target, execs, crashes, exec/s; crash inputs are kept
#      in build/fuzz/artifacts/<target>/ (copy them to fuzz/regressions/).
# Per-harness options come from comment lines in fuzz/fuzz_<target>.c:
#   FUZZ-MAX-LEN: N       -max_len (default 4096)
#   FUZZ-SEEDS: GLOB...   seed files from the shared vectors
#   FUZZ-SEED-PREFIX: HEX bytes put before each vector seed (for harnesses
#                         whose first input bytes are options, not data)
#   FUZZ-ARGS: ARGS       extra libFuzzer arguments (e.g. -close_fd_mask=3)
#   FUZZ-SEED-TAIL: N     take the last N bytes of each vector seed (e.g. the
#                         signature sector of a signed image), not the first
# Exit status: 0 if no target crashed and every regression input passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${FWSEAL_BUILD:-$root/build}
shared=${FWSEAL_SHARED:-$(cd "$root/.." && pwd)/shared}
secs=${1:-60}; shift || true
runs=${FUZZ_RUNS:-}
replay_only=${FUZZ_REPLAY_ONLY:-0}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in "$here"/fuzz_*.c; do
    [ -f "$src" ] || continue
    t=$(basename "$src" .c); targets+=("${t#fuzz_}")
  done
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no harnesses yet (fuzz/fuzz_*.c)"; exit 0
fi

opt() { # opt FILE KEY -> value of "KEY: value" comment line
  sed -n "s/.*$2: *\(.*\)\$/\1/p" "$1" | head -1
}

bad=0
rows=()
for t in "${targets[@]}"; do
  src=$here/fuzz_$t.c bin=$build/fuzz/fuzz_$t
  if [ ! -x "$bin" ]; then
    echo "fuzz: $bin not built (make fuzz-build)" >&2; bad=1; rows+=("$t	-	build-missing	-"); continue
  fi
  maxlen=$(opt "$src" FUZZ-MAX-LEN); maxlen=${maxlen:-4096}
  read -r -a extra <<<"$(opt "$src" FUZZ-ARGS)"
  work=$build/fuzz/corpus/$t art=$build/fuzz/artifacts/$t seeds=$build/fuzz/seeds/$t
  mkdir -p "$work" "$art" "$seeds"
  rm -f "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-*
  # Seeds: committed corpus + vector files (copied so libFuzzer never writes into them).
  [ -d "$here/corpus/$t" ] && cp -f "$here/corpus/$t"/* "$seeds"/ 2>/dev/null
  prefix=$(opt "$src" FUZZ-SEED-PREFIX) tail=$(opt "$src" FUZZ-SEED-TAIL)
  for g in $(opt "$src" FUZZ-SEEDS); do
    for f in "$shared"/vectors/$g; do
      [ -f "$f" ] || continue
      { [ -n "$prefix" ] && printf '%s' "$prefix" | xxd -r -p; if [ -n "$tail" ]; then tail -c "$tail" "$f"; else head -c "$maxlen" "$f"; fi; } >"$seeds/v_$(basename "$(dirname "$f")")_$(basename "$f")"
    done
  done

  # 1. regression inputs: libFuzzer runs each named file once.
  reg=0 regfail=0
  if [ -d "$here/regressions/$t" ]; then
    for f in "$here/regressions/$t"/*; do
      [ -f "$f" ] || continue
      case "$f" in *.txt|*.md) continue ;; esac
      reg=$((reg + 1))
      if ! "$bin" "${extra[@]}" -max_len="$maxlen" "$f" >"$art/replay.log" 2>&1; then
        regfail=$((regfail + 1)); echo "fuzz: $t: regression input fails: $f" >&2
        grep -E 'ERROR|runtime error|#[0-9]+ 0x' "$art/replay.log" | head -8 | sed 's/^/    /' >&2
      fi
    done
  fi
  [ "$regfail" -gt 0 ] && bad=1

  # 2. fuzz (or, with FUZZ_REPLAY_ONLY, run the seed corpus once).
  log=$art/fuzz.log
  if [ "$replay_only" = 1 ]; then
    "$bin" "${extra[@]}" -max_len="$maxlen" -runs=0 -timeout=10 "$seeds" >"$log" 2>&1
  elif [ -n "$runs" ]; then
    cap=(); [ "$secs" -gt 0 ] 2>/dev/null && cap=(-max_total_time="$secs")
    "$bin" "${extra[@]}" "${cap[@]}" -max_len="$maxlen" -runs="$runs" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$art/" "$work" "$seeds" >"$log" 2>&1
  else
    "$bin" "${extra[@]}" -max_len="$maxlen" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$art/" "$work" "$seeds" >"$log" 2>&1
  fi
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  crashes=$(find "$art" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
  if [ "$crashes" -gt 0 ]; then
    bad=1
    echo "fuzz: $t: CRASH (log $log):" >&2
    grep -E '^==[0-9]+==ERROR|runtime error|^ *#[0-9]+ 0x|Test unit written' "$log" | head -14 | sed 's/^/    /' >&2
  fi
  rows+=("$t	${execs:-0}	$crashes	${rate:--}	$reg/$((reg - regfail))")
done

printf '\n%-22s %12s %8s %9s %s\n' target execs crashes exec/s "regressions(run/passed)"
for r in "${rows[@]}"; do
  IFS=$'\t' read -r t e c s g <<<"$r"
  printf '%-22s %12s %8s %9s %s\n' "$t" "$e" "$c" "$s" "${g:-}"
done
exit $bad
