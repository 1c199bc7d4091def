#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 18 through the CLI: staged updates of the bootloader, the partition
# table and a data partition (`fwseal-device ota --target`), each downloaded
# into the passive OTA slot, verified there and copied to its place under the
# copy journal; every refusal of the acceptance (wrong-chip, unsigned and
# untrusted bootloader; unsigned and untrusted data partition; a table that
# moves the running app, one that overlaps, a corrupted MD5) before the copy
# starts; the simulated ROM verifying the bootloader at every boot, falling
# back to a recovery bootloader when configured; a sample of power cuts in
# each copy (the full sweep is `make powercut`, scenarios stage-*); and the
# host side (`fwseal sign --data`, verify / info of bootloaders and signed data).
. "$(dirname "$0")/lib.sh"

S=$V/secure_boot_v2
K1=$S/sb_rsa3072_key1.pem K2=$S/sb_rsa3072_key2.pem
FEKEY=$V/flash_encryption/fe_key_xts_256.bin
W=$T/w
mkdir -p "$W"

# ---- images
mkbl() { # NAME VERSION [KEY|-] [CHIP] [SECURE_VERSION]
  "$FWSEAL" mkimage --bootloader --chip "${4:-esp32c3}" --version "$2" --secure-version "${5:-0}" --project bl --size 20K \
    -o "$W/$1.u" >/dev/null || exit 1
  if [ "${3:-$K1}" = - ]; then cp "$W/$1.u" "$W/$1.bin"; else "$FWSEAL" sign --key "${3:-$K1}" "$W/$1.u" -o "$W/$1.bin" >/dev/null || exit 1; fi
}
mkbl bl1 1
mkbl bl2 2
mkbl bls3 3 "$K1" esp32s3
mkbl blnosig 4 -
mkbl blk2 5 "$K2"
mkbl blsv1 6 "$K1" esp32c3 1
"$FWSEAL" mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project app --size 64K -o "$W/a1.u" >/dev/null &&
  "$FWSEAL" sign --key "$K1" "$W/a1.u" -o "$W/a1.bin" >/dev/null || exit 1

cat >"$W/p1.csv" <<'CSV'
nvs,      data, nvs,        0x9000,  0x4000,
otadata,  data, ota,        0xd000,  0x2000,
journal,  data, undefined,  0xf000,  0x1000,
ota_0,    app,  ota_0,      0x10000, 0x100000,
ota_1,    app,  ota_1,      0x110000,0x100000,
stage,    data, undefined,  0x2f0000,0x10000,
recovery, bootloader, recovery, 0x300000, 0x8000,
CSV
sed 's/^ota_1, .*/ota_1,    app,  ota_1,      0x110000,0x180000,/' "$W/p1.csv" >"$W/p2.csv"
sed 's/^ota_0, .*/ota_0,    app,  ota_0,      0x20000, 0xf0000,/' "$W/p2.csv" >"$W/p3.csv"
sed 's/^ota_1, .*/ota_1,    app,  ota_1,      0x110000,0x1c0000,/' "$W/p1.csv" >"$W/p4.csv"
"$FWSEAL" partition-table "$W/p1.csv" -o "$W/p1.bin" >/dev/null &&
  "$FWSEAL" partition-table "$W/p2.csv" -o "$W/p2.bin" >/dev/null &&
  "$FWSEAL" partition-table "$W/p3.csv" -o "$W/p3.bin" >/dev/null &&
  "$FWSEAL" partition-table "$W/p4.csv" -o "$W/p4.bin" >/dev/null || exit 1
python3 - "$W/p2.bin" "$W/p2_badmd5.bin" <<'PY' || exit 1
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = next(i for i in range(0, 0xC00, 32) if b[i:i+2] == b'\xeb\xeb')
b[i + 20] ^= 0x01                           # one bit of the MD5 digest
open(sys.argv[2], 'wb').write(b)
PY
# an overlapping table with a valid MD5 (fwseal partition-table refuses to write one)
python3 - "$W/p2.bin" "$W/p2_overlap.bin" <<'PY' || exit 1
import hashlib, struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
recs = [bytes(b[i:i+32]) for i in range(0, 0xC00, 32)]
ents = [r for r in recs if r[:2] == b'\xaa\x50']
r = bytearray(ents[-1]); r[4:8] = struct.pack('<I', 0x200000); r[12:28] = b'evil'.ljust(16, b'\0')
r[2] = 1; r[3] = 0x81
ents.append(bytes(r))                       # overlaps ota_1 (0x110000..0x290000)
out = b''.join(ents) + b'\xeb\xeb' + b'\xff' * 14 + hashlib.md5(b''.join(ents)).digest()
open(sys.argv[2], 'wb').write(out.ljust(0xC00, b'\xff'))
PY
printf 'key,type,encoding,value\nstg,namespace,,\ncolor,data,string,blue\nlevel,data,u32,7\n' >"$W/n.csv"
"$FWSEAL" nvs generate "$W/n.csv" 0x3000 -o "$W/n.bin" >/dev/null || exit 1

# ---- host: fwseal sign --data, verify / info
check "sign --data" "$FWSEAL" sign --data --key "$K1" "$W/n.bin" -o "$W/n.signed"
check "sign --data: no 'not an app image' warning" sh -c "! grep -q 'not an ESP app image' '$T/.err'"
[ "$(stat -c %s "$W/n.signed")" -eq $((0x3000 + 4096)) ] && cmp -s -n $((0x3000)) "$W/n.bin" "$W/n.signed" &&
  ok "signed data = the data (4 KiB multiple) + one 4 KiB signature sector" || fail "signed data layout"
head -c 5000 "$W/n.bin" >"$W/odd.bin"
"$FWSEAL" sign --data --key "$K1" "$W/odd.bin" -o "$W/odd.signed" >/dev/null 2>&1
[ "$(stat -c %s "$W/odd.signed")" -eq 12288 ] && [ "$(od -An -tx1 -j 5000 -N 4 "$W/odd.signed" | tr -d ' ')" = ffffffff ] &&
  ok "sign --data pads the data with 0xFF to 4 KiB" || fail "sign --data padding"
"$FWSEAL" sign --data --key "$K2" "$W/n.bin" -o "$W/n.k2" >/dev/null || exit 1
check "verify --data (trusted key)" "$FWSEAL" verify --data "$W/n.signed" --trust "$S/sb_rsa3072_key1_pub.pem"
expect_exit 1 "verify --data (other key) refused" "$FWSEAL" verify --data "$W/n.k2" --trust "$S/sb_rsa3072_key1_pub.pem"
check "verify bootloader image" "$FWSEAL" verify "$W/bl2.bin" --trust "$S/sb_rsa3072_key1_pub.pem" --chip esp32c3
expect_stdout 'image.boot_desc +bootloader version 2' "verify reports the bootloader descriptor"
expect_exit 1 "verify: an unsigned bootloader is refused" "$FWSEAL" verify "$W/blnosig.bin" --trust "$S/sb_rsa3072_key1_pub.pem"
check "info bootloader --json" "$FWSEAL" info "$W/bl2.bin" --json
expect_stdout '"format": "esp_bootloader_image"' "info: bootloader format"
grep -A3 '"bootloader_desc"' "$T/.out" | grep -q '"version": 2' && ok "info: bootloader descriptor version" || fail "info: bootloader descriptor" "$(cat "$T/.out")"
check "info signed data" "$FWSEAL" info "$W/n.signed"
expect_stdout 'data signed with Secure Boot V2' "info: a signed data partition"

# ---- devices
new_dev() { # DIR [extra init options]
  local d=$1; shift
  "$FWDEV" init "$d" --partitions "$W/p1.csv" --flash-encryption xts-128 --flash-key "$FEKEY" \
    --secure-boot-key "$S/sb_rsa3072_key1_pub.pem" --bootloader "$W/bl1.bin" --copy-journal journal \
    --decrypt-key "$V/pre_encrypted/rsa/rsa_priv_key.pem" "$@" >/dev/null || exit 1
  "$FWDEV" flash "$d" --partition ota_0 "$W/a1.bin" >/dev/null && "$FWDEV" boot "$d" >/dev/null &&
    "$FWDEV" confirm "$d" >/dev/null 2>&1
  "$FWDEV" status "$d" --json >/dev/null || exit 1
}
D=$T/dev
new_dev "$D"
jq_() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
"$FWDEV" status "$D" --json >"$T/st0.json"
check "boot: the ROM verifies the bootloader" "$FWDEV" boot "$D"
expect_stdout '^ROM: bootloader at 0x0 verified \(version 1' "ROM line names the bootloader version"
[ "$(jq_ "$T/st0.json" 'len(d["partitions"])')" = 7 ] &&
  [ "$(jq_ "$T/st0.json" '[(p["label"],p["offset"],p["size"]) for p in d["partitions"] if p["label"]=="ota_1"][0]')" = "('ota_1', 1114112, 1048576)" ] &&
  ok "status --json lists every partition with label, offset, size" || fail "status partitions" "$(cat "$T/st0.json")"

bl_digest() { "$FWDEV" status "$D" --json >"$T/s.json" && jq_ "$T/s.json" 'd["bootloader"]["digest"]+" "+str(d["bootloader"]["version"])+" "+str(d["copy_journal"]["pending"])'; }
before=$(bl_digest)
# refusals before the copy: the bootloader region and the journal untouched
for c in "bls3:wrong chip id" "blnosig:no Secure Boot V2 signature|does not fit" "blk2:not signed by a trusted key"; do
  f=${c%%:*} why=${c#*:}
  expect_exit 1 "bootloader $f refused" "$FWDEV" ota "$D" --target bootloader --file "$W/$f.bin"
  expect_stderr "$why" "bootloader $f: says why ($why)"
  [ "$(bl_digest)" = "$before" ] && ok "bootloader $f: bootloader and journal untouched" || fail "bootloader $f: changed"
done

# the bootloader update
check "ota --target bootloader" "$FWDEV" ota "$D" --target bootloader --file "$W/bl2.bin"
expect_stdout 'copied to 0x0 through flash encryption' "bootloader copied through flash encryption"
expect_stdout '^new bootloader: version 2, secure_version 0' "the new bootloader's descriptor is reported"
check "next boot" "$FWDEV" boot "$D"
expect_stdout '^ROM: bootloader at 0x0 verified \(version 2' "the next boot's ROM runs bootloader 2"
expect_stdout '^booted ota_0' "and boots the app"
"$FWDEV" status "$D" --json >"$T/s.json"
[ "$(jq_ "$T/s.json" 'd["bootloader"]["version"], d["bootloader"]["verified"], d["copy_journal"]["pending"]')" = "(2, True, False)" ] &&
  ok "status: bootloader 2 verified, no copy pending" || fail "status after the bootloader update" "$(cat "$T/s.json")"

# no bootloader downgrade: the installed bootloader's secure_version is the floor
new_dev "$T/dg"
check "bootloader with secure_version 1" "$FWDEV" ota "$T/dg" --target bootloader --file "$W/blsv1.bin"
expect_exit 1 "then one with secure_version 0 is refused" "$FWDEV" ota "$T/dg" --target bootloader --file "$W/bl2.bin"
expect_stderr 'secure_version 0 below the installed bootloader.s 1 \(downgrade\)' "the downgrade refusal says why"

# partition table: refusals, then the update that grows ota_1
pt_of() { "$FWDEV" status "$D" --json >"$T/s.json" && jq_ "$T/s.json" '[(p["label"],p["offset"],p["size"]) for p in d["partitions"]]'; }
pt0=$(pt_of)
for c in "p3:moves the running app" "p2_overlap:overlaps" "p2_badmd5:MD5 mismatch"; do
  f=${c%%:*} why=${c#*:}
  expect_exit 1 "table $f refused" "$FWDEV" ota "$D" --target partition-table --file "$W/$f.bin"
  expect_stderr "$why" "table $f: says why ($why)"
  [ "$(pt_of)" = "$pt0" ] && ok "table $f: table untouched" || fail "table $f: table changed"
done
check "ota --target partition-table (ota_1 grows)" "$FWDEV" ota "$D" --target partition-table --file "$W/p2.bin"
check "boot with the new table" "$FWDEV" boot "$D"
expect_stdout '^booted ota_0' "the app still boots"
"$FWDEV" status "$D" --json >"$T/s.json"
[ "$(jq_ "$T/s.json" '[p["size"] for p in d["partitions"] if p["label"]=="ota_1"][0]')" = $((0x180000)) ] &&
  ok "status: ota_1 is 0x180000 now" || fail "ota_1 did not grow" "$(cat "$T/s.json")"
check "an app OTA into the grown ota_1" "$FWDEV" ota "$D" --file "$W/a1.bin" --allow-same-version
expect_exit 1 "a staged update never overwrites the app selected for the next boot" \
  "$FWDEV" ota "$D" --target nvs --file "$W/n.signed"
expect_stderr 'holds the app selected for the next boot' "says so"
check "boot ota_1" "$FWDEV" boot "$D"
expect_stdout '^booted ota_1' "the grown ota_1 boots"
check "confirm ota_1" "$FWDEV" confirm "$D"

# data partition: refusals, the NVS update, an encrypted one
expect_exit 1 "unsigned data image refused" "$FWDEV" ota "$D" --target nvs --file "$W/n.bin"
expect_stderr 'no valid signature block' "unsigned data: says why"
expect_exit 1 "untrusted-signed data image refused" "$FWDEV" ota "$D" --target nvs --file "$W/n.k2"
expect_stderr 'not signed by a trusted key' "untrusted data: says why"
"$FWDEV" status "$D" --json >"$T/s.json"
[ "$(jq_ "$T/s.json" 'd["signed_data"], d["copy_journal"]["pending"]')" = "([], False)" ] &&
  ok "refused data images: the NVS partition untouched, no copy started" || fail "after the data refusals" "$(cat "$T/s.json")"
check "ota --target nvs" "$FWDEV" ota "$D" --target nvs --file "$W/n.signed"
check "boot after the NVS update" "$FWDEV" boot "$D"
check "nvs get (new data)" "$FWDEV" nvs "$D" get stg color
expect_stdout '^blue$' "the NVS partition holds the new data"
"$FWDEV" status "$D" --json >"$T/s.json"
[ "$(jq_ "$T/s.json" '[(s["partition"],s["verified"]) for s in d["signed_data"]]')" = "[('nvs', True)]" ] &&
  ok "status: the NVS partition's signature verifies" || fail "status signed_data" "$(cat "$T/s.json")"
# --staging: another partition than the passive slot; never NVS, never the running app
expect_exit 2 "--staging nvs refused (a wrong argument: exit 2)" "$FWDEV" ota "$D" --target nvs --staging nvs --file "$W/n.signed"
expect_stderr 'cannot be a staging slot' "--staging nvs: says why"
expect_exit 2 "--staging recovery (the recovery bootloader) refused" "$FWDEV" ota "$D" --target nvs --staging recovery --file "$W/n.signed"
expect_stderr 'recovery cannot be a staging slot' "--staging recovery: says why"
expect_exit 1 "--staging on the running app refused" "$FWDEV" ota "$D" --target nvs --staging ota_1 --file "$W/n.signed"
expect_stderr 'is the running app' "--staging ota_1: says why"
check "ota --target nvs --staging stage" "$FWDEV" ota "$D" --target nvs --staging stage --file "$W/n.signed" --json
expect_stdout '"staging":"stage"' "staged in the named partition"
printf 'key,type,encoding,value\nstg,namespace,,\ncolor,data,string,green\n' >"$W/n2.csv"
"$FWSEAL" nvs generate "$W/n2.csv" 0x3000 -o "$W/n2.bin" >/dev/null &&
  "$FWSEAL" sign --data --key "$K1" "$W/n2.bin" -o "$W/n2.signed" >/dev/null &&
  "$FWSEAL" encrypt --pubkey "$V/pre_encrypted/rsa/rsa_pub_key.pem" "$W/n2.signed" -o "$W/n2.enc" >/dev/null || exit 1
check "ota --target nvs, encrypted container" "$FWDEV" ota "$D" --target nvs --file "$W/n2.enc" --json
expect_stdout '"event":"finished"' "json: finished"
"$FWDEV" nvs "$D" get stg color >"$T/c1" 2>&1
grep -qx green "$T/c1" && ok "encrypted data update landed" || fail "encrypted data update" "$(cat "$T/c1")"

# ---- power cuts (a sample; the full sweep is make powercut)
# ops of an update, from a trace on a copy of the device
trace_ops() { # DIR ARGS... -> the trace in $T/trace
  rm -rf "$T/tr" && cp -a "$1" "$T/tr" && shift
  rm -f "$T/trace"
  FWSEAL_SIM_TRACE=$T/trace "$FWDEV" ota "$T/tr" "$@" >/dev/null 2>&1
}
# op numbers of erases/writes at flash addresses [lo, hi)
ops_in() {
  local lo=$(($1)) hi=$(($2)) op addr rest
  while read -r op addr rest; do
    case $op in write | erase) ;; *) continue ;; esac
    [ $((addr)) -ge "$lo" ] && [ $((addr)) -lt "$hi" ] && echo "${rest##*#}"
  done <"$T/trace"
}

# bootloader copy, no recovery bootloader: a cut while its sector is erased
# is the unprotectable window (the ROM finds nothing to run)
trace_ops "$D" --target bootloader --file "$W/bl1.bin"
win=$(ops_in 0 0x8000 | head -1)
[ -n "$win" ] && ok "trace: the bootloader copy erases 0x0 (op $win)" || fail "no bootloader op in the trace"
win=$((win + 1))   # a clean cut at op N loses op N: cut at the program after the erase
rm -rf "$T/nr" && cp -a "$D" "$T/nr"
FWSEAL_SIM_CUT_AT=$win expect_exit 99 "cut at the bootloader erase" "$FWDEV" ota "$T/nr" --target bootloader --file "$W/bl1.bin"
expect_exit 1 "without a recovery bootloader the chip does not boot (unprotectable window)" "$FWDEV" boot "$T/nr"
expect_stderr 'does not verify .* no recovery bootloader: the chip does not boot' "the ROM says why"
# the same cut with a ROM that falls back to a recovery bootloader
R=$T/rec
new_dev "$R" --recovery-bootloader "$W/bl1.bin"
"$FWDEV" status "$R" --json >"$T/s.json"
[ "$(jq_ "$T/s.json" 'd["recovery_bootloader"]["verified"]')" = True ] && ok "recovery bootloader provisioned" || fail "recovery bootloader" "$(cat "$T/s.json")"
trace_ops "$R" --target bootloader --file "$W/bl2.bin"
n_ops=$(wc -l <"$T/trace")
survived=0 tried=0
for n in $(ops_in 0 0x8000) $(ops_in 0xf000 0x10000); do
  for mode in clean torn; do
    rm -rf "$T/c" && cp -a "$R" "$T/c"
    tried=$((tried + 1))
    FWSEAL_SIM_CUT_AT=$n FWSEAL_SIM_CUT_MODE=$mode "$FWDEV" ota "$T/c" --target bootloader --file "$W/bl2.bin" >/dev/null 2>&1
    [ $? -eq 99 ] || continue
    "$FWDEV" boot "$T/c" >"$T/b.out" 2>&1 || { echo "# cut $n/$mode: $(cat "$T/b.out")"; continue; }
    "$FWDEV" status "$T/c" --json >"$T/s.json" 2>/dev/null || continue
    v=$(jq_ "$T/s.json" 'str(d["bootloader"]["verified"])+str(d["bootloader"].get("version"))+str(d["copy_journal"]["pending"])')
    case $v in True1False | True2False) survived=$((survived + 1)) ;; *) echo "# cut $n/$mode: $v" ;; esac
  done
done
[ "$tried" -gt 4 ] && [ "$survived" -eq "$tried" ] &&
  ok "bootloader copy with a recovery bootloader: $survived/$tried cuts (of $n_ops ops) boot with bootloader 1 or 2" ||
  fail "bootloader copy cuts" "$survived/$tried"
rm -rf "$T/c" && cp -a "$R" "$T/c"
FWSEAL_SIM_CUT_AT=$win "$FWDEV" ota "$T/c" --target bootloader --file "$W/bl2.bin" >/dev/null 2>&1
check "boot after a cut in the bootloader erase (recovery ROM)" "$FWDEV" boot "$T/c"
expect_stdout 'running the recovery bootloader at 0x300000' "the ROM ran the recovery bootloader"
expect_stdout 'copy journal: finished the interrupted bootloader copy' "which finished the copy"
rm -rf "$T/c2" && cp -a "$R" "$T/c2"
FWSEAL_SIM_CUT_AT=$win "$FWDEV" ota "$T/c2" --target bootloader --file "$W/bl2.bin" >/dev/null 2>&1
"$FWDEV" boot "$T/c2" --json >"$T/bj.json" 2>"$T/.err"
[ "$(jq_ "$T/bj.json" 'd["rom"]["recovery_bootloader"], d["copy_finished"]["kind"], d["booted"]')" = "(True, 'bootloader', 'ota_0')" ] &&
  ok "boot --json: the recovery bootloader ran and finished the bootloader copy" || fail "boot --json after the cut" "$(cat "$T/bj.json")"
check "the boot after that" "$FWDEV" boot "$T/c"
expect_stdout '^ROM: bootloader at 0x0 verified \(version 2' "primary bootloader 2 verified again"

# table copy and data copy: every op of the copy, clean and torn
cut_sweep() { # NAME CHECK-EXPR ARGS...
  local name=$1 expr=$2; shift 2
  trace_ops "$D" "$@"
  local first=$(grep -n ' 0x0000f000 ' "$T/trace" | head -1 | cut -d: -f1) total=$(wc -l <"$T/trace")
  local s=0 t=0 n mode news=0
  for n in $(seq "${first:-1}" "$total"); do
    for mode in clean torn; do
      rm -rf "$T/c" && cp -a "$D" "$T/c"
      t=$((t + 1))
      FWSEAL_SIM_CUT_AT=$n FWSEAL_SIM_CUT_MODE=$mode "$FWDEV" ota "$T/c" "$@" >/dev/null 2>&1
      "$FWDEV" boot "$T/c" >"$T/b.out" 2>&1 || { echo "# $name cut $n/$mode: $(cat "$T/b.out")"; continue; }
      "$FWDEV" status "$T/c" --json >"$T/s.json" 2>/dev/null || continue
      local v=$(jq_ "$T/s.json" "$expr")
      case $v in old | new) s=$((s + 1)) ;; *) echo "# $name cut $n/$mode: $v" ;; esac
      [ "$v" = new ] && news=$((news + 1))
    done
  done
  [ "$t" -gt 4 ] && [ "$s" -eq "$t" ] && [ "$news" -gt 0 ] &&
    ok "$name: $s/$t cuts boot with the old or the new content ($news new)" || fail "$name cuts" "$s/$t, $news new"
}
# the next run of the device library finishes a pending copy too (here: no boot in
# between, the app record put back as if the application had kept running)
trace_ops "$D" --target nvs --file "$W/n.signed"
mid=$(ops_in 0x9000 0xd000 | sed -n 3p)
rm -rf "$T/lib" && cp -a "$D" "$T/lib"
FWSEAL_SIM_CUT_AT=$mid "$FWDEV" ota "$T/lib" --target nvs --file "$W/n.signed" >/dev/null 2>&1
cp "$D/running" "$T/lib/running"
"$FWDEV" status "$T/lib" --json >"$T/s.json"
[ "$(jq_ "$T/s.json" 'd["copy_journal"]["pending"]')" = True ] && ok "a cut in the NVS copy leaves the journal pending" || fail "journal after the cut" "$(cat "$T/s.json")"
check "the next staged update, without a boot in between" "$FWDEV" ota "$T/lib" --target nvs --file "$W/n2.signed"
expect_stdout '^copy journal: finished the interrupted data copy first' "finishes the pending copy first (fwd_stage_start)"

# the device has table p2 (ota_1 0x180000, running): p4 grows it to 0x1c0000
check "table p4 is accepted (a trial on a copy)" test "$(trace_ops "$D" --target partition-table --file "$W/p4.bin"; grep -c ' 0x00008000 ' "$T/trace")" -ge 2
cut_sweep "table copy" '({0x180000: "old", 0x1c0000: "new"}.get([p["size"] for p in d["partitions"] if p["label"]=="ota_1"][0], "?")) if not d["copy_journal"]["pending"] else "pending"' \
  --target partition-table --file "$W/p4.bin"
# the NVS holds n2 (green): back to n (blue); old / new by the verified data's SHA-256
h_old=$(sha256_of "$W/n2.bin") h_new=$(sha256_of "$W/n.bin")
cut_sweep "nvs copy" '"?" if d["copy_journal"]["pending"] else {"'"$h_old"'": "old", "'"$h_new"'": "new"}.get(([s["data_sha256"] for s in d["signed_data"] if s["partition"]=="nvs" and s["verified"]] or ["?"])[0], "?")' \
  --target nvs --file "$W/n.signed"
