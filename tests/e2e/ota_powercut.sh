#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Power cut (FWSEAL_SIM_CUT_AT, clean and torn) at every flash write/erase of
# an encrypted OTA from a file: the next boot always runs a valid signed image
# (the old one, or the new one once set-boot completed).
# Every operation is cut, in both modes (each point costs a device copy, an
# OTA and a boot: about 10 s for the whole sweep). FWSEAL_OTA_CUT_SAMPLE=1
# cuts only every k-th operation (about 16 points per mode, first and last
# always included) for quick local runs. Torn cuts follow the NOR fault model
# (device/port/sim/fwd_sim_tear.h), prefix and bits chosen by FWSEAL_SIM_CUT_SEED
# (default 1) per cut; a failure prints the replay line.
. "$(dirname "$0")/lib.sh"
SEED=${FWSEAL_SIM_CUT_SEED:-1}
PE=$V/pre_encrypted/rsa
cd "$T" || exit 3

$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null || { fail "keygen"; exit 1; }
$FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null
for v in 1.0.0 2.0.0; do
  $FWSEAL mkimage --chip esp32c3 --version $v --secure-version 1 --project cut --size 24K -o "v$v.bin" >/dev/null &&
    $FWSEAL sign --key sb.pem "v$v.bin" -o "v$v.s.bin" >/dev/null || { fail "image $v"; exit 1; }
done
$FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" v2.0.0.s.bin -o v2.enc >/dev/null || { fail "encrypt"; exit 1; }
$FWDEV init tpl --partitions "$V/partition_table/partitions_two_ota.csv" --flash-encryption xts-128 --flash-key fe.bin \
  --secure-boot-key sb_pub.pem --decrypt-key "$PE/rsa_priv_key.pem" >/dev/null &&
  $FWDEV flash tpl --partition ota_0 v1.0.0.s.bin >/dev/null && $FWDEV boot tpl >/dev/null || { fail "device"; exit 1; }

cp -a tpl d
FWSEAL_SIM_TRACE=$T/trace expect_exit 0 "uncut encrypted OTA" $FWDEV ota d --file v2.enc
N=$(grep -cE '^(write|erase|efuse-burn) ' trace)   # every operation, eFuse burns (anti-rollback heal) included
check "the OTA performs flash operations ($N)" test "$N" -gt 0
step=1
if [ "${FWSEAL_OTA_CUT_SAMPLE:-0}" = 1 ] && [ "$N" -gt 16 ]; then step=$(((N + 14) / 15)); fi
echo "# $N write/erase operations; cutting every $step (FWSEAL_OTA_CUT_SAMPLE=1 samples); cut seed $SEED"

for mode in clean torn; do
  bad=0 old=0 new=0 pts=0
  points=$(seq 1 "$step" "$N"; echo "$N")
  for k in $(echo "$points" | sort -nu); do
    rm -rf d && cp -a tpl d
    FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$k FWSEAL_SIM_CUT_MODE=$mode $FWDEV ota d --file v2.enc >/dev/null 2>&1
    rc=$?
    pts=$((pts + 1))
    replay="replay: FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$k FWSEAL_SIM_CUT_MODE=$mode fwseal-device ota DEV --file v2.enc"
    if [ $rc -ne 99 ]; then bad=$((bad + 1)); echo "cut $mode #$k: ota exit $rc (wanted 99); $replay"; continue; fi
    out=$($FWDEV boot d --json 2>&1)
    if [ $? -ne 0 ]; then bad=$((bad + 1)); echo "cut $mode #$k: boot failed: $out; $replay"; continue; fi
    case "$out" in
      *'"1.0.0"'*) old=$((old + 1)) ;;
      *'"2.0.0"'*) new=$((new + 1)) ;;
      *) bad=$((bad + 1)); echo "cut $mode #$k: unexpected boot: $out; $replay" ;;
    esac
  done
  echo "# $mode: $pts cut points, old image $old, new image $new"
  check "$mode cuts: every next boot runs a valid signed image ($pts points)" test $bad -eq 0
  check "$mode cuts: the old image survives early cuts" test $old -gt 0
done
