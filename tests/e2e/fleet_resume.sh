#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal-device update resumes across reboots and power cuts (issue 19 "works
# with resume", on issue 15's progress record), against a `fwseal release`
# served by nginx:
#   1. power cuts during `update` (FWSEAL_SIM_CUT_AT, clean and torn, a sample
#      of the flash operations of the body, the checkpoint NVS writes
#      included), then a reboot and the same `update` again: every run ends
#      with v2 verified, selected and booting (or v1 still booting and the
#      rerun installs v2); a rerun after a checkpoint resumes there: nginx
#      serves the manifest + the 512-byte header + the body from the
#      checkpoint on, nothing else, and at most one checkpoint interval of
#      what was on flash is fetched again; every checkpoint is a chunk
#      boundary;
#      a sample of double cuts (the rerun cut again, then a third run);
#   2. status shows the interrupted fleet update (text and --json);
#   3. the slot tampered during the outage: the resumed update is refused by
#      the GCM tag over the rebuilt state, the slot erased, the record gone;
#   4. a new release (seq 2) published at the same URL during the outage:
#      the kept slot is dropped and erased before anything is written, the
#      new release is fetched from chunk 0 and installed;
#   5. --restart starts at chunk 0;
#   6. an ECIES-P256 device (shared-body header) resumes the same way.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_nginx_lib.sh"
SEED=${FWSEAL_SIM_CUT_SEED:-1}
PT=$FWSEAL_ROOT/tests/fleet/partitions_fleet.csv
KIB=8
I=$((KIB * 1024))
CHUNK=1024
cd "$T" || exit 3

$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null || { fail "keygen"; exit 1; }
for v in 1.0.0 2.0.0 3.0.0; do
  $FWSEAL mkimage --chip esp32c3 --version $v --secure-version 1 --project fleet_res --size 72K -o "v$v.bin" >/dev/null &&
    $FWSEAL sign --key sb.pem "v$v.bin" -o "v$v.s.bin" >/dev/null || { fail "image $v"; exit 1; }
done
$FWSEAL keygen rsa3072 -o d1.pem --pub d1_pub.pem >/dev/null
$FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null
printf 'id,pubkey\nrsa-1,d1_pub.pem\n' >rsa.csv
mkdir -p www
check "release v2 (seq 1, $CHUNK-byte chunks)" $FWSEAL release --image v2.0.0.s.bin --devices rsa.csv --sign-key sb.pem \
  --out www/rel --chunk-size $CHUNK --seq 1
check "release v3 (seq 2), kept aside" $FWSEAL release --image v3.0.0.s.bin --devices rsa.csv --sign-key sb.pem \
  --out rel3 --chunk-size $CHUNK --seq 2
MF=$(stat -c %s www/rel/manifest.fwm)
BODY=$(find www/rel -name body.bin -printf '%s\n')
check "release files: manifest $MF bytes, body $BODY bytes" test "$MF" -gt 0 -a "$BODY" -gt $((4 * I))
ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost,IP:127.0.0.1" || { fail "CA"; exit 1; }
ng_start main "$T/www" "$T/srv.crt" "$T/srv.key" || { fail "nginx"; exit 1; }
U=https://localhost:$NG_PORT/rel
LOG=$T/nginx-main/logs/access.log
$FWDEV init tpl --partitions "$PT" --flash-size 1MB --flash-encryption xts-128 --flash-key fe.bin \
  --secure-boot-key sb_pub.pem --id rsa-1 --decrypt-key d1.pem >/dev/null &&
  $FWDEV flash tpl --partition ota_0 v1.0.0.s.bin >/dev/null && $FWDEV boot tpl >/dev/null || { fail "device"; exit 1; }
SLOT=$((0x50000)) SLOTSZ=$((256 * 1024))

upd() { $FWDEV update d --server "$U" --ca ca.crt --checkpoint-kib $KIB "$@"; }
booted() { $FWDEV boot d --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])' 2>/dev/null; }
# interrupted_ota of status --json: "KIND SLOT DONE TOTAL URL" or "none"
progress() {
  $FWDEV status d --json | python3 -c '
import json, sys
p = json.load(sys.stdin)["interrupted_ota"]
print("none" if p is None else "%s %s %d %d %s" % (p["kind"], p["slot"], p["done"], p["total"], p["url"]))'
}
done_bytes() { local p; p=$(progress); [ "$p" = none ] && echo 0 || echo "$p" | cut -d' ' -f3; }
frontier() { # TRACE: slot-relative end of the last completed write into ota_1
  python3 - "$1" $SLOT $((SLOT + SLOTSZ)) <<'PY'
import sys
lo, hi, m = int(sys.argv[2]), int(sys.argv[3]), 0
for l in open(sys.argv[1]):
    f = l.split()
    if f and f[0] == "write" and "cut=" not in l and lo <= int(f[1], 16) < hi:
        m = max(m, int(f[1], 16) + int(f[2]) - lo)
print(m)
PY
}
log_mark() { wc -l <"$LOG"; }
served_since() { tail -n +$(($1 + 1)) "$LOG" | awk '{s += $10} END {print s + 0}'; }
slot_erased() { # raw flash of ota_1 (the part the image uses) all 0xFF
  cmp -s <(dd if=d/flash.bin bs=4096 skip=$((SLOT / 4096)) count=24 2>/dev/null) <(head -c $((24 * 4096)) /dev/zero | tr '\0' '\377')
}

# ---- the uncut run ----------------------------------------------------------------------
rm -rf d && cp -a tpl d
FWSEAL_SIM_TRACE=$T/full.tr expect_exit 0 "uncut update with a checkpoint every $KIB KiB" upd
N=$(grep -cE '^(write|erase|efuse-burn) ' full.tr)
NVS_OPS=$(grep -E '^(write|erase) 0x0000[9abc]' full.tr | sed 's/.*#\([0-9]*\).*/\1/' | tr '\n' ' ')
check "the update performs $N flash operations, $(wc -w <<<"$NVS_OPS") of them NVS writes (manifest memory, checkpoints)" \
  test "$N" -gt 0 -a "$(wc -w <<<"$NVS_OPS")" -gt 4
check "after success no interrupted update is left" test "$(progress)" = none
check "v2 boots" test "$(booted)" = 2.0.0
# the operation that writes about the middle of the slot
MID=$(python3 - full.tr $((SLOT + BODY / 2)) <<'PY'
import sys
for l in open(sys.argv[1]):
    f = l.split()
    if f and f[0] == "write" and int(f[1], 16) >= int(sys.argv[2]):
        print(f[3].lstrip("#")); break
PY
)
check "a mid-download cut point exists (#$MID)" test -n "$MID"
cut_mid() { rm -rf d && cp -a tpl d && rm -f cut.tr; FWSEAL_SIM_TRACE=cut.tr FWSEAL_SIM_CUT_AT=$MID upd >/dev/null 2>&1; }

# ---- 2. cut, status, resume ------------------------------------------------------------------
expect_exit 99 "power cut in the middle of the body" cut_mid
read -r pkind pslot pdone ptotal purl <<<"$(progress)"
W=$(frontier cut.tr)
check "status --json: interrupted fleet update into ota_1 of the release body" \
  test "$pkind $pslot" = "fleet ota_1" -a "${purl#$U/}" != "$purl" -a "$ptotal" -eq "$BODY"
check "checkpoint $pdone: a multiple of $KIB KiB and of the chunk size, at most $KIB KiB behind the $W bytes on flash" \
  test "$pdone" -gt 0 -a $((pdone % I)) -eq 0 -a $((pdone % CHUNK)) -eq 0 -a "$pdone" -le "$W" -a $((W - pdone)) -le $I
$FWDEV status d >st.txt
check "status (text): interrupted fleet update into ota_1: $pdone/$ptotal bytes" grep -q "interrupted fleet update into ota_1: $pdone/$ptotal bytes" st.txt
check "status (text) says how to resume" grep -q "fwseal-device update" st.txt
$FWDEV boot d >/dev/null
check "after the cut v1 still boots" test "$(booted)" = 1.0.0
m=$(log_mark)
expect_exit 0 "the next update of the same release resumes and completes" upd --json
expect_stdout "\"event\":\"resumed\",\"resume_at\":$pdone,\"first_chunk\":$((pdone / CHUNK))" "resumed at the checkpoint, chunk stage at its chunk"
S=$(served_since "$m")
check "nginx served manifest + header + body from the checkpoint only ($S = $MF + 512 + $BODY - $pdone)" \
  test "$S" -eq $((MF + 512 + BODY - pdone))
check "re-downloaded at most one checkpoint interval ($((W - pdone)) <= $I bytes)" test $((W - pdone)) -le $I
check "the resumed image verified, selected and boots" test "$(booted)" = 2.0.0
check "the record is gone after success" test "$(progress)" = none

# ---- 1. power cuts at a sample of points, clean and torn, then rerun -----------------------------
points() { # every k-th operation + a few checkpoint NVS writes + the last three
  local n=${FWSEAL_FLEET_RESUME_POINTS:-10} step
  step=$(((N + n - 1) / n))
  { seq 1 "$step" "$N"; seq $((N - 2)) "$N"; echo "$NVS_OPS" | tr ' ' '\n' | sed -n '6,8p'; } | awk '$1 >= 1' | sort -nu
}
MAXRE=0
for mode in clean torn; do
  bad=0 pts=0 new=0 resumed=0
  for k in $(points); do
    pts=$((pts + 1))
    replay="replay: FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$k FWSEAL_SIM_CUT_MODE=$mode"
    rm -rf d && cp -a tpl d && rm -f cut.tr
    FWSEAL_SIM_TRACE=cut.tr FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$k FWSEAL_SIM_CUT_MODE=$mode upd >/dev/null 2>&1
    rc=$?
    why=
    v=$(booted)
    [ $rc -eq 99 ] || why="exit $rc, not 99"
    if [ -z "$why" ] && [ "$v" = 1.0.0 ]; then
      dn=$(done_bytes) w=$(frontier cut.tr) m=$(log_mark)
      upd >res.out 2>&1
      rc=$?
      s=$(served_since "$m")
      v=$(booted)
      if [ $rc -ne 0 ] || [ "$v" != 2.0.0 ]; then why="rerun exit $rc, boots '$v': $(tail -1 res.out)"
      elif [ $((dn % CHUNK)) -ne 0 ]; then why="checkpoint $dn is not a chunk boundary"
      elif [ "$s" -ne $((MF + 512 + BODY - dn)) ]; then why="resumed from $dn but nginx served $s (want $((MF + 512 + BODY - dn)))"
      elif [ $((w - dn)) -gt $I ]; then why="$w bytes on flash, resumed from $dn: re-downloads more than $I"
      else
        [ "$dn" -gt 0 ] && resumed=$((resumed + 1))
        [ $((w - dn)) -gt $MAXRE ] && MAXRE=$((w - dn))
      fi
    elif [ -z "$why" ] && [ "$v" != 2.0.0 ]; then why="boots '$v'"
    fi
    [ -z "$why" ] && [ "$v" = 2.0.0 ] && new=$((new + 1))
    if [ -n "$why" ]; then
      bad=$((bad + 1))
      [ $bad -le 3 ] && echo "# cut $mode #$k: $why; $replay"
    fi
  done
  echo "# fleet-resume-result schedule=$mode ops=$N points=$pts new=$new resumed=$resumed bad=$bad max_redownload=$MAXRE interval=$I seed=$SEED"
  check "$mode cuts at $pts of $N operations, then a rerun: always v2 verified and booting ($resumed resumed from a checkpoint, $bad bad)" \
    test $bad -eq 0 -a $new -eq $pts -a $resumed -gt 0
done
check "every rerun fetched at most one checkpoint interval of the body again ($MAXRE <= $I bytes)" test $MAXRE -le $I

# double cuts: the rerun is cut again (seeded pairs), then a third run
bad=0 pts=0 twice=0
for i in 1 2 3 4; do
  k=$(((i * 7919 + SEED * 104729) % N + 1))
  j=$(((i * 6151 + SEED * 15485863) % (N / 2) + 1))
  mode=clean
  [ $((i % 2)) -eq 0 ] && mode=torn
  pts=$((pts + 1))
  why=
  rm -rf d && cp -a tpl d
  FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$k FWSEAL_SIM_CUT_MODE=$mode upd >/dev/null 2>&1
  rc=$?
  v=$(booted)
  [ $rc -eq 99 ] || why="first run exit $rc"
  if [ -z "$why" ] && [ "$v" = 1.0.0 ]; then
    FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$j FWSEAL_SIM_CUT_MODE=$mode upd >/dev/null 2>&1
    rc=$?
    v=$(booted)
    [ $rc -eq 99 ] || [ $rc -eq 0 ] || why="second run exit $rc"
    [ $rc -eq 99 ] && twice=$((twice + 1))
    if [ -z "$why" ] && [ "$v" = 1.0.0 ]; then
      dn=$(done_bytes) m=$(log_mark)
      upd >res.out 2>&1
      rc=$?
      s=$(served_since "$m")
      v=$(booted)
      [ $rc -eq 0 ] || why="third run exit $rc: $(tail -1 res.out)"
      [ -z "$why" ] && [ "$s" -ne $((MF + 512 + BODY - dn)) ] && why="third run resumed from $dn but nginx served $s"
    fi
  fi
  [ -z "$why" ] && [ "$v" != 2.0.0 ] && why="boots '$v' at the end"
  if [ -n "$why" ]; then
    bad=$((bad + 1))
    echo "# double cut $mode #$k then #$j: $why (replay: FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$k, then $j)"
  fi
done
check "double cuts ($pts seeded pairs, $twice with the rerun cut too): always ends with v2 verified and booting ($bad bad)" test $bad -eq 0 -a $twice -gt 0

# ---- 3. the slot tampered during the outage --------------------------------------------------------
expect_exit 99 "power cut in the middle of the body (again)" cut_mid
pdone=$(done_bytes)
flip_byte d/flash.bin $((SLOT + 4096 + 7))
$FWDEV boot d >/dev/null
expect_exit 1 "a slot byte changed during the outage: the resumed update is refused" upd
expect_stdout "resuming the interrupted download at body byte $pdone" "it did resume (from $pdone)"
expect_stderr "GCM tag|tag" "refused by the GCM tag over the state rebuilt from flash"
check "tampered: slot erased" slot_erased
check "tampered: the record is gone" test "$(progress)" = none
check "tampered: v1 still boots" test "$(booted)" = 1.0.0

# ---- 4. a new release published during the outage -----------------------------------------------------
expect_exit 99 "power cut in the middle of the body (v2, seq 1)" cut_mid
rm -rf www/rel.old && mv www/rel www/rel.old && cp -a rel3 www/rel
BODY3=$(find www/rel -name body.bin -printf '%s\n')
MF3=$(stat -c %s www/rel/manifest.fwm)
m=$(log_mark)
rm -f new.tr
FWSEAL_SIM_TRACE=new.tr expect_exit 0 "a new release (seq 2) at the same URL after the outage: installed" upd --json
expect_stdout '"event":"resume_dropped","reason":"the kept download is not this release' "the kept download of the old release is dropped"
check "v3 boots" test "$(booted)" = 3.0.0
check "the new release was fetched from chunk 0 ($(served_since "$m") = $MF3 + 512 + $BODY3)" test "$(served_since "$m")" -eq $((MF3 + 512 + BODY3))
# in the trace: every sector of ota_1 erased before the first write into ota_1
check "the kept slot was erased before anything of the new release was written" python3 - new.tr $SLOT $SLOTSZ <<'PY'
import sys
lo, n = int(sys.argv[2]), int(sys.argv[3])
erased = set()
for l in open(sys.argv[1]):
    f = l.split()
    if not f or f[0] not in ("write", "erase"): continue
    a, ln = int(f[1], 16), int(f[2])
    if not (lo <= a < lo + n): continue
    if f[0] == "write":
        sys.exit(0 if all(s in erased for s in range(lo, lo + n, 4096)) else 1)
    erased.update(range(a - a % 4096, a + ln, 4096))
sys.exit(1)
PY
rm -rf www/rel && mv www/rel.old www/rel

# ---- 5. --restart ------------------------------------------------------------------------------------------
expect_exit 99 "power cut in the middle of the body (for --restart)" cut_mid
m=$(log_mark)
expect_exit 0 "--restart starts at chunk 0" upd --restart --json
expect_stdout '"event":"resume_dropped","reason":"restart requested"' "--restart drops the kept download"
check "--restart fetched the whole body again" test "$(served_since "$m")" -eq $((MF + 512 + BODY))
check "--restart: v2 boots" test "$(booted)" = 2.0.0
expect_exit 2 "--checkpoint-kib 6 (not a multiple of 4): usage error" upd --checkpoint-kib 6

# ---- 6. an ECIES-P256 device (the fwseal shared-body header) resumes too -----------------------------
$FWSEAL keygen ecies-p256 -o e1.bin --pub e1_pub.pem >/dev/null
printf 'id,pubkey\nec-1,e1_pub.pem\n' >ec.csv
check "ECIES release (shared header, $CHUNK-byte chunks)" $FWSEAL release --image v2.0.0.s.bin --devices ec.csv \
  --sign-key sb.pem --out www/ec --ecies-shared --chunk-size $CHUNK
$FWDEV init tplec --partitions "$PT" --flash-size 1MB --flash-encryption xts-128 --flash-key fe.bin \
  --secure-boot-key sb_pub.pem --id ec-1 --decrypt-hmac-key e1.bin >/dev/null &&
  $FWDEV flash tplec --partition ota_0 v1.0.0.s.bin >/dev/null && $FWDEV boot tplec >/dev/null || fail "ECIES device"
U=https://localhost:$NG_PORT/ec
BODY=$(find www/ec -name body.bin -printf '%s\n')
MF=$(stat -c %s www/ec/manifest.fwm)
rm -rf d && cp -a tplec d && rm -f cut.tr
FWSEAL_SIM_TRACE=cut.tr FWSEAL_SIM_CUT_AT=$MID upd >/dev/null 2>&1
check "ECIES: power cut in the middle of the body (exit 99)" test $? -eq 99
pdone=$(done_bytes)
$FWDEV boot d >/dev/null
m=$(log_mark)
expect_exit 0 "ECIES: the next update resumes and completes" upd --json
expect_stdout "\"event\":\"resumed\",\"resume_at\":$pdone," "ECIES: resumed at the checkpoint ($pdone)"
check "ECIES: nginx served manifest + header + the rest of the body only" test "$(served_since "$m")" -eq $((MF + 512 + BODY - pdone)) -a "$pdone" -gt 0
check "ECIES: the resumed image boots" test "$(booted)" = 2.0.0
