#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 16, ECDSA P-384 and P-192 on the simulated device: espsecure's signed
# esp32c3 images (vectors/secure_boot_v2_ecdsa_ext) flashed into a device
# whose eFuse holds the key digest, booted by the Secure Boot V2 bootloader,
# each with its documented result (README there); OTA of a P-384 image fwseal
# signed; and the eFuse's say on the digest (SECURE_BOOT_SHA384_EN: a P-384
# device verifies SHA-384, refuses SHA-256 blocks, and the reverse).
#
# Chips: the vectors are esp32c3 images, and the esp32c3 ROM verifies only
# RSA-3072 (FORMATS 2.8). The simulator runs fwseal's own bootloader (boot/),
# which verifies every scheme of the table, so the c3 vectors boot on a c3
# device; the chip table is enforced where a user meets it (fwseal sign and
# fwseal verify --chip). The same flow on esp32c5, a chip whose ROM verifies
# P-384, runs last with an image fwseal signed without --no-chip-check.
. "$(dirname "$0")/lib.sh"

E=$V/secure_boot_v2_ecdsa_ext
PATCH=$FWSEAL_BUILD/tools/app_patch
CSV=$V/partition_table/partitions_factory_two_ota_encr_nvs.csv
D=$T/dev

new_dev() { # chip, then init options
  local chip=$1; shift
  rm -rf "$D"
  "$FWDEV" init "$D" --chip "$chip" --partitions "$CSV" "$@" >"$T/init.out" 2>&1
  local rc=$?
  [ "$rc" -eq 0 ] || cat "$T/init.out" >&2
  return "$rc"
}
# boots IMAGE on a fresh device (init options after --): 0 if it boots it
boot_image() {
  local img=$1; shift
  new_dev esp32c3 "$@" || return 3
  "$FWDEV" flash "$D" --partition factory "$img" >/dev/null || return 3
  "$FWDEV" boot "$D"
}
hex() { xxd -p -c 64 "$1"; }

for c in 384 192; do
  key=$E/sb_ecdsa${c}_key_pub.pem
  check "P-$c: signed image boots (key in eFuse)" boot_image "$E/signed_ecdsa$c.bin" --secure-boot-key "$key"
  expect_stdout "booted factory: version 4.0.0, secure_version 3" "P-$c: boot line"
  expect_exit 1 "P-$c: wrong key in eFuse: not booted" boot_image "$E/signed_ecdsa$c.bin" \
    --secure-boot-key "$E/sb_ecdsa${c}_wrong_pub.pem"
  expect_stderr "not signed by a trusted key" "P-$c: wrong key: reason"
  expect_exit 1 "P-$c: flipped signature byte: not booted" boot_image "$E/neg_ecdsa${c}_signature_flipped.bin" \
    --secure-boot-key "$key"
  expect_stderr "no valid signature block" "P-$c: flipped: reason"
done

# The digest file (what espsecure prints for the eFuse) does not say the
# scheme: SECURE_BOOT_SHA384_EN does.
check "P-384 digest + --secure-boot-sha384 boots" boot_image "$E/signed_ecdsa384.bin" \
  --secure-boot-digest "$(hex "$E/sb_ecdsa384_key.digest.bin")" --secure-boot-sha384
expect_exit 1 "P-384 digest without SHA384_EN: not booted" boot_image "$E/signed_ecdsa384.bin" \
  --secure-boot-digest "$(hex "$E/sb_ecdsa384_key.digest.bin")"
expect_stderr "digest does not match" "SHA-256 device, SHA-384 block: reason"
expect_exit 1 "P-192 image on a SHA-384 device: not booted" boot_image "$E/signed_ecdsa192.bin" \
  --secure-boot-digest "$(hex "$E/sb_ecdsa192_key.digest.bin")" --secure-boot-sha384
expect_exit 2 "init: P-384 and SHA-256 keys on one device refused" new_dev esp32c3 \
  --secure-boot-key "$E/sb_ecdsa384_key_pub.pem" --secure-boot-key "$E/sb_ecdsa192_key_pub.pem"
expect_stderr "cannot be trusted by one device" "mixed digests: reason"
expect_exit 2 "init: --secure-boot-sha384 with an RSA key refused" new_dev esp32c3 --secure-boot-sha384 \
  --secure-boot-key "$V/secure_boot_v2/sb_rsa3072_key1_pub.pem"
check "status shows SHA384_EN" new_dev esp32c3 --secure-boot-key "$E/sb_ecdsa384_key_pub.pem"
"$FWDEV" status "$D" >"$T/.out" 2>&1
expect_stdout "$(hex "$E/sb_ecdsa384_key.digest.bin")" "status lists the P-384 key digest"
expect_stdout "SECURE_BOOT_SHA384_EN" "status shows SHA384_EN"
"$FWDEV" status "$D" --json >"$T/.out" 2>&1
expect_stdout '"secure_boot_image_digest": "sha384"' "status --json: sha384"

# OTA at P-384: the running espsecure-signed app installs an image fwseal
# signed with the same key (sign -> device verify round trip).
"$PATCH" "$E/app_c3.bin" "$T/v5.u" --secure-version 5 --version 5.0.0 || exit 1
check "fwseal signs the c3 image with P-384 (--no-chip-check)" "$FWSEAL" sign --no-chip-check \
  --key "$E/sb_ecdsa384_key.pem" "$T/v5.u" -o "$T/v5.bin"
check "boot espsecure's P-384 image" boot_image "$E/signed_ecdsa384.bin" --secure-boot-key "$E/sb_ecdsa384_key_pub.pem"
check "OTA the fwseal-signed P-384 image" "$FWDEV" ota "$D" --file "$T/v5.bin"
check "boot the OTA image" "$FWDEV" boot "$D"
expect_stdout "version 5.0.0, secure_version 5" "P-384 OTA image runs"
check "confirm it" "$FWDEV" confirm "$D"
expect_exit 1 "OTA of the flipped P-384 image refused" "$FWDEV" ota "$D" --file "$E/neg_ecdsa384_signature_flipped.bin"
"$FWSEAL" sign --no-chip-check --key "$E/sb_ecdsa384_wrong.pem" "$T/v5.u" -o "$T/v5w.bin" >/dev/null
"$PATCH" "$T/v5.u" "$T/v6.u" --secure-version 6 --version 6.0.0 || exit 1
"$FWSEAL" sign --no-chip-check --key "$E/sb_ecdsa384_wrong.pem" "$T/v6.u" -o "$T/v6w.bin" >/dev/null
expect_exit 1 "OTA signed by an untrusted P-384 key refused" "$FWDEV" ota "$D" --file "$T/v6w.bin"
cat "$T/.out" >>"$T/.err"
expect_stderr "not signed by a trusted key" "untrusted OTA: reason"
check "the confirmed P-384 app still boots" "$FWDEV" boot "$D"
expect_stdout "version 5.0.0" "still 5.0.0"

# The documented chip: esp32c5 verifies P-384 in ROM (FORMATS 2.8), so the
# chip check of fwseal sign passes without --no-chip-check. (Host only: the
# patched image keeps the c3 memory map, which the device's esp32c5 segment
# mapping check refuses; a real c5 image is not among the vectors.)
"$PATCH" "$E/app_c3.bin" "$T/c5.u" --chip-id 23 --version 5.0.0-c5 || exit 1
check "sign an esp32c5 image with P-384 (chip check passes)" "$FWSEAL" sign --key "$E/sb_ecdsa384_key.pem" \
  "$T/c5.u" -o "$T/c5.bin"
check "fwseal verify --chip esp32c5" "$FWSEAL" verify --chip esp32c5 --trust "$E/sb_ecdsa384_key_pub.pem" "$T/c5.bin"
expect_exit 1 "fwseal verify --chip esp32c3 refuses P-384" "$FWSEAL" verify --chip esp32c3 \
  --trust "$E/sb_ecdsa384_key_pub.pem" "$E/signed_ecdsa384.bin"
