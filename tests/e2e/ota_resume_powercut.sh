#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Power cuts during an encrypted HTTPS OTA from nginx, resumed (issue 15).
# For every cut point (FWSEAL_SIM_CUT_AT: every flash write/erase of the
# download, the NVS writes of every checkpoint included), clean and torn
# (the NOR fault model, device/port/sim/fwd_sim_tear.h, bits from
# FWSEAL_SIM_CUT_SEED, default 1): the device reboots (`boot`); if the new
# image does not run yet, the same `ota` runs again and must resume from the
# last checkpoint, then the device reboots again. Every run must end with the
# new image verified, selected and booting, or the old one booting; a resumed
# run must fetch exactly the header + what was not checkpointed (nginx access
# log), and re-download at most one checkpoint interval of what was on flash.
# Double cuts: the resumed run is cut again (a seeded sample of pairs).
#
# Three kinds: an image encrypted for an RSA-3072 device key (enc), the same
# for an ECIES device (ecies), and the plaintext signed image (plain).
# make test runs a sample (enc: about 12 points per mode and 4 double cuts;
# ecies, plain: about 6 points per mode); FWSEAL_RESUME_CUT_FULL=1 (make
# powercut, tests/powercut/run.sh) cuts every operation of enc (and 40
# double cuts), every 4th of ecies and plain, and prints one
# "resume-result ..." line per kind and schedule for tests/powercut/RESULTS.md.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_nginx_lib.sh"
SEED=${FWSEAL_SIM_CUT_SEED:-1}
FULL=${FWSEAL_RESUME_CUT_FULL:-0}
PE=$V/pre_encrypted/rsa
EC=$V/pre_encrypted/ecc
KIB=8
I=$((KIB * 1024))
SIZE=${RESUME_IMAGE_SIZE:-64K}
cd "$T" || exit 3

$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null || { fail "keygen"; exit 1; }
$FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null
for v in 1.0.0 2.0.0; do
  $FWSEAL mkimage --chip esp32c3 --version $v --secure-version 1 --project cut --size "$SIZE" -o "v$v.bin" >/dev/null &&
    $FWSEAL sign --key sb.pem "v$v.bin" -o "v$v.s.bin" >/dev/null 2>&1 || { fail "image $v"; exit 1; }
done
mkdir -p www
$FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" v2.0.0.s.bin -o www/v2.enc >/dev/null &&
  $FWSEAL encrypt --pubkey "$EC/device_pub_key.pem" v2.0.0.s.bin -o www/v2.ecc >/dev/null &&
  cp v2.0.0.s.bin www/v2.bin || { fail "encrypt"; exit 1; }
for k in rsa ecies; do
  if [ $k = rsa ]; then key=(--decrypt-key "$PE/rsa_priv_key.pem"); else key=(--decrypt-hmac-key "$EC/device_hmac_key.bin"); fi
  $FWDEV init "tpl.$k" --partitions "$V/partition_table/partitions_two_ota.csv" --flash-encryption xts-128 --flash-key fe.bin \
    --secure-boot-key sb_pub.pem "${key[@]}" >/dev/null &&
    $FWDEV flash "tpl.$k" --partition ota_0 v1.0.0.s.bin >/dev/null && $FWDEV boot "tpl.$k" >/dev/null || { fail "device"; exit 1; }
done
ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost,IP:127.0.0.1"
ng_start main "$T/www" "$T/srv.crt" "$T/srv.key" || { fail "nginx"; exit 1; }
# kind KIND: the URL, device template, input size and header bytes of that kind
kind() {
  case $1 in
    enc) URL=https://localhost:$NG_PORT/v2.enc TPL=tpl.rsa HEAD=512 ;;
    ecies) URL=https://localhost:$NG_PORT/v2.ecc TPL=tpl.ecies HEAD=512 ;;
    plain) URL=https://localhost:$NG_PORT/v2.bin TPL=tpl.rsa HEAD=0 ;;
  esac
  CT=$(stat -c %s "www/${URL##*/}")
}
kind enc
LOG=$T/nginx-main/logs/access.log
SLOT=$((0x1a0000)) SLOTSZ=$((1600 * 1024))

ota() { $FWDEV ota d "$URL" --ca ca.crt --checkpoint-kib $KIB; }
booted() { $FWDEV boot d --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])' 2>/dev/null; }
done_bytes() {
  $FWDEV status d --json | python3 -c '
import json, sys
p = json.load(sys.stdin)["interrupted_ota"]
print(0 if p is None else p["done"])'
}
frontier() { # TRACE: slot-relative end of the last completed write into the slot
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

# count KIND: N (operations of an uncut run) and NVS_OPS (their numbers)
count() {
  kind "$1"
  rm -rf d && cp -a "$TPL" d && rm -f "$T/full.tr"
  FWSEAL_SIM_TRACE=$T/full.tr expect_exit 0 "$1: uncut HTTPS OTA with a checkpoint every $KIB KiB" ota
  N=$(grep -cE '^(write|erase|efuse-burn) ' full.tr)
  NVS_OPS=$(grep -E '^(write|erase) 0x0000[9abc]' full.tr | sed 's/.*#\([0-9]*\).*/\1/' | tr '\n' ' ')
  check "$1: the OTA performs $N flash operations, $(wc -w <<<"$NVS_OPS") of them NVS (checkpoint) writes" test "$N" -gt 0 -a -n "$NVS_OPS"
}

BAD=0 MAXRE=0
# one_point MODE K [J]: cut at K (then at J in the resumed run), reboot, resume to the end.
# Sets OUTCOME (new|old) or prints why it failed and increments BAD.
one_point() {
  local mode=$1 k=$2 j=${3:-} rc v d w m s tr=$T/cut.tr round=1 replay
  replay="replay: FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$k FWSEAL_SIM_CUT_MODE=$mode${j:+ then CUT_AT=$j}"
  rm -rf d && cp -a "$TPL" d
  rm -f "$tr"
  FWSEAL_SIM_TRACE=$tr FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$k FWSEAL_SIM_CUT_MODE=$mode ota >/dev/null 2>&1
  rc=$?
  [ $rc -eq 99 ] || { BAD=$((BAD + 1)); echo "cut $mode #$k: ota exit $rc (wanted 99); $replay"; return; }
  for round in 1 2 3; do
    v=$(booted)
    case $v in
      2.0.0) OUTCOME=new; return ;;
      1.0.0) ;;
      *) BAD=$((BAD + 1)); echo "cut $mode #$k: boot gave '$v'; $replay"; return ;;
    esac
    [ $round -eq 3 ] && { BAD=$((BAD + 1)); echo "cut $mode #$k: still the old image after two resumes; $replay"; return; }
    d=$(done_bytes)
    w=$(frontier "$tr")
    m=$(log_mark)
    rm -f "$tr"
    if [ $round -eq 1 ] && [ -n "$j" ]; then
      FWSEAL_SIM_TRACE=$tr FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$j FWSEAL_SIM_CUT_MODE=$mode ota >/dev/null 2>&1
      rc=$?
      [ $rc -eq 99 ] || [ $rc -eq 0 ] || { BAD=$((BAD + 1)); echo "cut $mode #$k/#$j: second ota exit $rc; $replay"; return; }
    else
      FWSEAL_SIM_TRACE=$tr ota >"$T/res.out" 2>&1
      rc=$?
      [ $rc -eq 0 ] || { BAD=$((BAD + 1)); echo "cut $mode #$k: resumed ota exit $rc: $(tail -1 "$T/res.out"); $replay"; return; }
      s=$(served_since "$m")
      if [ "$d" -gt 0 ]; then
        # resumed: bytes 0-511 again, then from HEAD + d to the end: nothing else
        [ "$s" -eq $((512 + CT - HEAD - d)) ] || { BAD=$((BAD + 1)); echo "cut $mode #$k: resumed from $d but nginx served $s (want $((512 + CT - HEAD - d))); $replay"; return; }
      fi
      # what was on flash and is fetched again: at most one interval
      [ $((w - d)) -le $I ] || { BAD=$((BAD + 1)); echo "cut $mode #$k: $w bytes on flash, resumed from $d: re-downloads more than $I; $replay"; return; }
      [ $((w - d)) -gt "$MAXRE" ] && MAXRE=$((w - d))
    fi
  done
}

points() { # KIND: every operation, or a sample: every k-th + the writes of one checkpoint + the last
  local n=10
  [ "$1" = enc ] || n=3
  if [ "$FULL" = 1 ]; then
    [ "$1" = enc ] && { seq 1 "$N"; return; }
    n=$(((N + 3) / 4))
  fi
  local step=$(((N + n - 1) / n))
  { seq 1 "$step" "$N"; echo "$N"; echo "$NVS_OPS" | tr ' ' '\n' | sed -n '5,7p'; } | sort -nu
}

for K in enc ecies plain; do
  count $K
  for mode in clean torn; do
    BAD=0 new=0 pts=0
    for k in $(points $K); do
      OUTCOME=
      one_point "$mode" "$k"
      pts=$((pts + 1))
      [ "$OUTCOME" = new ] && new=$((new + 1))
    done
    echo "resume-result kind=$K schedule=$mode ops=$N points=$pts survived=$((pts - BAD)) new=$new bad=$BAD max_redownload=$MAXRE interval=$I seed=$SEED"
    check "$K, $mode cuts: every run ends with v2 verified, selected and booting ($pts points, $BAD bad)" test $BAD -eq 0 -a $new -eq $pts
  done
done
count enc

# double cuts: the resumed run cut again, seeded pairs
BAD=0 pts=0 new=0
npairs=4
[ "$FULL" = 1 ] && npairs=40
for i in $(seq 1 $npairs); do
  k=$(( (i * 7919 + SEED * 104729) % N + 1 ))
  j=$(( (i * 6151 + SEED * 15485863) % (N / 2) + 1 ))
  mode=clean; [ $((i % 2)) -eq 0 ] && mode=torn
  OUTCOME=
  one_point "$mode" "$k" "$j"
  pts=$((pts + 1))
  [ "$OUTCOME" = new ] && new=$((new + 1))
done
echo "resume-result kind=enc schedule=double ops=$N points=$pts survived=$((pts - BAD)) new=$new bad=$BAD max_redownload=$MAXRE interval=$I seed=$SEED"
check "double cuts: every run ends with v2 booting ($pts pairs, $BAD bad)" test $BAD -eq 0 -a $new -eq $pts
check "re-downloaded at most one checkpoint interval ($MAXRE <= $I bytes)" test "$MAXRE" -le $I
