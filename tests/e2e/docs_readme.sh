#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# README.md: the four jobs' command blocks run, in order, as they stand, in an
# EMPTY directory: the blocks create every file they use (issue 13 §5). The
# make lines are the README's own two commands: `make test` is what runs
# this, `make demo` is run by tests/e2e/demo.sh.
. "$(dirname "$0")/lib.sh"
export PATH="$FWSEAL_BUILD/bin:$PATH"
mkdir -p "$T/work" && cd "$T/work" || exit 3
check "the directory starts empty" test -z "$(ls -A)"
python3 "$FWSEAL_ROOT/tests/e2e/docs_extract.py" "$FWSEAL_ROOT/README.md" --skip '^make ' >"$T/readme.sh" || { fail "extract"; exit 1; }
. "$T/readme.sh"
# After the OTA and the confirm, the device runs the new image.
check "device boots after the README's OTA" fwseal-device boot dev
"$FWSEAL_BUILD/bin/fwseal-device" boot dev --json >"$T/boot.json" 2>/dev/null
check "  the README's v2.0.0" grep -q '"version":"2.0.0"' "$T/boot.json"

# Settings the named chip supports (README chip table, FORMATS §2.8, §4.2): the
# docs and the demo name esp32c3 (the simulator's default chip), which has
# XTS-AES-128 only and verifies RSA-3072 only.
for doc in README.md docs/guide.md scripts/demo.sh; do
  f=$FWSEAL_ROOT/$doc
  if grep -E -- '--flash-encryption xts-256|flash-xts-256' "$f" | grep -vqE -- '--chip (esp32s2|esp32s3|esp32p4|esp32h4)'; then
    fail "$doc: XTS-AES-256 for an esp32c3" "$(grep -nE -- 'xts-256' "$f" | head -3)"
  else
    ok "$doc: no XTS-AES-256 on an esp32c3"
  fi
  if grep -E -- 'keygen ecdsa-p256|sign.*ecdsa' "$f" | grep -q .; then
    fail "$doc: ECDSA signing for an esp32c3 (RSA-3072 only)"
  else
    ok "$doc: RSA-3072 signing for the esp32c3"
  fi
done
# the simulator says so too: no chip-support warning from the README's init
check "README's init gives no chip warning" bash -c "grep -h 'fwseal-device init' '$FWSEAL_ROOT/README.md' | head -1 | sed 's/ dev / dev2 /' | (cd '$T/work' && bash 2>&1) | (! grep -q 'warning')"
