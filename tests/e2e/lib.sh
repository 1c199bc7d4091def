# SPDX-License-Identifier: Apache-2.0
# Shared helpers for end-to-end scripts. Source it first:
#   . "$(dirname "$0")/lib.sh"
# Then use check / check_fails / expect_exit; the EXIT trap prints the summary
# line tests/run.sh reads, and removes the per-script temporary directory $T.
set -u
FWSEAL_ROOT=${FWSEAL_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
FWSEAL_BUILD=${FWSEAL_BUILD:-$FWSEAL_ROOT/build}
FWSEAL_SHARED=${FWSEAL_SHARED:-$(cd "$FWSEAL_ROOT/.." && pwd)/shared}
V=$FWSEAL_SHARED/vectors
FWSEAL=$FWSEAL_BUILD/bin/fwseal
FWDEV=$FWSEAL_BUILD/bin/fwseal-device
T=$(mktemp -d "${TMPDIR:-/tmp}/fwseal-e2e.XXXXXX")
_pass=0 _fail=0
_cleanup_hooks=()

at_exit() { _cleanup_hooks+=("$1"); }
_finish() {
  local h
  for h in "${_cleanup_hooks[@]+"${_cleanup_hooks[@]}"}"; do eval "$h" || true; done
  rm -rf "$T"
  echo "E2E-SUMMARY passed=$_pass failed=$_fail"
}
trap _finish EXIT

ok()   { _pass=$((_pass + 1)); echo "ok - $1"; }
fail() { _fail=$((_fail + 1)); echo "not ok - $1${2:+: $2}"; }

# check NAME CMD...: passes if CMD exits 0.
check() {
  local name=$1; shift
  if "$@" >"$T/.out" 2>"$T/.err"; then ok "$name"; else fail "$name" "exit $? $(head -c 400 "$T/.err")"; fi
}

# expect_exit CODE NAME CMD...: passes if CMD exits with CODE; stderr kept in $T/.err.
expect_exit() {
  local want=$1 name=$2; shift 2
  "$@" >"$T/.out" 2>"$T/.err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok "$name"; else fail "$name" "exit $got, wanted $want: $(head -c 400 "$T/.err")"; fi
}

# expect_stderr PATTERN NAME: the last command's stderr matches PATTERN (grep -E).
expect_stderr() {
  if grep -Eq -- "$1" "$T/.err"; then ok "$2"; else fail "$2" "stderr was: $(head -c 400 "$T/.err")"; fi
}
# expect_stdout PATTERN NAME: the last command's stdout matches PATTERN (grep -E).
expect_stdout() {
  if grep -Eq -- "$1" "$T/.out"; then ok "$2"; else fail "$2" "stdout was: $(head -c 400 "$T/.out")"; fi
}

# same_file A B NAME: byte-identical files.
same_file() {
  if cmp -s "$1" "$2"; then ok "$3"; else fail "$3" "$1 and $2 differ"; fi
}

# sha256_of FILE
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# flip_byte FILE OFFSET [MASK]: XOR one byte in place (MASK defaults to 0x5a), so
# the byte always changes. Writing a constant instead leaves it unchanged when it
# already held that value, 1 time in 256 for random content (ciphertext,
# signatures): a tamper test that silently tampers nothing.
flip_byte() {
  python3 - "$1" "$2" "${3:-0x5a}" <<'PY'
import sys
path, off, mask = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3], 0)
with open(path, "r+b") as f:
    f.seek(off)
    b = f.read(1)
    if len(b) != 1 or not mask & 0xff:
        sys.exit("flip_byte: offset %d beyond %s or empty mask" % (off, path))
    f.seek(off)
    f.write(bytes([b[0] ^ (mask & 0xff)]))
PY
}
