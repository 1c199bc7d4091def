#!/usr/bin/env bash
# make tamper: builds an encrypted, signed image of at least 64 KiB with the
# real CLI (RSA-3072 signing key, RSA-3072 device key), then runs the
# in-process tamper matrix build/tools/tamper. Extra arguments go to the
# runner (--subset N keeps every N-th trial). Exit 0 only if 100 % rejected.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FWSEAL_BUILD:-$root/build}
FWSEAL=$build/bin/fwseal
W=$(mktemp -d "${TMPDIR:-/tmp}/fwseal-tamper.XXXXXX")
trap 'rm -rf "$W"' EXIT
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
start=$SECONDS
"$build/tools/tamper" "$W/v1.signed.bin" "$W/v2.signed.bin" "$W/v2.enc.bin" "$W/enc.pem" "$W/digest.bin" "$@"
rc=$?
echo "tamper: $((SECONDS - start)) s"
exit $rc
