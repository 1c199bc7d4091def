#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Resume across reboots and power cuts (issue 15): an HTTPS OTA from nginx is
# cut (FWSEAL_SIM_CUT_AT), the next `ota` of the same URL continues from the
# last checkpoint of the progress record (NVS) -- encrypted (RSA, ECIES) and
# plaintext images --, fetching only what was not yet on flash (nginx access
# log); a slot tampered during the outage is refused and erased; servers that
# change the file, ignore Range, answer 416 or hand back another body make the
# device start over cleanly or refuse, never mix; --restart; status shows the
# interrupted OTA; a lost link keeps the slot for the next run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_nginx_lib.sh"
PE=$V/pre_encrypted/rsa
EC=$V/pre_encrypted/ecc
KIB=16
cd "$T" || exit 3

$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null || { fail "keygen"; exit 1; }
$FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null
for v in 1.0.0 2.0.0; do
  $FWSEAL mkimage --chip esp32c3 --version $v --secure-version 1 --project resume --size 160K -o "v$v.bin" >/dev/null &&
    $FWSEAL sign --key sb.pem "v$v.bin" -o "v$v.s.bin" >/dev/null 2>&1 || { fail "image $v"; exit 1; }
done
mkdir -p www alt flags
$FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" v2.0.0.s.bin -o www/img.enc >/dev/null &&
  $FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" v2.0.0.s.bin -o alt/img.enc >/dev/null &&
  $FWSEAL encrypt --pubkey "$EC/device_pub_key.pem" v2.0.0.s.bin -o www/ecc.enc >/dev/null &&
  cp v2.0.0.s.bin www/plain.bin && cp www/img.enc www/copy.enc || { fail "encrypt"; exit 1; }
touch -r www/img.enc alt/img.enc   # same size, same mtime: the same ETag, another body
CT=$(stat -c %s www/img.enc)

ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost,IP:127.0.0.1"
LOC="location = /img.enc { if (-f $T/flags/416) { return 416; } if (-f $T/flags/norange) { rewrite ^ /nr/img.enc last; }
  if (-f $T/flags/other) { rewrite ^ /alt/img.enc last; } }
  location /nr/ { internal; max_ranges 0; alias $T/www/; }
  location /alt/ { internal; alias $T/alt/; }"
ng_start main "$T/www" "$T/srv.crt" "$T/srv.key" "$LOC" || { fail "nginx"; exit 1; }
U=https://localhost:$NG_PORT
LOG=$T/nginx-main/logs/access.log

newdev() { # DIR [rsa|ecies]
  local tpl=$T/tpl.${2:-rsa} key
  if [ ! -d "$tpl" ]; then
    if [ "${2:-rsa}" = rsa ]; then key=(--decrypt-key "$PE/rsa_priv_key.pem"); else key=(--decrypt-hmac-key "$EC/device_hmac_key.bin"); fi
    $FWDEV init "$tpl" --partitions "$V/partition_table/partitions_two_ota.csv" --flash-encryption xts-128 \
      --flash-key fe.bin --secure-boot-key sb_pub.pem "${key[@]}" >/dev/null &&
      $FWDEV flash "$tpl" --partition ota_0 v1.0.0.s.bin >/dev/null && $FWDEV boot "$tpl" >/dev/null || return 1
  fi
  rm -rf "$1" && cp -a "$tpl" "$1"
}
booted() { $FWDEV boot "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])'; }
ota() { $FWDEV ota "$@" --ca ca.crt --checkpoint-kib $KIB; }
log_mark() { wc -l <"$LOG"; }
served_since() { tail -n +$(($1 + 1)) "$LOG" | awk '{s += $10} END {print s + 0}'; }
# interrupted_ota of status --json: "SLOT DONE TOTAL URL" or "none"
progress() {
  $FWDEV status "$1" --json | python3 -c '
import json, sys
p = json.load(sys.stdin)["interrupted_ota"]
print("none" if p is None else "%s %d %d %s" % (p["slot"], p["done"], p["total"], p["url"]))'
}
# the slot-relative end of the last write that completed in a cut run's trace
frontier() { # TRACE SLOT_OFFSET SLOT_SIZE
  python3 - "$@" <<'PY'
import sys
lo, hi, m = int(sys.argv[2]), int(sys.argv[2]) + int(sys.argv[3]), 0
for l in open(sys.argv[1]):
    f = l.split()
    if f and f[0] == "write" and "cut=" not in l and lo <= int(f[1], 16) < hi:
        m = max(m, int(f[1], 16) + int(f[2]) - lo)
print(m)
PY
}
# the number of the first write at or above slot + half the image in TRACE
mid_op() { # TRACE
  python3 - "$1" $((SLOT + CT / 2)) <<'PY'
import sys
for l in open(sys.argv[1]):
    f = l.split()
    if f and f[0] == "write" and int(f[1], 16) >= int(sys.argv[2]):
        print(f[3].lstrip("#")); break
PY
}
SLOT=$((0x1a0000)) SLOTSZ=$((1600 * 1024))
slot_erased() { # DIR: raw flash of ota_1 (the part an image of this size uses) all 0xFF
  cmp -s <(dd if="$1/flash.bin" bs=4096 skip=$((SLOT / 4096)) count=48 2>/dev/null) <(head -c $((48 * 4096)) /dev/zero | tr '\0' '\377')
}
# cut DIR URL: an OTA cut at the flash operation that writes about the middle
# of the slot (from an uncut trace of the same URL); the cut run's trace in cut.tr
MID=
cut() {
  rm -f cut.tr
  FWSEAL_SIM_TRACE=cut.tr FWSEAL_SIM_CUT_AT=${3:-$MID} ota "$1" "$2" >/dev/null 2>&1
}

# ---- the uncut run: checkpoints, and nothing left behind ---------------------------
newdev d || { fail "device"; exit 1; }
FWSEAL_SIM_TRACE=full.tr expect_exit 0 "uncut HTTPS OTA with checkpoints every $KIB KiB" ota d "$U/img.enc"
NV=$(grep -c '^write 0x0000[9abcd]' full.tr)
check "checkpoints wrote the NVS progress record ($NV NVS writes)" test "$NV" -gt 0
check "after success no interrupted OTA is left" test "$(progress d)" = none
MID=$(mid_op full.tr)
check "a mid-download cut point exists (#$MID)" test -n "$MID"

# ---- cut, status, resume: only what was missing is fetched ---------------------------
newdev d
expect_exit 99 "power cut in the middle of the download" cut d "$U/img.enc"
read -r pslot pdone ptotal purl <<<"$(progress d)"
W=$(frontier cut.tr $SLOT $SLOTSZ)
check "status --json: interrupted OTA into ota_1 of $U/img.enc" test "$pslot $purl" = "ota_1 $U/img.enc"
check "checkpoint $pdone/$ptotal: a multiple of $KIB KiB, at most $KIB KiB behind the $W bytes on flash" \
  test "$pdone" -gt 0 -a $((pdone % (KIB * 1024))) -eq 0 -a "$pdone" -le "$W" -a $((W - pdone)) -le $((KIB * 1024)) -a "$ptotal" -eq $((CT - 512))
$FWDEV status d >st.txt
check "status (text) shows it" grep -q "interrupted OTA into ota_1: $pdone/$ptotal bytes" st.txt
m=$(log_mark)
expect_exit 0 "the next ota of the same URL resumes and completes" ota d "$U/img.enc" --json
expect_stdout '"event":"resumed","slot":"ota_1","resumed":true,"resume_at":'$((512 + pdone)) "resumed at the checkpoint (state rebuilt from flash)"
S=$(served_since "$m")
check "nginx served the header + the missing part only ($S = $CT - $pdone bytes)" test "$S" -eq $((CT - pdone))
check "re-downloaded at most one checkpoint interval ($((W - pdone)) <= $((KIB * 1024)) bytes)" test $((W - pdone)) -le $((KIB * 1024))
check "the resumed image verified, selected and boots" test "$(booted d)" = 2.0.0
check "the record is gone after success" test "$(progress d)" = none

# ---- --restart, another URL ------------------------------------------------------------------
newdev d && cut d "$U/img.enc"
m=$(log_mark)
expect_exit 0 "--restart ignores the record" ota d "$U/img.enc" --restart
check "--restart fetched everything again" test "$(served_since "$m")" -eq "$CT"
check "--restart: no resume message" bash -c "! grep -q resuming '$T/.out'"
newdev d && cut d "$U/img.enc"
expect_exit 0 "another URL starts afresh" ota d "$U/copy.enc"
check "another URL: no resume" bash -c "! grep -q resuming '$T/.out'"
check "another URL: image boots" test "$(booted d)" = 2.0.0

# ---- the slot tampered during the outage -----------------------------------------------------
newdev d && cut d "$U/img.enc"
flip_byte d/flash.bin $((SLOT + 8192 + 7))
expect_exit 1 "encrypted: a slot byte changed during the outage: resumed OTA refused" ota d "$U/img.enc"
expect_stderr "GCM tag" "refused by the GCM tag over the rebuilt state"
check "tampered: slot erased" slot_erased d
check "tampered: record dropped" test "$(progress d)" = none
check "tampered: the old image still boots" test "$(booted d)" = 1.0.0

# ---- the server changed between the sessions ---------------------------------------------------
newdev d && cut d "$U/img.enc"
touch flags/norange
m=$(log_mark)
expect_exit 0 "server ignores Range (200 for bytes=0-511): start over cleanly" ota d "$U/img.enc"
expect_stdout "cannot resume .*Range.*starting over" "200 instead of 206 reported, download started over"
check "200: the whole image fetched again from byte 0" test "$(served_since "$m")" -ge "$CT"
check "200: new image boots" test "$(booted d)" = 2.0.0
rm -f flags/norange

newdev d && cut d "$U/img.enc"
touch flags/416
expect_exit 1 "server answers 416: start over, which is refused too" ota d "$U/img.enc"
expect_stdout "cannot resume .*416.*starting over" "416 reported"
check "416: the abandoned download's slot is erased" slot_erased d
check "416: no record left" test "$(progress d)" = none
check "416: old image boots" test "$(booted d)" = 1.0.0
rm -f flags/416

newdev d && cut d "$U/img.enc"
touch flags/other
expect_exit 0 "another body with the same ETag and size: header differs, start over" ota d "$U/img.enc"
expect_stdout "cannot resume .*first 512 bytes.*starting over" "different body reported"
check "other body: the new download boots" test "$(booted d)" = 2.0.0
rm -f flags/other

newdev d && cut d "$U/img.enc"
cp alt/img.enc www/img.enc.new && mv www/img.enc.new www/img.enc && touch -d '+1 min' www/img.enc
expect_exit 0 "file replaced (ETag changed): start over" ota d "$U/img.enc"
expect_stdout "cannot resume .*changed.*ETag.*starting over" "validator change reported"
check "replaced file: boots" test "$(booted d)" = 2.0.0

# ---- plaintext images, ECIES devices ------------------------------------------------------------
for kind in plain ecies; do
  if [ $kind = plain ]; then url=$U/plain.bin dk=rsa; else url=$U/ecc.enc dk=ecies; fi
  newdev d $dk
  rm -f k.tr
  FWSEAL_SIM_TRACE=k.tr ota d "$url" >/dev/null 2>&1
  MIDK=$(mid_op k.tr)
  newdev d $dk
  expect_exit 99 "$kind: cut in the middle" cut d "$url" "$MIDK"
  read -r pslot pdone ptotal purl <<<"$(progress d)"
  check "$kind: checkpoint recorded ($pdone/$ptotal)" test "$pdone" -gt 0
  expect_exit 0 "$kind: resumed and completed" ota d "$url"
  expect_stdout "resuming the interrupted download: $pdone bytes" "$kind: resumed from the checkpoint"
  check "$kind: boots the new image" test "$(booted d)" = 2.0.0
  newdev d $dk && cut d "$url" "$MIDK"
  flip_byte d/flash.bin $((SLOT + 8192 + 7))
  expect_exit 1 "$kind: tampered slot: resumed OTA refused" ota d "$url"
  check "$kind: tampered slot erased" slot_erased d
  check "$kind: old image boots" test "$(booted d)" = 1.0.0
done

# ---- a lost link keeps the slot for the next run -------------------------------------------------
ng_bg "$(ng_tool tcp_proxy)" "$T/pcut" "$NG_PORT" cut 100000
PC=$(ng_wait_portfile "$T/pcut")
newdev d
expect_exit 1 "link lost, no retries left: the OTA stops" ota d "https://localhost:$PC/img.enc" --retries 0
expect_stdout "kept: run the same command again to resume" "slot kept for a resume"
read -r pslot pdone ptotal purl <<<"$(progress d)"
check "lost link: progress recorded ($pdone bytes)" test "$pdone" -gt 0
expect_exit 0 "the next run resumes through the same URL" ota d "https://localhost:$PC/img.enc"
expect_stdout "resuming the interrupted download: $pdone bytes" "lost link: resumed"
check "lost link: boots" test "$(booted d)" = 2.0.0

# ---- a file is a resumable source too (staged downloads, UART/BLE transfers) --------------------
cp www/copy.enc staged.enc
fota() { $FWDEV ota d --file staged.enc --checkpoint-kib $KIB "$@"; }
newdev d
FWSEAL_SIM_TRACE=f.tr fota >/dev/null 2>&1
MIDF=$(mid_op f.tr)
newdev d
FWSEAL_SIM_CUT_AT=$MIDF fota >/dev/null 2>&1
check "file: cut in the middle (exit 99)" test $? -eq 99
read -r pslot pdone ptotal purl <<<"$(progress d)"
check "file: status names the file and the checkpoint ($pdone)" test "$purl" = "file:$T/staged.enc" -a "$pdone" -gt 0
expect_exit 0 "file: the same ota resumes" fota
expect_stdout "resuming the interrupted download: $pdone bytes" "file: resumed from the checkpoint"
check "file: boots" test "$(booted d)" = 2.0.0
newdev d
FWSEAL_SIM_CUT_AT=$MIDF fota >/dev/null 2>&1
touch -d '+2 min' staged.enc
expect_exit 0 "file: modified since: start over" fota
expect_stdout "cannot resume .*changed.*starting over" "file: change reported"
newdev d
FWSEAL_SIM_CUT_AT=$MIDF fota >/dev/null 2>&1
expect_exit 0 "file: --no-resume starts over and keeps no record" fota --no-resume
check "file: --no-resume: no resume message" bash -c "! grep -q resuming '$T/.out'"
check "file: --no-resume dropped the older record" test "$(progress d)" = none

# ---- cut after the last byte was written and checkpointed, before the boot switch ----------------
# (a signed image is a multiple of 4 KiB: with 4 KiB checkpoints the last one is the whole image)
for kind in plain enc; do
  if [ $kind = plain ]; then url=$U/plain.bin; else url=$U/img.enc; fi
  newdev d
  rm -f e.tr
  FWSEAL_SIM_TRACE=e.tr $FWDEV ota d "$url" --ca ca.crt --checkpoint-kib 4 >/dev/null 2>&1
  KE=$(grep -nE '^erase 0x0000d000|^erase 0x0000e000' e.tr | head -1 | sed 's/.*#\([0-9]*\).*/\1/')
  newdev d
  FWSEAL_SIM_CUT_AT=$KE $FWDEV ota d "$url" --ca ca.crt --checkpoint-kib 4 >/dev/null 2>&1
  check "$kind: cut at the otadata write (#$KE), after the whole image" test $? -eq 99
  read -r pslot pdone ptotal purl <<<"$(progress d)"
  check "$kind: the last checkpoint is the whole image ($pdone = $ptotal)" test "$pdone" -eq "$ptotal"
  expect_exit 0 "$kind: resumed with nothing left to fetch: verified and selected" $FWDEV ota d "$url" --ca ca.crt --checkpoint-kib 4
  check "$kind: boots" test "$(booted d)" = 2.0.0
done

# ---- cut after the boot switch, while the record is dropped: not shown as interrupted -------------
newdev d
rm -f s.tr
FWSEAL_SIM_TRACE=s.tr ota d "$U/img.enc" >/dev/null 2>&1
KS=$(grep -nE '^write 0x0000[de]000' s.tr | tail -1 | sed 's/.*#\([0-9]*\).*/\1/')
newdev d
FWSEAL_SIM_CUT_AT=$((KS + 1)) ota d "$U/img.enc" >/dev/null 2>&1
check "cut right after the otadata write (#$((KS + 1)), the record's removal)" test $? -eq 99
check "status: a finished update is not shown as interrupted" test "$(progress d)" = none
check "the new image boots" test "$(booted d)" = 2.0.0
