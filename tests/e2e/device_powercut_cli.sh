#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 4 acceptance 3 through the CLI and its environment contract
# (FWSEAL_SIM_TRACE / FWSEAL_SIM_CUT_AT / FWSEAL_SIM_CUT_MODE=torn): a power
# cut in an OTA and in each boot state change exits 99, and the next `boot`
# always runs a valid signed image (old or new; never an unconfirmed one
# after PENDING_VERIFY). Every write/erase of the OTA and of each state
# change, both modes (the same sweeps also run in-process, with more
# invariants, in tests/unit/test_boot_powercut.c). Torn cuts follow the NOR
# fault model (device/port/sim/fwd_sim_tear.h) with a prefix and bits chosen by
# FWSEAL_SIM_CUT_SEED (default 1) per cut; a failure prints the replay line.
# eFuse burns are operations of the same numbering (trace line
# "efuse-burn ..."), so the sweeps cut at every burn too: confirm's, the
# first boot's (initial contents) and the anti-rollback heal of a boot or
# of an OTA precondition, plus a cut during the healing boot (issue 11 §1);
# a torn burn burns the first floor(k/2) of its k new bits in bit order
# (no seed: eFuse bits are programmed one by one).
# After every cut: a boot that runs an image as VALID leaves the eFuse
# secure_version >= that image's, and the older signed 5.0.0 is refused.
. "$(dirname "$0")/lib.sh"
SEED=${FWSEAL_SIM_CUT_SEED:-1}
echo "# cut seed $SEED (FWSEAL_SIM_CUT_SEED)"

S=$V/secure_boot_v2
PATCH=$FWSEAL_BUILD/tools/app_patch
mk() {
  "$PATCH" "$V/app/app_esp32c3_128k_sbpad.bin" "$T/$1.u" --secure-version "$2" --version "$3" || exit 1
  "$FWSEAL" sign --key "$S/sb_rsa3072_key1.pem" "$T/$1.u" -o "$T/$1.bin" >/dev/null || exit 1
}
mk v3 3 3.0.0
mk v5 5 5.0.0
mk v6 6 6.0.0

D=$T/dev
"$FWDEV" init "$D" --partitions "$V/partition_table/partitions_factory_two_ota_encr_nvs.csv" \
  --flash-encryption xts-128 --flash-key "$V/flash_encryption/fe_key_xts_256.bin" \
  --secure-boot-key "$S/sb_rsa3072_key1_pub.pem" >/dev/null || exit 1
"$FWDEV" flash "$D" --partition factory "$T/v3.bin" >/dev/null || exit 1
"$FWDEV" ota "$D" --file "$T/v5.bin" >/dev/null && "$FWDEV" boot "$D" >/dev/null && "$FWDEV" confirm "$D" >/dev/null || exit 1
cp -a "$D" "$T/base"                              # ota_0 5.0.0 VALID runs

json_num() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$2"; }
json_str() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$2"; }

# Anti-rollback after a boot (its JSON in $T/b.json): an image running as
# VALID has the eFuse at or above its secure_version, and nothing runs below it.
floor_ok() {
  local sv ef st
  sv=$(json_num secure_version "$T/b.json"); ef=$(json_num efuse_secure_version "$T/b.json"); st=$(json_str ota_state "$T/b.json")
  [ -n "$sv" ] && [ -n "$ef" ] || { echo "no secure_version in $(cat "$T/b.json")"; return 1; }
  [ "$sv" -ge "$ef" ] || { echo "secure_version $sv booted below eFuse $ef"; return 1; }
  [ "$st" != VALID ] || [ "$ef" -ge "$sv" ] || { echo "VALID image secure_version $sv, eFuse $ef after the boot"; return 1; }
}

version_after_boot() {
  "$FWDEV" boot "$D" --json >"$T/b.json" 2>"$T/b.err" || { echo "boot-failed:$(cat "$T/b.err")"; return; }
  floor_ok >"$T/floor.err" || { echo "floor:$(cat "$T/floor.err")"; return; }
  sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$T/b.json"
}

# While a VALID image above 5 runs, an OTA of the older signed 5.0.0 is
# refused and the next boot runs the same image.
downgrade_refused() {
  local sv st ran
  sv=$(json_num secure_version "$T/b.json"); st=$(json_str ota_state "$T/b.json"); ran=$(json_str version "$T/b.json")
  [ "$st" = VALID ] && [ "${sv:-0}" -gt 5 ] || return 0
  "$FWDEV" ota "$D" --file "$T/v5.bin" >/dev/null 2>"$T/dg.err"
  [ $? -eq 1 ] || { echo "OTA of 5.0.0 under VALID $ran not refused: $(head -c 200 "$T/dg.err")"; return 1; }
  [ "$(version_after_boot)" = "$ran" ] || { echo "after the refused downgrade the boot ran $(json_str version "$T/b.json")"; return 1; }
}

ops_of() { # STATE-DIR CMD... : number of flash writes/erases CMD does
  rm -rf "$D"; cp -a "$1" "$D"; shift
  rm -f "$T/trace"
  FWSEAL_SIM_TRACE=$T/trace "$@" >/dev/null 2>&1
  wc -l <"$T/trace" | tr -d ' '
}

# sweep NAME STATE-DIR ALLOWED POINTS CMD...
sweep() {
  local name=$1 state=$2 allowed=$3 points=$4; shift 4
  local i mode got rc bad=0 n=0
  for mode in clean torn; do
    for i in $points; do
      rm -rf "$D"; cp -a "$state" "$D"
      FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$i FWSEAL_SIM_CUT_MODE=$mode "$@" >/dev/null 2>"$T/cut.err"
      rc=$?
      local replay="replay: FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$i FWSEAL_SIM_CUT_MODE=$mode ${*##*/}"
      if [ $rc -ne 99 ]; then fail "$name: cut $mode at op $i exits 99" "exit $rc $(head -c 200 "$T/cut.err"); $replay"; bad=1; continue; fi
      got=$(version_after_boot)
      case " $allowed " in *" $got "*) ;; *) fail "$name: cut $mode at op $i" "next boot ran '$got', allowed: $allowed; $replay"; bad=1; continue;; esac
      got=$(version_after_boot)
      case " $allowed " in *" $got "*) ;; *) fail "$name: cut $mode at op $i (second boot)" "ran '$got'; $replay"; bad=1; continue;; esac
      if ! downgrade_refused >"$T/dg.why"; then fail "$name: cut $mode at op $i" "$(cat "$T/dg.why"); $replay"; bad=1; continue; fi
      n=$((n + 1))
    done
  done
  [ $bad -eq 0 ] && ok "$name: $n cuts, every next boot runs an allowed signed image ($allowed)"
}

all_ops() { seq 1 "$1" | tr '\n' ' '; }

# ---- OTA of 6.0.0 into ota_1
n=$(ops_of "$T/base" "$FWDEV" ota "$D" --file "$T/v6.bin")
[ "$n" -gt 3 ] && ok "ota does $n flash operations (trace)" || fail "ota trace" "$n"
sweep "cut during ota" "$T/base" "5.0.0 6.0.0" "$(all_ops "$n")" "$FWDEV" ota "$D" --file "$T/v6.bin"
rm -rf "$D"; cp -a "$T/base" "$D"
"$FWDEV" ota "$D" --file "$T/v6.bin" >/dev/null || exit 1
cp -a "$D" "$T/new"                               # ota_1 NEW

# ---- boot: NEW -> PENDING_VERIFY
n=$(ops_of "$T/new" "$FWDEV" boot "$D")
[ "$n" -ge 1 ] && ok "boot NEW->PENDING_VERIFY does $n flash operation(s)" || fail "boot trace" "$n"
sweep "cut during boot (NEW->PENDING_VERIFY)" "$T/new" "5.0.0 6.0.0" "$(all_ops "$n")" "$FWDEV" boot "$D"
rm -rf "$D"; cp -a "$T/new" "$D"
"$FWDEV" boot "$D" >/dev/null || exit 1
cp -a "$D" "$T/pending"                           # ota_1 PENDING_VERIFY runs

# ---- boot: PENDING_VERIFY -> ABORTED (the unconfirmed image never runs again)
n=$(ops_of "$T/pending" "$FWDEV" boot "$D")
sweep "cut during boot (PENDING_VERIFY->ABORTED)" "$T/pending" "5.0.0" "$(all_ops "$n")" "$FWDEV" boot "$D"

# ---- confirm and rollback of the running 6.0.0
n=$(ops_of "$T/pending" "$FWDEV" confirm "$D")
sweep "cut during confirm" "$T/pending" "5.0.0 6.0.0" "$(all_ops "$n")" "$FWDEV" confirm "$D"
n=$(ops_of "$T/pending" "$FWDEV" rollback "$D")
sweep "cut during rollback" "$T/pending" "5.0.0" "$(all_ops "$n")" "$FWDEV" rollback "$D"

# ---- issue 11 §1: a cut between confirm's VALID record and its eFuse burn
burn_op() { sed -n 's/^efuse-burn .* #\([0-9]*\).*/\1/p' "$1" | head -1; }
efuse_sv() { "$FWDEV" status "$D" --json | sed -n 's/.*"secure_version": \([0-9]*\).*/\1/p' | head -1; }
rm -rf "$D"; cp -a "$T/pending" "$D"; rm -f "$T/trace"
FWSEAL_SIM_TRACE=$T/trace "$FWDEV" confirm "$D" >/dev/null 2>&1
grep -q '^efuse-burn secure_version 5->6 bits 0x0000001f->0x0000003f #[0-9]*$' "$T/trace" &&
  ok "confirm's eFuse burn is traced as an operation ($(grep -c . "$T/trace") ops)" || fail "efuse-burn trace line" "$(cat "$T/trace")"
k=$(burn_op "$T/trace")
for mode in clean torn; do
  rm -rf "$D"; cp -a "$T/pending" "$D"
  FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$k FWSEAL_SIM_CUT_MODE=$mode expect_exit 99 "confirm cut $mode at its burn (op $k) exits 99" "$FWDEV" confirm "$D"
  expect_stderr "simulated power loss at eFuse burn operation $k" "the cut names the eFuse burn"
  [ "$(efuse_sv)" = 5 ] && ok "$mode cut at the burn: eFuse still 5, ota_1 VALID" || fail "eFuse after the cut" "$(efuse_sv)"
  [ $mode = clean ] && cp -a "$D" "$T/healing"              # 6.0.0 VALID, eFuse 5, nothing runs
  got=$(version_after_boot)
  [ "$got" = 6.0.0 ] && [ "$(json_num efuse_secure_version "$T/b.json")" = 6 ] &&
    ok "$mode: the next boot runs 6.0.0 and heals the eFuse to 6" || fail "$mode: healing boot" "$got $(cat "$T/b.json")"
  expect_exit 1 "$mode: then an OTA of the older signed 5.0.0 is refused" "$FWDEV" ota "$D" --file "$T/v5.bin"
  expect_stderr "secure_version|rollback|anti-rollback" "$mode: refused as a rollback"
  [ "$(version_after_boot)" = 6.0.0 ] && ok "$mode: 6.0.0 still boots" || fail "$mode: boot after the refused downgrade"
done

# the healing boot: cut at every operation (its burn), then double cuts:
# confirm cut at its burn, then a cut at the healing boot's burn
n=$(ops_of "$T/healing" "$FWDEV" boot "$D")
grep -q '^efuse-burn secure_version 5->6 ' "$T/trace" && ok "the healing boot burns ($n op)" || fail "healing boot trace" "$(cat "$T/trace")"
sweep "cut during the healing boot" "$T/healing" "6.0.0" "$(all_ops "$n")" "$FWDEV" boot "$D"
mkdir -p "$T/h2"; bad=0
for m1 in clean torn; do for m2 in clean torn; do
  rm -rf "$D"; cp -a "$T/pending" "$D"
  FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$k FWSEAL_SIM_CUT_MODE=$m1 "$FWDEV" confirm "$D" >/dev/null 2>&1
  FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=1 FWSEAL_SIM_CUT_MODE=$m2 "$FWDEV" boot "$D" >/dev/null 2>&1; rc=$?
  got=$(version_after_boot)
  if [ $rc -ne 99 ] || [ "$got" != 6.0.0 ] || [ "$(json_num efuse_secure_version "$T/b.json")" != 6 ] || ! downgrade_refused >"$T/dg.why"; then
    bad=1; fail "double cut ($m1 at confirm's burn, $m2 at the healing burn)" "exit $rc, ran $got, $(cat "$T/b.json") $(cat "$T/dg.why"); replay: FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$k FWSEAL_SIM_CUT_MODE=$m1 fwseal-device confirm DEV, then FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=1 FWSEAL_SIM_CUT_MODE=$m2 fwseal-device boot DEV"
  fi
done; done
[ $bad -eq 0 ] && ok "double cuts (confirm's burn, then the healing boot's burn): healed at the third boot, 5.0.0 refused"

# the OTA precondition heals too: the app keeps running after the lost burn
# (its running record restored), its OTA burns first, then refuses 5.0.0
cp -a "$T/healing" "$T/healing_run"; cp "$T/pending/running" "$T/healing_run/running"
n=$(ops_of "$T/healing_run" "$FWDEV" ota "$D" --file "$T/v5.bin")
[ "$(head -1 "$T/trace" | cut -d' ' -f1-2)" = "efuse-burn secure_version" ] &&
  ok "an OTA by the VALID app heals the eFuse before any erase ($n ops)" || fail "ota precondition trace" "$(head -2 "$T/trace")"
[ "$(efuse_sv)" = 6 ] && ok "OTA precondition: eFuse 6" || fail "OTA precondition eFuse" "$(efuse_sv)"
sweep "cut during an OTA precondition heal" "$T/healing_run" "6.0.0" "$(all_ops "$n")" "$FWDEV" ota "$D" --file "$T/v5.bin"

# the first boot of factory-flashed contents (no otadata entry) records a
# VALID entry and burns its secure_version (0 -> 5: torn cuts leave 2 bits)
I=$T/init; rm -rf "$I"
"$FWDEV" init "$I" --partitions "$V/partition_table/partitions_factory_two_ota_encr_nvs.csv" \
  --flash-encryption xts-128 --flash-key "$V/flash_encryption/fe_key_xts_256.bin" \
  --secure-boot-key "$S/sb_rsa3072_key1_pub.pem" >/dev/null && "$FWDEV" flash "$I" --partition ota_0 "$T/v5.bin" >/dev/null || exit 1
n=$(ops_of "$I" "$FWDEV" boot "$D")
grep -q '^efuse-burn secure_version 0->5 ' "$T/trace" && ok "the first boot of initial contents burns ($n ops)" || fail "initial boot trace" "$(cat "$T/trace")"
sweep "cut during the first boot of initial contents" "$I" "5.0.0" "$(all_ops "$n")" "$FWDEV" boot "$D"

# ---- after a cut nothing "runs": ota/confirm boot first
rm -rf "$D"; cp -a "$T/base" "$D"
FWSEAL_SIM_CUT_AT=2 "$FWDEV" ota "$D" --file "$T/v6.bin" >/dev/null 2>&1
[ ! -e "$D/running" ] && ok "power cut leaves no running app record" || fail "running record survived a cut"
expect_exit 0 "ota after a cut boots first" "$FWDEV" ota "$D" --file "$T/v6.bin"
expect_stdout "^booted ota_0" "ota printed the boot it needed"
