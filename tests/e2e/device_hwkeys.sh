#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Keys that never leave the hardware (issue 13 §2), end to end:
#  1. a device initialised with --key-mode hardware keeps its flash-encryption
#     key and decryption secret only in DIR/keystore.bin (the simulated
#     peripherals): eFuse image, device.conf and flash hold none of them;
#  2. raw-key and hardware-key devices given the same inputs (init, flash, an
#     encrypted OTA with each scheme, boot, NVS) end with byte-identical
#     flash.bin and the same flash operations (FWSEAL_SIM_TRACE);
#  3. fail closed: a hardware device without its keystore, and a device whose
#     eFuse key reads zeros with no encrypting driver, are refused;
#  4. the OTA, boot and NVS suites rerun with every device in hardware mode
#     (FWSEAL_SIM_KEY_MODE=hardware; their own run is the raw mode);
#     FWSEAL_HWKEYS_SUITES="a b" picks others (every device_*, ota_* and
#     nvs_device suite passes in that mode).
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$T" || exit 3
PT=$V/partition_table/partitions_two_ota.csv
PE=$V/pre_encrypted
FEKEY=$V/flash_encryption/fe_key_xts_256.bin

$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null || { fail "keygen"; exit 1; }
$FWSEAL mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project hwkeys --size 48K -o v1.bin >/dev/null &&
  $FWSEAL sign --key sb.pem v1.bin -o v1.s.bin >/dev/null || { fail "mkimage v1"; exit 1; }
$FWSEAL mkimage --chip esp32c3 --version 2.0.0 --secure-version 1 --project hwkeys --size 64K -o v2.bin >/dev/null &&
  $FWSEAL sign --key sb.pem v2.bin -o v2.s.bin >/dev/null || { fail "mkimage v2"; exit 1; }
$FWSEAL encrypt --pubkey "$PE/rsa/rsa_pub_key.pem" v2.s.bin -o v2.rsa.enc >/dev/null
$FWSEAL encrypt --pubkey "$PE/ecc/device_pub_key.pem" v2.s.bin -o v2.ecc.enc >/dev/null

# contains HAYSTACK NEEDLE_FILE: any 16-byte window of the needle in the haystack?
contains() {
  python3 - "$1" "$2" <<'PY'
import sys
hay = open(sys.argv[1], "rb").read(); key = open(sys.argv[2], "rb").read()
sys.exit(0 if any(key[i:i + 16] in hay for i in range(0, len(key) - 15)) else 1)
PY
}

# run MODE SCHEME: init (FE xts-128, secret of SCHEME), flash v1, boot, ota, boot, nvs
run() {
  local m=$1 s=$2 d=$1.$2 secret
  if [ "$s" = rsa ]; then secret=(--decrypt-key "$PE/rsa/rsa_priv_key.pem"); else secret=(--decrypt-hmac-key "$PE/ecc/device_hmac_key.bin"); fi
  export FWSEAL_SIM_TRACE=$T/$d.trace
  check "$m/$s: init" "$FWDEV" init "$d" --key-mode "$m" --partitions "$PT" --flash-encryption xts-128 --flash-key "$FEKEY" \
    --secure-boot-key sb_pub.pem "${secret[@]}"
  check "$m/$s: flash v1" "$FWDEV" flash "$d" --partition ota_0 v1.s.bin
  check "$m/$s: boot v1" "$FWDEV" boot "$d"
  check "$m/$s: encrypted ota ($s)" "$FWDEV" ota "$d" --file "v2.$s.enc"
  check "$m/$s: boot v2" "$FWDEV" boot "$d" --json
  expect_stdout '"version": *"2.0.0"' "$m/$s: v2 runs"
  check "$m/$s: confirm" "$FWDEV" confirm "$d"
  check "$m/$s: nvs set" "$FWDEV" nvs "$d" set wifi ssid string "net-$s"
  check "$m/$s: nvs get" "$FWDEV" nvs "$d" get wifi ssid
  expect_stdout "net-$s" "$m/$s: nvs value"
  unset FWSEAL_SIM_TRACE
}

for s in rsa ecc; do
  run raw $s
  run hardware $s
  d=hardware.$s
  secret_file=$([ $s = rsa ] && echo secret_decrypt_rsa.pem || echo secret_decrypt_hmac.bin)
  secret_src=$([ $s = rsa ] && echo "$PE/rsa/rsa_priv_key.pem" || echo "$PE/ecc/device_hmac_key.bin")
  check "$s: device.conf says key_mode=hardware" grep -qx key_mode=hardware "$d/device.conf"
  "$FWDEV" status "$d" --json >st.json 2>/dev/null
  check "$s: status --json says key_mode hardware" python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["device"]["key_mode"] == "hardware"' st.json
  "$FWDEV" status "raw.$s" --json >st.json 2>/dev/null
  check "$s: status --json says key_mode raw" python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["device"]["key_mode"] == "raw"' st.json
  check "$s: keystore.bin is 0600" test "$(stat -c %a "$d/keystore.bin")" = 600
  check "$s: no secret file in hardware mode" test ! -e "$d/$secret_file"
  check "$s: raw mode keeps its secret file (the difference)" test -e "raw.$s/$secret_file"
  for f in efuse.bin flash.bin device.conf; do
    if contains "$d/$f" "$FEKEY"; then fail "$s: flash-encryption key in $f"; else ok "$s: no flash-encryption key in $f"; fi
    if contains "$d/$f" "$secret_src"; then fail "$s: decryption secret in $f"; else ok "$s: no decryption secret in $f"; fi
  done
  check "$s: raw eFuse image does hold the key (the test would see it)" contains "raw.$s/efuse.bin" "$FEKEY"
  same_file "raw.$s/flash.bin" "hardware.$s/flash.bin" "$s: flash.bin byte-identical in raw and hardware mode"
  # The same operations, except that init's eFuse burn has no key bits in hardware mode.
  grep -v '^efuse-burn [0-9]* bits #1$' "raw.$s.trace" >raw.ops; grep -v '^efuse-burn [0-9]* bits #1$' "hardware.$s.trace" >hw.ops
  same_file raw.ops hw.ops "$s: same flash operations in both modes (FWSEAL_SIM_TRACE)"
  check "$s: init burns fewer eFuse bits in hardware mode (no key)" test \
    "$(sed -n 's/^efuse-burn \([0-9]*\) bits #1$/\1/p' "hardware.$s.trace" | head -1)" -lt \
    "$(sed -n 's/^efuse-burn \([0-9]*\) bits #1$/\1/p' "raw.$s.trace" | head -1)"
done

# ---- fail closed ----------------------------------------------------------------
cp -a hardware.rsa nokeys && rm nokeys/keystore.bin
expect_exit 3 "hardware device without its keystore refused" "$FWDEV" boot nokeys
expect_stderr "keystore.bin" "the error names the keystore"
# A raw device whose eFuse key reads zeros (read-protected) and no encrypting driver.
cp -a raw.rsa zeroed
python3 - zeroed/efuse.bin <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[0x74:0x74 + 64] = bytes(64); open(sys.argv[1], "wb").write(b)
PY
before=$(sha256_of zeroed/flash.bin)
expect_exit 1 "FE on with no reachable key refused" "$FWDEV" flash zeroed --partition ota_1 v1.s.bin
expect_stderr "key" "the error says it is the key"
check "nothing written without a key" test "$(sha256_of zeroed/flash.bin)" = "$before"
expect_exit 2 "unknown --key-mode is a usage error" "$FWDEV" init bad --key-mode firmware --partitions "$PT"

# ---- the OTA, boot and NVS suites in hardware mode -------------------------------
for suite in ${FWSEAL_HWKEYS_SUITES:-device_core_fe device_core_cli device_boot_scenarios ota_enc ota_powercut nvs_device device_fleet_ota device_staged}; do
  out=$(FWSEAL_SIM_KEY_MODE=hardware bash "$HERE/$suite.sh" 2>&1)
  sum=$(grep -E '^E2E-SUMMARY' <<<"$out" | tail -1)
  if grep -Eq 'passed=[1-9][0-9]* failed=0' <<<"$sum"; then ok "$suite in hardware-key mode: $sum"
  else fail "$suite in hardware-key mode" "$sum $(grep -E '^not ok' <<<"$out" | head -3)"; fi
done
