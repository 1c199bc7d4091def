#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 11 section 6, messages that tell the truth:
#  - an OTA refused because the running app is still PENDING_VERIFY says so,
#    names the running slot, and does not claim to have erased a slot it did
#    not touch (plain and encrypted paths; the slot is byte-for-byte
#    unchanged); a refusal in the early checks says "not touched" too, and a
#    failure after writing says "erased" (and the slot is);
#  - `boot` with both otadata records corrupt says what it found (both
#    sectors bad-crc) and that it boots by the default order, never prints
#    VALID for that boot; `status` in that state shows no garbage seq/state
#    and the default order.
. "$(dirname "$0")/lib.sh"
S=$V/secure_boot_v2
PE=$V/pre_encrypted/rsa
PATCH=$FWSEAL_BUILD/tools/app_patch
CSV=$V/partition_table/partitions_factory_two_ota_encr_nvs.csv

for x in "v5 5 5.0.0" "v6 6 6.0.0" "v7 7 7.0.0"; do
  set -- $x
  "$PATCH" "$V/app/app_esp32c3_128k_sbpad.bin" "$T/$1.u" --secure-version "$2" --version "$3" &&
    "$FWSEAL" sign --key "$S/sb_rsa3072_key1.pem" "$T/$1.u" -o "$T/$1.bin" >/dev/null &&
    "$FWSEAL" encrypt --pubkey "$PE/rsa_pub_key.pem" "$T/$1.bin" -o "$T/$1.enc" >/dev/null || { fail "images"; exit 1; }
done
cp "$T/v7.enc" "$T/v7bad.enc"   # one flipped ciphertext byte deep in the body: GCM tag fails at the end
flip_byte "$T/v7bad.enc" 150000 0x55

D=$T/dev
"$FWDEV" init "$D" --partitions "$CSV" --flash-encryption xts-128 --flash-key "$V/flash_encryption/fe_key_xts_256.bin" \
  --secure-boot-key "$S/sb_rsa3072_key1_pub.pem" --decrypt-key "$PE/rsa_priv_key.pem" >/dev/null || { fail "init"; exit 1; }
"$FWDEV" flash "$D" --partition factory "$T/v5.bin" >/dev/null || fail "flash factory"
check "ota 6.0.0" "$FWDEV" ota "$D" --file "$T/v6.bin"
check "boot 6.0.0 (PENDING_VERIFY)" "$FWDEV" boot "$D"
expect_stdout "booted ota_0: .*ota state PENDING_VERIFY" "ota_0 runs unconfirmed"

slot_sum() { "$FWDEV" read "$D" --partition ota_1 --raw -o "$T/slot.raw" >/dev/null 2>&1 && sha256_of "$T/slot.raw"; }
before=$(slot_sum)
no_erase_claim() { # NAME: neither stdout nor stderr of the last command claims an erase
  if grep -qi "erased" "$T/.out" "$T/.err"; then fail "$1" "$(cat "$T/.out" "$T/.err" | head -c 400)"; else ok "$1"; fi
}

# ---- plain image from a file
expect_exit 1 "plain OTA refused while PENDING_VERIFY" "$FWDEV" ota "$D" --file "$T/v7.bin"
expect_stderr "the running app ota_0 is PENDING_VERIFY: confirm or roll back before the next OTA" "plain: says why, names the running slot"
no_erase_claim "plain: no claim of an erase"
[ "$(slot_sum)" = "$before" ] && ok "plain: slot ota_1 byte-for-byte untouched" || fail "plain: slot changed"

# ---- encrypted image (pipeline path), text and JSON
expect_exit 1 "encrypted OTA refused while PENDING_VERIFY" "$FWDEV" ota "$D" --file "$T/v7.enc"
expect_stderr "the running app ota_0 is PENDING_VERIFY: confirm or roll back before the next OTA" "encrypted: says why"
expect_stdout "update aborted: .*PENDING_VERIFY.*; slot ota_1 not touched" "encrypted: says the slot was not touched"
no_erase_claim "encrypted: no claim of an erase"
grep -q "header accepted\|new image" "$T/.out" && fail "encrypted: refused before reading the image" "$(cat "$T/.out")" \
  || ok "encrypted: refused before reading the image"
expect_exit 1 "encrypted OTA refused (--json)" "$FWDEV" ota "$D" --file "$T/v7.enc" --json
expect_stdout '"event":"aborted".*"slot_fate":"untouched"' "json: slot_fate untouched"
[ "$(slot_sum)" = "$before" ] && ok "encrypted: slot ota_1 byte-for-byte untouched" || fail "encrypted: slot changed"

# ---- after confirm: a downgrade refused in the early checks touches nothing,
# a tag failure after writing erases (and says so)
check "confirm 6.0.0" "$FWDEV" confirm "$D"
before=$(slot_sum)
expect_exit 1 "encrypted downgrade refused" "$FWDEV" ota "$D" --file "$T/v5.enc"
expect_stdout "update aborted: secure_version below the eFuse.*; slot ota_1 not touched" "downgrade: slot not touched"
no_erase_claim "downgrade: no claim of an erase"
[ "$(slot_sum)" = "$before" ] && ok "downgrade: slot ota_1 byte-for-byte untouched" || fail "downgrade: slot changed"
expect_exit 1 "tampered encrypted image refused" "$FWDEV" ota "$D" --file "$T/v7bad.enc"
expect_stdout "update aborted: .*GCM tag.*; slot ota_1 erased" "tag failure: says the slot was erased"
"$FWDEV" read "$D" --partition ota_1 --raw --length 4096 -o "$T/head.raw" >/dev/null 2>&1
[ "$(tr -d '\377' <"$T/head.raw" | wc -c)" -eq 0 ] && ok "tag failure: the slot really is erased" || fail "slot not erased"

# ---- both otadata records corrupt
off=$("$FWDEV" status "$D" | awk '$1 == "otadata" && $3 == "ota" {print $4}')
[ -n "$off" ] || fail "otadata offset"
for s in 0 4096; do
  printf 'garbage!garbage!garbage!garbage!' | dd of="$D/flash.bin" bs=1 seek=$((off + s)) conv=notrunc 2>/dev/null
done
check "status with both records corrupt" "$FWDEV" status "$D"
expect_stdout "^otadata\[0\] +bad-crc +\(CRC mismatch: record ignored\)" "status: sector 0 bad-crc, no garbage seq/state"
expect_stdout "^otadata\[1\] +bad-crc +\(CRC mismatch: record ignored\)" "status: sector 1 bad-crc"
expect_stdout "^boot +no valid otadata record: default order, first that verifies: factory, ota_0, ota_1" "status: default order"
grep -q "VALID" "$T/.out" && fail "status prints no VALID" "$(grep VALID "$T/.out")" || ok "status prints no VALID"
cp -a "$D" "$T/dev2"
check "boot with both records corrupt" "$FWDEV" boot "$D"
expect_stdout "^otadata: no valid record \(sector 0: bad-crc, sector 1: bad-crc\); booting by the default order" "boot: says what it found and decided"
expect_stdout "^booted ota_0: version 6.0.0, secure_version 6, ota state none" "boot: ota_0 by default (factory is below the eFuse), ota state none"
grep -q "VALID" "$T/.out" && fail "boot prints no VALID" "$(cat "$T/.out")" || ok "boot prints no VALID"
check "boot --json with both records corrupt" "$FWDEV" boot "$T/dev2" --json
expect_stdout '"ota_state":"none".*"selected_by":"default-order".*"otadata":\["bad-crc","bad-crc"\]' "json: found and decided"
grep -q "VALID" "$T/.out" && fail "json prints no VALID" || ok "json prints no VALID"

# no factory: the default order boots an OTA slot and writes a fresh record; it says so, not VALID
D3=$T/dev3
"$FWDEV" init "$D3" --partitions "$V/partition_table/partitions_two_ota.csv" --flash-encryption xts-128 \
  --flash-key "$V/flash_encryption/fe_key_xts_256.bin" --secure-boot-key "$S/sb_rsa3072_key1_pub.pem" >/dev/null
"$FWDEV" flash "$D3" --partition ota_0 "$T/v5.bin" >/dev/null
"$FWDEV" boot "$D3" >/dev/null && "$FWDEV" ota "$D3" --file "$T/v6.bin" >/dev/null && "$FWDEV" boot "$D3" >/dev/null \
  && "$FWDEV" confirm "$D3" >/dev/null || fail "two-slot device setup"
off=$("$FWDEV" status "$D3" | awk '$1 == "otadata" && $3 == "ota" {print $4}')
for s in 0 4096; do
  printf 'garbage!garbage!garbage!garbage!' | dd of="$D3/flash.bin" bs=1 seek=$((off + s)) conv=notrunc 2>/dev/null
done
check "boot (no factory) with both records corrupt" "$FWDEV" boot "$D3"
expect_stdout "^otadata: no valid record \(sector 0: bad-crc, sector 1: bad-crc\)" "no factory: says what it found"
expect_stdout "^booted ota_1: version 6.0.0, secure_version 6, ota state none" "no factory: ota_1 (ota_0 is below the eFuse) by default"
expect_stdout "^otadata: wrote a fresh record selecting ota_1 \(seq 2\)" "no factory: says it wrote a fresh record"
grep -q "VALID" "$T/.out" && fail "no factory: boot prints no VALID" "$(cat "$T/.out")" || ok "no factory: boot prints no VALID"
