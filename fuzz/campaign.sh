#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The long campaign: every target, one after the other, up to FUZZ_RUNS
# executions (default 1,000,000) or FUZZ_CAP seconds each (default 600),
# at low priority; appends the figures to fuzz/RESULTS.md.
# Usage: fuzz/campaign.sh [TARGET...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
runs=${FUZZ_RUNS:-1000000} cap=${FUZZ_CAP:-600}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in "$here"/fuzz_*.c; do t=$(basename "$src" .c); targets+=("${t#fuzz_}"); done
fi
out=$here/RESULTS.md
[ -f "$out" ] || printf '# Fuzzing results\n\nLong runs of `fuzz/campaign.sh` (libFuzzer + ASan + UBSan, clang).\n\n| date (UTC) | target | execs | crashes | exec/s | seconds | corpus |\n|---|---|---|---|---|---|---|\n' >"$out"
for t in "${targets[@]}"; do
  start=$SECONDS
  res=$(FUZZ_RUNS=$runs nice -n 10 "$here/run.sh" "$cap" "$t" 2>&1 | awk -v t="$t" '$1 == t')
  read -r _ execs crashes rate _ <<<"$res"
  corpus=$(ls "${FWSEAL_BUILD:-$here/../build}/fuzz/corpus/$t" 2>/dev/null | wc -l)
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$t" "${execs:-?}" "${crashes:-?}" \
    "${rate:-?}" $((SECONDS - start)) "$corpus" | tee -a "$out"
done
