#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Short fuzz pass for `make test`: builds every libFuzzer harness (clang,
# ASan+UBSan), replays every regression input in fuzz/regressions/, then
# fuzzes each target a few seconds. The long campaign is `make fuzz`.
. "$(dirname "$0")/lib.sh"

secs=${FUZZ_SMOKE_SECONDS:-2}
if ! ls "$FWSEAL_ROOT"/fuzz/fuzz_*.c >/dev/null 2>&1; then
  ok "no fuzz harnesses yet"; exit 0
fi
check "fuzz harnesses build (clang, libFuzzer+ASan+UBSan)" \
  make -s -C "$FWSEAL_ROOT" --no-print-directory fuzz-build BUILD="$FWSEAL_BUILD"
if "$FWSEAL_ROOT/fuzz/run.sh" "$secs" >"$T/fuzz.out" 2>&1; then
  ok "every target fuzzed ${secs}s without a crash, every regression input replayed"
else
  fail "fuzz smoke" "$(grep -E 'CRASH|fails|not built|ERROR' "$T/fuzz.out" | head -5)"
fi
cat "$T/fuzz.out"
# Each target must have run and reported a non-zero exec count.
while read -r t e c _; do
  case "$t" in target|"") continue ;; esac
  if [ "$e" != "-" ] && [ "${e:-0}" -gt 0 ] 2>/dev/null && [ "$c" = 0 ]; then ok "fuzz $t: $e execs, 0 crashes"
  else fail "fuzz $t" "execs=$e crashes=$c"; fi
done < <(sed -n '/^target /,$p' "$T/fuzz.out")
