#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal-device init / flash / read / status: options, eFuse provisioning,
# refusals and exit codes.
. "$(dirname "$0")/lib.sh"

PT=$V/partition_table
SB=$V/secure_boot_v2
APP=$V/app/app_esp32c3_64k.bin

for c in init flash read status; do
  expect_exit 0 "$c --help" "$FWDEV" $c --help
  expect_stdout "example" "$c --help has an example"
done
expect_stdout "init|flash|read|status" "commands listed"

d=$T/dev
check "init with eFuse provisioning" "$FWDEV" init "$d" --partitions "$PT/partitions_factory_two_ota_encr_nvs.csv" \
  --secure-boot-key "$SB/sb_rsa3072_key1_pub.pem" --secure-boot-key "$SB/sb_ecdsa256_key.pem" \
  --secure-boot-digest "$(xxd -p -c 64 "$SB/sb_rsa3072_key2.digest.bin")" --secure-version 3 --flash-size 8MB
for f in flash.bin efuse.bin device.conf; do [ -f "$d/$f" ] && ok "$f created" || fail "$f created"; done
[ "$(stat -c %s "$d/flash.bin")" -eq 8388608 ] && ok "flash size 8MB" || fail "flash size"
[ "$(stat -c %a "$d/efuse.bin")" = 600 ] && ok "efuse.bin is 0600" || fail "efuse.bin mode"
"$FWDEV" status "$d" --json >"$T/st.json"
if python3 - "$T/st.json" "$SB" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); sb = sys.argv[2]
dg = [d["digest"] for d in s["efuse"]["digests"]]
want = [open(f"{sb}/{n}.digest.bin", "rb").read().hex() for n in ("sb_rsa3072_key1", "sb_ecdsa256_key", "sb_rsa3072_key2")]
assert dg == want, (dg, want)
assert not any(d["revoked"] for d in s["efuse"]["digests"])
assert s["efuse"]["secure_version"] == 3 and s["efuse"]["secure_version_bits"] == "0x00000007"
assert s["efuse"]["flash_encryption"] == "off"
assert s["device"]["chip"] == "esp32c3" and s["device"]["flash_size"] == 8388608
labels = [p["label"] for p in s["partitions"]]
assert labels == ["nvs", "otadata", "phy_init", "factory", "ota_0", "ota_1", "nvs_key"], labels
assert [e["status"] for e in s["otadata"]["entries"]] == ["empty", "empty"]
assert s["otadata"]["active"] == -1
assert [a["image"] for a in s["apps"]] == [False, False, False]
PY
then ok "status --json: digests (PEM public, PEM private, hex), secure_version, partitions, otadata"; else fail "status --json content"; fi
expect_exit 0 "status text" "$FWDEV" status "$d"
expect_stdout "secure boot digest 2: $(xxd -p -c 64 "$SB/sb_rsa3072_key2.digest.bin")" "status text shows digests"
expect_stdout "otadata\[1\] +empty" "status text shows otadata"

# Re-init: refused when not empty, accepted with --force.
expect_exit 3 "init on an existing device refused" "$FWDEV" init "$d" --partitions "$PT/partitions_two_ota.csv"
expect_stderr "not empty.*--force" "says why"
expect_exit 0 "init --force" "$FWDEV" init "$d" --force --partitions "$PT/partitions_two_ota.csv"
mkdir -p "$T/other" && echo hi >"$T/other/notes.txt"
expect_exit 3 "--force never wipes a non-device directory" "$FWDEV" init "$T/other" --force --partitions "$PT/partitions_two_ota.csv"
[ -f "$T/other/notes.txt" ] && ok "foreign file kept" || fail "foreign file kept"

# Bad input: exit 1 for rejected content, 2 for usage, nothing left behind.
for neg in neg_pt_bad_md5.bin neg_pt_entry_modified.bin neg_pt_bad_magic.bin neg_pt_overlap.csv; do
  expect_exit 1 "init rejects $neg" "$FWDEV" init "$T/n.$neg" --partitions "$PT/$neg"
  [ -e "$T/n.$neg/flash.bin" ] && fail "no device left for $neg" || ok "no device left for $neg"
done
expect_exit 2 "missing --partitions" "$FWDEV" init "$T/u1"
expect_exit 2 "missing DIR" "$FWDEV" init --partitions "$PT/partitions_two_ota.csv"
expect_exit 2 "unknown option" "$FWDEV" init "$T/u2" --partitions "$PT/partitions_two_ota.csv" --frobnicate
expect_exit 2 "bad FE mode" "$FWDEV" init "$T/u3" --partitions "$PT/partitions_two_ota.csv" --flash-encryption aes
expect_exit 2 "FE without key" "$FWDEV" init "$T/u4" --partitions "$PT/partitions_two_ota.csv" --flash-encryption xts-128
head -c 24 /dev/urandom >"$T/k24"
expect_exit 1 "24-byte FE key refused" "$FWDEV" init "$T/u6" --partitions "$PT/partitions_two_ota.csv" --flash-encryption xts-128 --flash-key "$T/k24"
expect_exit 2 "bad digest hex" "$FWDEV" init "$T/u7" --partitions "$PT/partitions_two_ota.csv" --secure-boot-digest abcd
expect_exit 1 "not a key" "$FWDEV" init "$T/u8" --partitions "$PT/partitions_two_ota.csv" --secure-boot-key "$APP"
expect_exit 2 "4 digests refused" "$FWDEV" init "$T/u9" --partitions "$PT/partitions_two_ota.csv" \
  --secure-boot-key "$SB/sb_rsa3072_key1_pub.pem" --secure-boot-key "$SB/sb_rsa3072_key2_pub.pem" \
  --secure-boot-key "$SB/sb_rsa3072_key3_pub.pem" --secure-boot-key "$SB/sb_ecdsa256_key_pub.pem"
expect_exit 2 "secure_version above 32" "$FWDEV" init "$T/u10" --partitions "$PT/partitions_two_ota.csv" --secure-version 33
expect_exit 1 "table larger than the flash" "$FWDEV" init "$T/u12" --partitions "$PT/partitions_two_ota.csv" --flash-size 2MB
expect_exit 2 "unknown chip" "$FWDEV" init "$T/u13" --partitions "$PT/partitions_two_ota.csv" --chip esp8266

# flash / read refusals.
expect_exit 2 "flash unknown partition" "$FWDEV" flash "$d" --partition nope "$APP"
expect_exit 1 "flash too large" "$FWDEV" flash "$d" --partition phy_init "$APP"
expect_exit 3 "flash missing file" "$FWDEV" flash "$d" --partition ota_0 "$T/missing.bin"
expect_exit 2 "read without -o" "$FWDEV" read "$d" --partition ota_0
expect_exit 2 "read past the end" "$FWDEV" read "$d" --partition phy_init --offset 4096 --length 1 -o "$T/x"
[ -e "$T/x" ] && fail "no output file on failure" || ok "no output file on failure"
expect_exit 3 "not a device directory" "$FWDEV" status "$T/other"
expect_exit 3 "no such directory" "$FWDEV" status "$T/nothing"
check "read --offset/--length" "$FWDEV" read "$d" --partition phy_init --offset 16 --length 32 -o "$T/x"
[ "$(stat -c %s "$T/x")" -eq 32 ] && ok "32 bytes read" || fail "read length"
check "read to stdout" "$FWDEV" read "$d" --partition phy_init --length 16 -o -

# A NVS partition stays plaintext under flash encryption (its own XTS layer).
e=$T/devfe
check "init FE" "$FWDEV" init "$e" --partitions "$PT/partitions_two_ota_encr_nvs.csv" --flash-encryption xts-128 --flash-key "$V/flash_encryption/fe_key_xts_256.bin"
check "flash nvs" "$FWDEV" flash "$e" --partition nvs "$V/nvs/nvs.bin"
check "read nvs raw" "$FWDEV" read "$e" --partition nvs --raw -o "$T/nvs.raw"
same_file "$T/nvs.raw" "$V/nvs/nvs.bin" "nvs written without flash encryption"
"$FWDEV" status "$e" --json >"$T/st.json"
python3 -c "import json,sys; p={x['label']:x['encrypted'] for x in json.load(open(sys.argv[1]))['partitions']}; assert p=={'nvs':False,'otadata':True,'phy_init':False,'ota_0':True,'ota_1':True,'nvs_key':True}, p" "$T/st.json" \
  && ok "encrypted partitions per FORMATS 4.1" || fail "encrypted partitions per FORMATS 4.1"

# The partition table on flash is checked on every open: a flipped byte is refused.
printf '\x00' | dd of="$e/flash.bin" bs=1 seek=$((0x8000 + 5)) conv=notrunc 2>/dev/null
expect_exit 1 "corrupted partition table refused" "$FWDEV" status "$e"
expect_stderr "partition table" "error names the partition table"

# flash.bin must match device.conf.
f=$T/devsz
check "init small" "$FWDEV" init "$f" --partitions "$PT/partitions_two_ota.csv"
truncate -s 2M "$f/flash.bin"
expect_exit 3 "flash.bin size mismatch refused" "$FWDEV" status "$f"
expect_stderr "flash.bin is 2097152 bytes" "mismatch explained"
head -c 100 "$f/efuse.bin" >"$T/ef" && cp "$T/ef" "$f/efuse.bin" && truncate -s 4M "$f/flash.bin"
expect_exit 1 "truncated efuse.bin refused" "$FWDEV" status "$f"
