#!/usr/bin/env bash
# Issue 4 acceptance 3 through the CLI and its environment contract
# (FWSEAL_SIM_TRACE / FWSEAL_SIM_CUT_AT / FWSEAL_SIM_CUT_MODE=torn): a power
# cut in an OTA and in each boot state change exits 99, and the next `boot`
# always runs a valid signed image (old or new; never an unconfirmed one
# after PENDING_VERIFY). Every write/erase of the OTA and of each state
# change, both modes (the same sweeps also run in-process, with more
# invariants, in tests/unit/test_boot_powercut.c). Torn cuts follow the NOR
# fault model (device/sim/fwd_sim_tear.h) with a prefix and bits chosen by
# FWSEAL_SIM_CUT_SEED (default 1) per cut; a failure prints the replay line.
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

version_after_boot() {
  "$FWDEV" boot "$D" --json >"$T/b.json" 2>"$T/b.err" || { echo "boot-failed:$(cat "$T/b.err")"; return; }
  sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$T/b.json"
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

# ---- after a cut nothing "runs": ota/confirm boot first
rm -rf "$D"; cp -a "$T/base" "$D"
FWSEAL_SIM_CUT_AT=2 "$FWDEV" ota "$D" --file "$T/v6.bin" >/dev/null 2>&1
[ ! -e "$D/running" ] && ok "power cut leaves no running app record" || fail "running record survived a cut"
expect_exit 0 "ota after a cut boots first" "$FWDEV" ota "$D" --file "$T/v6.bin"
expect_stdout "^booted ota_0" "ota printed the boot it needed"
