#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal test runner: unit tests (cmocka), the same unit tests under
# ASan+UBSan, then end-to-end scripts that drive the real binaries.
# Closes with "N passed, N failed". Usage: tests/run.sh [NAME-FILTER]
# With FWSEAL_BUILD36 set (make test sets it to build/mbed36, the device side
# built on mbedTLS 3.6), the device unit tests and the e2e scripts that drive
# the device code (E2E36_SCRIPTS) run a second time on that build, labelled
# unit36/... and e2e36/...
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
export FWSEAL_BUILD=${FWSEAL_BUILD:-$root/build}
export FWSEAL_SHARED=${FWSEAL_SHARED:-$(cd "$root/.." && pwd)/shared}
export FWSEAL_ROOT=$root
FWSEAL_BUILD36=${FWSEAL_BUILD36:-}
# e2e scripts that exercise fwseal-device / the device library: re-run on 3.6.
shopt -s extglob
E2E36_SCRIPTS='@(device_*|ota_*|nvs_device|seams_*|key_rotation)'
filter=${1:-}
logdir=$FWSEAL_BUILD/test-logs
mkdir -p "$logdir"

passed=0 failed=0
failures=()

# cmocka: count RUN vs OK lines; a crash outside a test counts as one failure.
run_unit() {
  local bin=$1 label=$2 log rc ran ok bad
  log="$logdir/${label////_}.log"
  ( cd "$root" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$bin" ) >"$log" 2>&1
  rc=$?
  ran=$(grep -c '^\[ RUN      \]' "$log")
  ok=$(grep -c '^\[       OK \]' "$log")
  bad=$((ran - ok))
  [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && bad=1
  passed=$((passed + ok)); failed=$((failed + bad))
  if [ "$bad" -gt 0 ]; then
    failures+=("$label"); printf 'FAIL  %-40s %d ok, %d failed (log: %s)\n' "$label" "$ok" "$bad" "$log"
    grep -E '^\[  (FAILED|ERROR) |ERROR: |runtime error|Assertion|error:' "$log" | head -20 | sed 's/^/      /'
  else
    printf 'ok    %-40s %d tests\n' "$label" "$ok"
  fi
}

# e2e: scripts source tests/e2e/lib.sh and end with a "E2E-SUMMARY passed=N failed=M" line.
#   run_e2e SCRIPT [LABEL-DIR BUILD-DIR]   (default: e2e, $FWSEAL_BUILD)
run_e2e() {
  local script=$1 kind=${2:-e2e} build=${3:-$FWSEAL_BUILD} label log rc p f
  label="$kind/$(basename "$script" .sh)"
  log="$logdir/$(basename "$script" .sh).$kind.log"
  local start=$SECONDS
  ( cd "$root" && FWSEAL_BUILD=$build bash "$script" ) >"$log" 2>&1 </dev/null
  rc=$?
  p=$(sed -n 's/^E2E-SUMMARY passed=\([0-9]*\) failed=\([0-9]*\)$/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^E2E-SUMMARY passed=\([0-9]*\) failed=\([0-9]*\)$/\2/p' "$log" | tail -1)
  p=${p:-0}; f=${f:-0}
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -gt 0 ]; then
    failures+=("$label"); printf 'FAIL  %-40s %d ok, %d failed, %ds (log: %s)\n' "$label" "$p" "$f" $((SECONDS - start)) "$log"
    grep -E '^(not ok|FAIL)' "$log" | head -20 | sed 's/^/      /'
  else
    printf 'ok    %-40s %d checks, %ds\n' "$label" "$p" $((SECONDS - start))
  fi
}

echo "== unit tests"
for bin in "$FWSEAL_BUILD"/tests/*; do
  [ -x "$bin" ] && [ -f "$bin" ] || continue
  case "$(basename "$bin")" in *"$filter"*) run_unit "$bin" "unit/$(basename "$bin")" ;; esac
done
echo "== unit tests under ASan+UBSan"
for bin in "$FWSEAL_BUILD"/asan/tests/*; do
  [ -x "$bin" ] && [ -f "$bin" ] || continue
  case "$(basename "$bin")" in *"$filter"*) run_unit "$bin" "asan/$(basename "$bin")" ;; esac
done
echo "== end-to-end"
for script in "$root"/tests/e2e/[0-9a-z]*.sh; do
  [ -f "$script" ] || continue
  [ "$(basename "$script")" = lib.sh ] && continue
  case "$(basename "$script")" in *"$filter"*) run_e2e "$script" ;; esac
done

if [ -n "$FWSEAL_BUILD36" ]; then
  echo "== device unit tests on mbedTLS 3.6 ($FWSEAL_BUILD36)"
  for bin in "$FWSEAL_BUILD36"/tests/*; do
    [ -x "$bin" ] && [ -f "$bin" ] || continue
    case "$(basename "$bin")" in *"$filter"*) run_unit "$bin" "unit36/$(basename "$bin")" ;; esac
  done
  echo "== device end-to-end on mbedTLS 3.6"
  for script in "$root"/tests/e2e/[0-9a-z]*.sh; do
    name=$(basename "$script" .sh)
    # shellcheck disable=SC2254 # E2E36_SCRIPTS is an extglob pattern on purpose
    case "$name" in $E2E36_SCRIPTS) ;; *) continue ;; esac
    case "$name" in *"$filter"*) run_e2e "$script" e2e36 "$FWSEAL_BUILD36" ;; esac
  done
fi

echo
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
