#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Device core, acceptance 1: an app flashed through flash encryption reads back
# raw as espsecure's ciphertext for the same key and address, and decrypted as
# the plaintext. Both key sizes, CSV and binary partition tables, 0x10000 as an
# OTA slot and as the factory slot.
. "$(dirname "$0")/lib.sh"

APP=$V/app/app_esp32c3_64k.bin
N=$(stat -c %s "$APP")

# round KEY MODE CT TABLE SLOT [extra init args]
round() {
  local key=$1 mode=$2 ct=$3 table=$4 slot=$5; shift 5
  local d=$T/dev.$RANDOM
  check "init $(basename "$table") $mode" "$FWDEV" init "$d" --partitions "$table" --flash-encryption "$mode" --flash-key "$key" "$@"
  check "flash $slot ($mode)" "$FWDEV" flash "$d" --partition "$slot" "$APP"
  check "read --raw $slot" "$FWDEV" read "$d" --partition "$slot" --raw --length "$N" -o "$T/raw.bin"
  same_file "$T/raw.bin" "$ct" "raw $slot = espsecure ciphertext ($mode, $(basename "$key"))"
  check "read $slot" "$FWDEV" read "$d" --partition "$slot" -o "$T/plain.bin"
  if cmp -s -n "$N" "$T/plain.bin" "$APP"; then ok "decrypted $slot = plaintext ($mode)"; else fail "decrypted $slot = plaintext ($mode)"; fi
  # The whole partition is returned by default; the part after the image is erased flash.
  local psize; psize=$(stat -c %s "$T/plain.bin")
  [ "$psize" -gt "$N" ] && ok "read defaults to the whole partition ($psize bytes)" || fail "read size $psize"
  # flash.bin itself holds the ciphertext at 0x10000 (no plaintext at rest).
  if cmp -s -n "$N" <(tail -c +$((0x10000 + 1)) "$d/flash.bin") "$ct"; then ok "flash.bin holds ciphertext at 0x10000"; else fail "flash.bin holds ciphertext at 0x10000"; fi
  if grep -q fw_update_demo "$d/flash.bin"; then fail "plaintext project name visible in flash.bin"; else ok "no plaintext in flash.bin"; fi
  "$FWDEV" status "$d" --json >"$T/st.json" 2>"$T/.err"
  if python3 - "$T/st.json" "$slot" "$mode" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
app = [a for a in s["apps"] if a["partition"] == sys.argv[2]][0]
assert app["image"] and app["version"] == "1.0.0" and app["project_name"] == "fw_update_demo", app
assert app["secure_version"] == 1 and app["chip"] == "esp32c3", app
assert s["efuse"]["flash_encryption"] == sys.argv[3]
assert "fe_key" not in json.dumps(s) and "key" not in s["efuse"]
PY
  then ok "status --json shows the app descriptor through decryption"; else fail "status --json app descriptor"; fi
}

PT=$V/partition_table
FE=$V/flash_encryption
round "$FE/fe_key_xts_256.bin" xts-128 "$FE/ct_xts256_0x10000_app_esp32c3_64k.bin" "$PT/partitions_two_ota.csv" ota_0
round "$FE/fe_key_xts_256.bin" xts-128 "$FE/ct_xts256_0x10000_app_esp32c3_64k.bin" "$PT/partitions_two_ota.bin" ota_0
round "$FE/fe_key_xts_512.bin" xts-256 "$FE/ct_xts512_0x10000_app_esp32c3_64k.bin" "$PT/partitions_two_ota_encr_nvs.csv" ota_0 --chip esp32s3
round "$FE/fe_key_xts_512.bin" xts-256 "$FE/ct_xts512_0x10000_app_esp32c3_64k.bin" "$PT/partitions_factory_two_ota_encr_nvs.bin" factory --chip esp32s3

# The key size decides the cipher: a 64-byte key with the esp32c3 default works
# (with a warning), so does the "xts_256" file name given as --flash-encryption xts-256.
d=$T/devw
expect_exit 0 "xts-256 on esp32c3 accepted" "$FWDEV" init "$d" --partitions "$PT/partitions_two_ota.csv" --flash-encryption xts-256 --flash-key "$FE/fe_key_xts_512.bin"
expect_stderr "warning: .*XTS-AES-128 only" "esp32c3 + xts-256 warns"
expect_exit 0 "mode name vs key size: key decides" "$FWDEV" init "$d" --force --partitions "$PT/partitions_two_ota.csv" --flash-encryption xts-256 --flash-key "$FE/fe_key_xts_256.bin"
expect_stderr "32-byte key: using xts-128" "mismatch warned"
check "flash" "$FWDEV" flash "$d" --partition ota_0 "$APP"
check "read raw" "$FWDEV" read "$d" --partition ota_0 --raw --length "$N" -o "$T/raw.bin"
same_file "$T/raw.bin" "$FE/ct_xts256_0x10000_app_esp32c3_64k.bin" "32-byte key gives the XTS-AES-128 ciphertext"

# Without flash encryption the same read --raw is the plaintext.
d=$T/devp
check "init without FE" "$FWDEV" init "$d" --partitions "$PT/partitions_two_ota.csv"
check "flash plain" "$FWDEV" flash "$d" --partition ota_1 "$APP"
check "read raw plain" "$FWDEV" read "$d" --partition ota_1 --raw --length "$N" -o "$T/raw.bin"
same_file "$T/raw.bin" "$APP" "no FE: raw = plaintext"
