#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 16, "Policy: k of n, and rotating keys": the key-rotation story of
# docs/guide.md section 6 as a test, plus the k-of-n policy end to end.
#   Devices trust keys A and B (two eFuse digest slots). Release N is signed
#   by A; the mistake (revoking A while the running image has no other
#   signature) is refused and burns nothing; a bridge release is signed by A
#   and B; once it is confirmed the device revokes A (fwseal-device revoke,
#   the eFuse KEY_REVOKE0 bit); from then on an image signed only by A is
#   refused at OTA and at boot (flashed directly, the bootloader skips it),
#   images signed by B boot.
#   Cut sweep over the revoke step: FWSEAL_SIM_CUT_AT at every operation of
#   `revoke`, clean and torn; then `boot` must run an allowed image (the
#   bridge) and the revoke is done or not done (the bit is 0 or 1), never a
#   state that bricks: a second `revoke` completes it.
#   k of n: --require-signatures 2 needs two DISTINCT trusted keys at boot and
#   OTA (two blocks by one key count once), and revoke refuses to go below it.
. "$(dirname "$0")/lib.sh"
S=$V/secure_boot_v2
A=$S/sb_rsa3072_key1.pem   B=$S/sb_rsa3072_key2.pem
APUB=$S/sb_rsa3072_key1_pub.pem   BPUB=$S/sb_rsa3072_key2_pub.pem
cat >"$T/p.csv" <<'CSV'
nvs,       data, nvs,      0x9000,   0x6000,
otadata,   data, ota,      0xf000,   0x2000,
ota_0,     app,  ota_0,    0x20000,  0x60000,
ota_1,     app,  ota_1,    0x80000,  0x60000,
CSV
# mk NAME VERSION KEY...: an app image signed by the given keys
mk() {
  local n=$1 v=$2 args=(); shift 2
  for k in "$@"; do args+=(--key "$k"); done
  "$FWSEAL" mkimage --chip esp32c3 --version "$v" --secure-version 1 --project rot --size 64K -o "$T/$n.u" >/dev/null &&
    "$FWSEAL" sign "${args[@]}" "$T/$n.u" -o "$T/$n.bin" >/dev/null || { fail "make $n"; exit 1; }
}
mk relN 1.0.0 "$A"
mk bridge 2.0.0 "$A" "$B"
mk aonly 3.0.0 "$A"
mk bonly 4.0.0 "$B"
mk aa 5.0.0 "$A" "$A"

# booted DIR: "LABEL VERSION" of a boot (exit code of boot in $?)
booted() {
  "$FWDEV" boot "$1" --json >"$T/boot.json" 2>"$T/boot.err" || return $?
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["booted"], d["version"])' "$T/boot.json"
}
# revoked DIR SLOT: prints 1 or 0 (the eFuse KEY_REVOKE bit as status reports it)
revoked() {
  "$FWDEV" status "$1" --json 2>/dev/null | python3 -c '
import json,sys
d=json.load(sys.stdin)
print(int(any(x["slot"]==int(sys.argv[1]) and x["revoked"] for x in d["efuse"]["digests"])))' "$2"
}

D=$T/dev
check "init: devices trust keys A and B" "$FWDEV" init "$D" --partitions "$T/p.csv" \
  --secure-boot-key "$APUB" --secure-boot-key "$BPUB"
check "release N (signed by A) flashed" "$FWDEV" flash "$D" --partition ota_0 "$T/relN.bin"
[ "$(booted "$D")" = "ota_0 1.0.0" ] && ok "release N boots" || fail "release N boots" "$(cat "$T/boot.err")"
check "release N confirmed" "$FWDEV" confirm "$D"

# The mistake: revoke A while the running image is signed by A only.
cp "$D/efuse.bin" "$T/efuse.before"
expect_exit 1 "revoking the key that signs the running image (no other signature) is refused" "$FWDEV" revoke "$D" --slot 0
expect_stderr "refusing to revoke key slot 0: the running app ota_0 would no longer boot" "the refusal says why"
same_file "$D/efuse.bin" "$T/efuse.before" "the refused revoke burned nothing"
[ "$(booted "$D")" = "ota_0 1.0.0" ] && ok "the device still boots release N" || fail "boot after refusal"

# Bridge release signed by A and B; revoking before confirming is refused too.
check "bridge release (A+B) installed by OTA" "$FWDEV" ota "$D" --file "$T/bridge.bin"
[ "$(booted "$D")" = "ota_1 2.0.0" ] && ok "bridge boots" || fail "bridge boots"
expect_exit 1 "revoke before the bridge is confirmed is refused" "$FWDEV" revoke "$D" --slot 0
expect_stderr "not confirmed" "the refusal says: confirm first"
check "bridge confirmed" "$FWDEV" confirm "$D"
cp -a "$D" "$T/base"

# Cut sweep over the revoke step: count its operations on a copy first.
cp -a "$D" "$T/traced"
FWSEAL_SIM_TRACE=$T/rev.trace "$FWDEV" revoke "$T/traced" --key "$APUB" >/dev/null 2>&1
ops=$(grep -c '#' "$T/rev.trace" 2>/dev/null)
grep -q '^efuse-burn 1 bits #' "$T/rev.trace" && ok "revoke is one eFuse burn of one bit ($ops operation(s))" ||
  fail "revoke trace" "$(cat "$T/rev.trace")"
bad=0 done_n=0 notdone_n=0 runs=0
for mode in clean torn; do
  for n in $(seq 1 "$ops"); do
    runs=$((runs + 1))
    C=$T/cut && rm -rf "$C" && cp -a "$T/base" "$C"
    FWSEAL_SIM_CUT_AT=$n FWSEAL_SIM_CUT_MODE=$mode "$FWDEV" revoke "$C" --key "$APUB" >/dev/null 2>"$T/cut.err"
    rc=$?
    [ "$rc" -eq 99 ] || { bad=1; fail "cut $mode at $n: exit 99" "exit $rc: $(cat "$T/cut.err")"; continue; }
    b=$(booted "$C") || { bad=1; fail "cut $mode at $n: boot" "$(cat "$T/boot.err")"; continue; }
    [ "$b" = "ota_1 2.0.0" ] || { bad=1; fail "cut $mode at $n: boots the bridge" "booted $b"; }
    r=$(revoked "$C" 0)
    case $r in 1) done_n=$((done_n + 1)) ;; 0) notdone_n=$((notdone_n + 1)) ;; *) bad=1; fail "cut $mode at $n: status" ;; esac
    "$FWDEV" revoke "$C" --key "$APUB" >/dev/null 2>"$T/cut.err" || { bad=1; fail "cut $mode at $n: revoke again" "$(cat "$T/cut.err")"; }
    [ "$(revoked "$C" 0)" = 1 ] && [ "$(booted "$C")" = "ota_1 2.0.0" ] || { bad=1; fail "cut $mode at $n: after the second revoke"; }
    "$FWDEV" ota "$C" --file "$T/aonly.bin" >/dev/null 2>&1
    rc=$?
    [ "$rc" -eq 1 ] || { bad=1; fail "cut $mode at $n: A-only refused after the revoke" "exit $rc"; }
  done
done
[ "$bad" -eq 0 ] && [ "$runs" -ge 2 ] && ok "cut sweep over revoke: $runs cuts (clean and torn), each boots the bridge; revoke done in $done_n, not done in $notdone_n, completed by a second revoke" ||
  fail "cut sweep over revoke" "runs $runs"

# Revoke A for real.
check "the confirmed bridge revokes key A" "$FWDEV" revoke "$D" --key "$APUB"
[ "$(revoked "$D" 0)$(revoked "$D" 1)" = 10 ] && ok "eFuse: slot 0 revoked, slot 1 trusted" || fail "revoke bits"
check "revoking again burns nothing and succeeds" "$FWDEV" revoke "$D" --slot 0
expect_stdout "already revoked" "the second revoke says so"
expect_exit 1 "OTA of an image signed only by A is refused" "$FWDEV" ota "$D" --file "$T/aonly.bin"
expect_stderr "signing key revoked" "the OTA refusal names the revoked key"
check "OTA of an image signed only by B" "$FWDEV" ota "$D" --file "$T/bonly.bin"
[ "$(booted "$D")" = "ota_0 4.0.0" ] && ok "the B-only image boots" || fail "B-only boots"
check "B-only image confirmed" "$FWDEV" confirm "$D"
expect_exit 1 "revoking B now (the only key left) is refused" "$FWDEV" revoke "$D" --key "$BPUB"
# The bootloader refuses A-only images too: flash one over the running slot.
check "flash an A-only image directly into ota_0" "$FWDEV" flash "$D" --partition ota_0 "$T/aonly.bin"
b=$(booted "$D")
att=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["attempts"][0]["partition"], d["attempts"][0]["result"])' "$T/boot.json" 2>/dev/null)
[ "$b" = "ota_1 2.0.0" ] && [ "$att" = "ota_0 signing key revoked" ] &&
  ok "the bootloader refuses the A-only image (signing key revoked) and boots the bridge (by B)" ||
  fail "bootloader refuses A-only" "booted '$b', first attempt '$att'"
expect_exit 0 "boot (text) with the A-only image in ota_0" "$FWDEV" boot "$D"
expect_stdout "^bootloader: skipped ota_0: signing key revoked" "boot says which image it skipped and why"

# k of n: --require-signatures 2.
K=$T/k2
expect_exit 2 "init --require-signatures 3 with two keys is a usage error" "$FWDEV" init "$K" --partitions "$T/p.csv" \
  --secure-boot-key "$APUB" --secure-boot-key "$BPUB" --require-signatures 3
expect_exit 2 "init --require-signatures 0 is a usage error" "$FWDEV" init "$K" --partitions "$T/p.csv" \
  --secure-boot-key "$APUB" --require-signatures 0
check "init with --require-signatures 2" "$FWDEV" init "$K" --partitions "$T/p.csv" \
  --secure-boot-key "$APUB" --secure-boot-key "$BPUB" --require-signatures 2
p=$("$FWDEV" status "$K" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["efuse"]["required_signatures"])')
[ "$p" = 2 ] && ok "status reports 2 required signatures" || fail "status policy" "$p"
check "flash an A-only image" "$FWDEV" flash "$K" --partition ota_0 "$T/relN.bin"
expect_exit 1 "K=2: the bootloader refuses an image with one signature" "$FWDEV" boot "$K"
expect_stderr "fewer signatures by distinct trusted keys than the device policy requires" "the boot refusal names the policy"
check "flash an image signed by A twice" "$FWDEV" flash "$K" --partition ota_0 "$T/aa.bin"
expect_exit 1 "K=2: two blocks by the same key count once (boot refused)" "$FWDEV" boot "$K"
check "flash the bridge (A+B)" "$FWDEV" flash "$K" --partition ota_0 "$T/bridge.bin"
[ "$(booted "$K")" = "ota_0 2.0.0" ] && ok "K=2: A+B boots" || fail "K=2 bridge boots" "$(cat "$T/boot.err")"
check "K=2: confirm" "$FWDEV" confirm "$K"
expect_exit 1 "K=2: OTA of an A-only image is refused" "$FWDEV" ota "$K" --file "$T/aonly.bin"
expect_stderr "device policy requires" "the OTA refusal names the policy"
expect_exit 1 "K=2: OTA of an image signed by A twice is refused" "$FWDEV" ota "$K" --file "$T/aa.bin"
expect_exit 1 "K=2: revoking A is refused (the running image would have 1 of 2)" "$FWDEV" revoke "$K" --slot 0
expect_stderr "1 of 2 required" "the refusal counts signatures"

# The same rule offline: fwseal verify --require-signatures K.
check "fwseal verify: A+B with K=2" "$FWSEAL" verify "$T/bridge.bin" --trust "$APUB" --trust "$BPUB" --require-signatures 2
expect_exit 1 "fwseal verify: A only with K=2 is refused" "$FWSEAL" verify "$T/relN.bin" --trust "$APUB" --trust "$BPUB" --require-signatures 2
expect_stderr "signature.policy" "fwseal verify names the failing policy check"
expect_exit 1 "fwseal verify: A twice with K=2 is refused (one key)" "$FWSEAL" verify "$T/aa.bin" --trust "$APUB" --trust "$BPUB" --require-signatures 2
expect_exit 1 "fwseal verify: A+B with A revoked and K=2 is refused" "$FWSEAL" verify "$T/bridge.bin" --trust "$APUB" --trust "$BPUB" \
  --revoked-digest "$("$FWSEAL" digest "$APUB" | tail -1)" --require-signatures 2
expect_exit 1 "fwseal verify: A+B with only A trusted and K=2 is refused" "$FWSEAL" verify "$T/bridge.bin" --trust "$APUB" --require-signatures 2
expect_exit 2 "fwseal verify --require-signatures 4 is a usage error" "$FWSEAL" verify "$T/bridge.bin" --trust "$APUB" --require-signatures 4
"$FWSEAL" verify "$T/bridge.bin" --trust "$APUB" --trust "$BPUB" --require-signatures 2 --json >"$T/v.json" 2>/dev/null
python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
c=[x for x in d["checks"] if x["name"]=="signature.policy"]
assert d["valid"] and c and c[0]["result"]=="pass" and c[0]["required"], d' "$T/v.json" 2>/dev/null &&
  ok "fwseal verify --json reports signature.policy as a required check" || fail "verify json signature.policy"
