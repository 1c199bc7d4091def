#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make tamper: builds an encrypted, signed image of at least 64 KiB with the
# real CLI (RSA-3072 signing key, RSA-3072 device key), then runs the
# in-process tamper matrix build/tools/tamper. Extra arguments go to the
# runner (--subset N keeps every N-th trial, --count only counts) and
# nothing is written; without arguments (make tamper) the full matrix runs and
# tests/tamper/RESULTS.md is REWRITTEN from this run's output (date, machine,
# images, every count) — never edited by hand; tests/e2e/results_files.sh
# fails when it names a count the code does not produce. TAMPER_RESULTS=FILE
# writes elsewhere (or for a run with arguments). Exit 0 only if 100 % rejected.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FWSEAL_BUILD:-$root/build}
FWSEAL=$build/bin/fwseal
W=$(mktemp -d "${TMPDIR:-/tmp}/fwseal-tamper.XXXXXX")
trap 'rm -rf "$W"' EXIT
results=${TAMPER_RESULTS:-}
[ $# -eq 0 ] && [ -z "$results" ] && results=$root/tests/tamper/RESULTS.md
set -e
"$FWSEAL" keygen rsa3072 -o "$W/sign.pem" --pub "$W/sign_pub.pem" >/dev/null
"$FWSEAL" keygen rsa3072 -o "$W/enc.pem" --pub "$W/enc_pub.pem" >/dev/null
"$FWSEAL" digest "$W/sign_pub.pem" -o "$W/digest.bin" >/dev/null
"$FWSEAL" mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project tamper --size 64K -o "$W/v1.bin"
"$FWSEAL" mkimage --chip esp32c3 --version 2.0.0 --secure-version 1 --project tamper --size 64K -o "$W/v2.bin"
"$FWSEAL" sign --key "$W/sign.pem" "$W/v1.bin" -o "$W/v1.signed.bin" >/dev/null 2>&1
"$FWSEAL" sign --key "$W/sign.pem" "$W/v2.bin" -o "$W/v2.signed.bin" >/dev/null 2>&1
"$FWSEAL" encrypt --pubkey "$W/enc_pub.pem" "$W/v2.signed.bin" -o "$W/v2.enc.bin"
set +e
bash "$root/scripts/machine_facts.sh" >"$W/facts"   # the tree as it is when the run starts
start=$SECONDS
"$build/tools/tamper" "$W/v1.signed.bin" "$W/v2.signed.bin" "$W/v2.enc.bin" "$W/enc.pem" "$W/digest.bin" "$@" |
  tee "$W/out"
rc=${PIPESTATUS[0]}
secs=$((SECONDS - start))
echo "tamper: $secs s"
if [ -n "$results" ] && { [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } && grep -q '^tamper: image ' "$W/out"; then
  "$root/tests/tamper/results_md.sh" "$W/out" "$secs" "$rc" "$W/facts" >"$W/results.md" &&
    mv "$W/results.md" "$results" && echo "tamper: wrote $results"
fi
exit $rc
