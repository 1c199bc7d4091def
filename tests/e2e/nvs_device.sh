#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal-device nvs / factory-reset / init --nvs-keys on a flash-encrypted
# simulated device: encrypted NVS round trips, what the device writes
# `fwseal nvs dump` reads and the other way round, bad keys partitions,
# errors that lose nothing, and power cuts (FWSEAL_SIM_CUT_AT, both modes).
. "$(dirname "$0")/lib.sh"
N=$V/nvs

cat > "$T/parts.csv" <<'CSV'
# Name,   Type, SubType, Offset,   Size, Flags
nvs,      data, nvs,     0x9000,  0x6000,
otadata,  data, ota,     0xf000,  0x2000,
fctry,    data, nvs,     0x11000, 0x4000,
nvs_keys, data, nvs_keys,0x15000, 0x1000, encrypted
CSV
head -c 32 /dev/urandom > "$T/fek.bin"
D=$T/dev
check "init with --nvs-keys" "$FWDEV" init "$D" --partitions "$T/parts.csv" --flash-size 128K --flash-encryption xts-128 \
  --flash-key "$T/fek.bin" --nvs-keys "$N/nvs_keys.bin"
check "nvs_keys stored flash-encrypted" bash -c "'$FWDEV' read '$D' --partition nvs_keys --raw -o '$T/kraw.bin' && ! cmp -s <(head -c 64 '$T/kraw.bin') <(head -c 64 '$N/nvs_keys.bin')"
check "nvs_keys reads back through decryption" bash -c "'$FWDEV' read '$D' --partition nvs_keys -o '$T/kdec.bin' && cmp <(head -c 68 '$T/kdec.bin') <(head -c 68 '$N/nvs_keys.bin')"

check "set string" "$FWDEV" nvs "$D" set wifi ssid string "my network"
check "set u8" "$FWDEV" nvs "$D" set wifi chan u8 11
check "set i64" "$FWDEV" nvs "$D" set cfg neg i64 -9223372036854775808
check "set blob from file (two pages)" "$FWDEV" nvs "$D" set wifi cert blob @"$N/nvs_file_big.bin"
check "set blob hex" "$FWDEV" nvs "$D" set cfg mac blob a0b1c2d3e4f5
expect_exit 0 "get string" "$FWDEV" nvs "$D" get wifi ssid
expect_stdout '^my network$' "string value"
expect_exit 0 "get i64" "$FWDEV" nvs "$D" get cfg neg
expect_stdout '^-9223372036854775808$' "i64 value"
check "no plaintext in flash" bash -c "! grep -q 'my network' '$D/flash.bin'"

# device writes -> fwseal nvs dump reads (raw partition + the same keys)
expect_exit 0 "device list --json" "$FWDEV" nvs "$D" list --json
cp "$T/.out" "$T/dev.json"
check "read nvs raw" "$FWDEV" read "$D" --partition nvs --raw -o "$T/nvs_raw.bin"
expect_exit 0 "fwseal nvs dump of the device's partition" "$FWSEAL" nvs dump "$T/nvs_raw.bin" --keys "$N/nvs_keys.bin" --json
cp "$T/.out" "$T/host.json"
check "host and device list the same items" python3 -c "
import json,sys; a=json.load(open('$T/dev.json')); b=json.load(open('$T/host.json'))
assert a==b and len(a)==5, (len(a), len(b))
c=[r for r in a if r['key']=='cert'][0]; assert c['chunks']==2, c"
expect_exit 1 "host dump with wrong keys" "$FWSEAL" nvs dump "$T/nvs_raw.bin" --keys "$N/neg_nvs_wrong_keys.bin"

# fwseal nvs generate (encrypted) -> flashed to fctry -> device reads exactly the expected items
check "generate encrypted factory image" "$FWSEAL" nvs generate "$N/nvs.csv" 0x4000 -o "$T/fct.bin" --keys "$N/nvs_keys.bin"
check "flash it to fctry" "$FWDEV" flash "$D" --partition fctry "$T/fct.bin"
expect_exit 0 "device lists fctry" "$FWDEV" nvs "$D" --partition fctry list --json
cp "$T/.out" "$T/fct.json"
check "fctry items equal nvs.expected_kv.json" python3 -c "
import json; a=json.load(open('$T/fct.json')); b=json.load(open('$N/nvs.expected_kv.json'))
k=lambda l: sorted(json.dumps(r,sort_keys=True) for r in l); assert k(a)==k(b)"

# errors: clear message, nothing lost
expect_exit 1 "key longer than 15 characters" "$FWDEV" nvs "$D" set wifi abcdefghijklmnop u8 1
expect_stderr "key longer than 15" "key length reported"
head -c 20001 /dev/urandom > "$T/big.bin"
expect_exit 1 "blob above the maximum (5 pages x 4000)" "$FWDEV" nvs "$D" set wifi cert blob @"$T/big.bin"
expect_stderr "blob larger than the maximum" "blob size reported"
expect_exit 2 "bad integer" "$FWDEV" nvs "$D" set wifi chan u8 300
expect_exit 1 "get missing key" "$FWDEV" nvs "$D" get wifi nope
expect_stderr "not found" "missing key reported"
head -c 3900 /dev/urandom > "$T/b3900.bin"
rc=0; i=0
while [ $rc -eq 0 ] && [ $i -lt 20 ]; do
  "$FWDEV" nvs "$D" set fill "b$i" blob @"$T/b3900.bin" >"$T/.out" 2>"$T/.err"; rc=$?; i=$((i + 1))
done
[ $rc -eq 1 ] && ok "partition full is an error (after $((i - 1)) blobs)" || fail "partition full" "exit $rc"
expect_stderr "partition full" "full partition reported"
expect_exit 0 "list after full" "$FWDEV" nvs "$D" list --json
cp "$T/.out" "$T/full.json"
check "nothing lost when full" python3 -c "
import json; a={(r['namespace'],r['key']):r for r in json.load(open('$T/full.json'))}; b=json.load(open('$T/dev.json'))
assert all(a[(r['namespace'],r['key'])]==r for r in b)"
check "erase a namespace" "$FWDEV" nvs "$D" erase fill
check "erase a key" "$FWDEV" nvs "$D" erase cfg mac
expect_exit 1 "erased key is gone" "$FWDEV" nvs "$D" get cfg mac
check "store writable again" "$FWDEV" nvs "$D" set wifi chan u8 6

# bad nvs_keys partitions (written through flash encryption)
for c in "neg_nvs_keys_bad_crc.bin:corrupt" "neg_nvs_keys_erased.bin:not initialised" "neg_nvs_wrong_keys.bin:wrong key"; do
  f=${c%%:*} why=${c#*:}
  rm -rf "$T/bad"; cp -r "$D" "$T/bad"
  check "flash $f into nvs_keys" "$FWDEV" flash "$T/bad" --partition nvs_keys "$N/$f"
  cp "$T/bad/flash.bin" "$T/before.bin"
  expect_exit 1 "$f: nvs refused" "$FWDEV" nvs "$T/bad" set wifi chan u8 1
  expect_stderr "$why" "$f: reported as $why"
  same_file "$T/bad/flash.bin" "$T/before.bin" "$f: nothing written"
done

# factory reset: user NVS erased, factory data kept
check "factory-reset" "$FWDEV" factory-reset "$D"
expect_exit 0 "user nvs empty" "$FWDEV" nvs "$D" list
[ -s "$T/.out" ] && fail "user nvs empty after reset" || ok "no items after reset"
expect_exit 0 "factory data kept" "$FWDEV" nvs "$D" --partition fctry get limits u64_max
expect_stdout '^18446744073709551615$' "factory value intact"
check "nvs usable after reset" "$FWDEV" nvs "$D" set wifi ssid string again

# power cut at every flash operation of a blob update, both modes
check "setup for cuts" "$FWDEV" nvs "$D" set wifi cert blob @"$N/nvs_file_big.bin"
cp -r "$D" "$T/tmpl"
"$FWDEV" nvs "$T/tmpl" list --json > "$T/old.json"
head -c 3000 /dev/urandom > "$T/new.bin"
cuts=0 bad=0
SEED=${FWSEAL_SIM_CUT_SEED:-1}   # torn cuts: the NOR fault model, bits from this seed
mkdir -p "$T/lists"
for mode in clean torn; do
  n=1
  while [ $n -lt 200 ]; do
    rm -rf "$T/c"; cp -r "$T/tmpl" "$T/c"
    FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$n FWSEAL_SIM_CUT_MODE=$mode "$FWDEV" nvs "$T/c" set wifi cert blob @"$T/new.bin" >/dev/null 2>&1
    rc=$?
    [ $rc -eq 0 ] && break
    replay="replay: FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$n FWSEAL_SIM_CUT_MODE=$mode fwseal-device nvs DEV set wifi cert blob @NEW"
    [ $rc -ne 99 ] && { bad=$((bad + 1)); echo "cut $n $mode: exit $rc; $replay"; }
    "$FWDEV" nvs "$T/c" list --json > "$T/lists/$mode-$n.json" 2>/dev/null || { bad=$((bad + 1)); echo "cut $n $mode: list failed; $replay"; }
    if [ $((n % 8)) -eq 1 ]; then
      "$FWDEV" nvs "$T/c" set wifi chan u8 7 >/dev/null 2>&1 || { bad=$((bad + 1)); echo "cut $n $mode: not writable; $replay"; }
    fi
    cuts=$((cuts + 1)); n=$((n + 1))
  done
done
python3 - "$T/old.json" "$T/new.bin" "$T"/lists/*.json <<'PY' || bad=$((bad + 1))
import base64, json, sys
old = {(r["namespace"], r["key"]): r for r in json.load(open(sys.argv[1]))}
newval = base64.b64encode(open(sys.argv[2], "rb").read()).decode()
for f in sys.argv[3:]:
    new = {(r["namespace"], r["key"]): r for r in json.load(open(f))}
    assert set(old) == set(new), f
    for k, r in old.items():
        if k == ("wifi", "cert"):
            assert new[k]["value"] in (r["value"], newval), f
        else:
            assert new[k] == r, (f, k)
PY
[ $cuts -ge 20 ] && [ $bad -eq 0 ] && ok "power cuts: $cuts cut points survived (old or new value, others intact)" || fail "power cuts" "$bad failures in $cuts"
