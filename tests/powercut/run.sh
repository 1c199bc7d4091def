#!/usr/bin/env bash
# make powercut: builds the images with the real CLI (RSA-3072 signing key,
# RSA-3072 device key, a 256 KiB app v1 -> v2), then runs the in-process
# power-cut runner build/tools/powercut over every scenario and schedule.
# Extra arguments go to the runner (e.g. --scenario ota --schedule torn,
# --replay torn:57:2048). Exit 0 only if every cut point survived.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FWSEAL_BUILD:-$root/build}
FWSEAL=$build/bin/fwseal
W=$(mktemp -d "${TMPDIR:-/tmp}/fwseal-powercut.XXXXXX")
trap 'rm -rf "$W"' EXIT
size=${POWERCUT_IMAGE_SIZE:-256K}
set -e
"$FWSEAL" keygen rsa3072 -o "$W/sign.pem" --pub "$W/sign_pub.pem" >/dev/null
"$FWSEAL" keygen rsa3072 -o "$W/enc.pem" --pub "$W/enc_pub.pem" >/dev/null
"$FWSEAL" digest "$W/sign_pub.pem" -o "$W/digest.bin" >/dev/null
"$FWSEAL" mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project powercut --size "$size" -o "$W/v1.bin"
"$FWSEAL" mkimage --chip esp32c3 --version 2.0.0 --secure-version 3 --project powercut --size "$size" -o "$W/v2.bin"
"$FWSEAL" sign --key "$W/sign.pem" "$W/v1.bin" -o "$W/v1.signed.bin" 2>/dev/null
"$FWSEAL" sign --key "$W/sign.pem" "$W/v2.bin" -o "$W/v2.signed.bin" 2>/dev/null
"$FWSEAL" encrypt --pubkey "$W/enc_pub.pem" "$W/v2.signed.bin" -o "$W/v2.enc.bin"
set +e
start=$SECONDS
"$build/tools/powercut" "$W/v1.signed.bin" "$W/v2.signed.bin" "$W/v2.enc.bin" "$W/enc.pem" "$W/digest.bin" "$@"
rc=$?
echo "powercut: $((SECONDS - start)) s"
exit $rc
