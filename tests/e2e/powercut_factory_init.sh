#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Power cuts in `fwseal-device factory-reset` and `fwseal-device init` under
# the NOR fault model (device/port/sim/fwd_sim_tear.h), through the CLI's
# FWSEAL_SIM_* contract:
#   factory-reset (one multi-sector erase of the user NVS): clean, and torn at
#     every prefix of fwd_sim_tear_points (0, 1, every 256 bytes of the first
#     sector, every sector boundary, len-1) — the factory partition is never
#     touched, the user store mounts and lists only old items with their old
#     values (never garbage; an item whose namespace entry was in an erased
#     page is listed without a namespace name, as ESP-IDF lists it), stays
#     writable, a namespace created afterwards holds only what is written to
#     it (never the stale items of a lost namespace), and a redone reset
#     empties the store;
#   init (partition table, otadata, nvs_keys): clean and torn at every
#     operation — exit 99, the next command fails with a one-line error or
#     works, and `init --force` then makes a working device.
# FWSEAL_SIM_CUT_SEED (default 1) seeds the torn bits; failures print a replay line.
. "$(dirname "$0")/lib.sh"
N=$V/nvs
SEED=${FWSEAL_SIM_CUT_SEED:-1}
echo "# cut seed $SEED"

cat >"$T/parts.csv" <<'CSV'
# Name,   Type, SubType, Offset,   Size, Flags
nvs,      data, nvs,     0x9000,  0x6000,
otadata,  data, ota,     0xf000,  0x2000,
fctry,    data, nvs,     0x11000, 0x4000,
nvs_keys, data, nvs_keys,0x15000, 0x1000, encrypted
CSV
head -c 32 /dev/urandom >"$T/fek.bin"
init_dev() { # DIR [--force]
  "$FWDEV" init "$1" --partitions "$T/parts.csv" --flash-size 128K --flash-encryption xts-128 \
    --flash-key "$T/fek.bin" --nvs-keys "$N/nvs_keys.bin" ${2:-}
}
D=$T/dev
check "init" init_dev "$D"
"$FWSEAL" nvs generate "$N/nvs.csv" 0x4000 -o "$T/fct.bin" --keys "$N/nvs_keys.bin" >/dev/null &&
  "$FWDEV" flash "$D" --partition fctry "$T/fct.bin" >/dev/null || { fail "factory partition"; exit 1; }
# a user store over several pages: 300 generated items, then CLI writes on top
{ echo "key,type,encoding,value"; echo "cfg,namespace,,"; for i in $(seq 1 300); do echo "k$i,data,u32,$((i * 1000))"; done; } >"$T/many.csv"
"$FWSEAL" nvs generate "$T/many.csv" 0x6000 -o "$T/many.bin" --keys "$N/nvs_keys.bin" >/dev/null &&
  "$FWDEV" flash "$D" --partition nvs "$T/many.bin" >/dev/null || { fail "user NVS image"; exit 1; }
"$FWDEV" nvs "$D" set wifi ssid string "my network" >/dev/null || fail "set ssid"
"$FWDEV" nvs "$D" set wifi cert blob @"$N/nvs_file_big.bin" >/dev/null || fail "set cert"
"$FWDEV" nvs "$D" list --json >"$T/old.json" || fail "list"
"$FWDEV" nvs "$D" --partition fctry list --json >"$T/fct.json" || fail "list fctry"
cp -a "$D" "$T/tmpl"

# ---- factory-reset
rm -f "$T/trace"
FWSEAL_SIM_TRACE=$T/trace "$FWDEV" factory-reset "$D" >/dev/null || fail "uncut factory-reset"
check "factory-reset is one erase of the user NVS" test "$(cat "$T/trace")" = "erase 0x00009000 24576 #1"
len=24576
keeps="clean 0 1"
for ((k = 256; k < 4096; k += 256)); do keeps="$keeps $k"; done
for ((k = 4096; k < len; k += 4096)); do keeps="$keeps $k"; done
keeps="$keeps $((len - 1))"
cuts=0 bad=0 partial=0
for keep in $keeps; do
  rm -rf "$D"; cp -a "$T/tmpl" "$D"
  if [ "$keep" = clean ]; then env_cut=(FWSEAL_SIM_CUT_AT=1); else env_cut=(FWSEAL_SIM_CUT_AT=1 FWSEAL_SIM_CUT_MODE=torn FWSEAL_SIM_CUT_KEEP="$keep"); fi
  replay="replay: FWSEAL_SIM_CUT_SEED=$SEED ${env_cut[*]} fwseal-device factory-reset DEV"
  env FWSEAL_SIM_CUT_SEED="$SEED" "${env_cut[@]}" "$FWDEV" factory-reset "$D" >/dev/null 2>&1
  rc=$?
  cuts=$((cuts + 1))
  [ $rc -eq 99 ] || { bad=$((bad + 1)); echo "keep $keep: exit $rc; $replay"; continue; }
  "$FWDEV" nvs "$D" --partition fctry list --json >"$T/f.json" 2>&1 && cmp -s "$T/f.json" "$T/fct.json" ||
    { bad=$((bad + 1)); echo "keep $keep: factory data changed; $replay"; continue; }
  "$FWDEV" nvs "$D" list --json >"$T/now.json" 2>"$T/err" ||
    { bad=$((bad + 1)); echo "keep $keep: user NVS does not mount: $(head -c 200 "$T/err"); $replay"; continue; }
  python3 - "$T/old.json" "$T/now.json" <<'PY' || { bad=$((bad + 1)); echo "keep $keep: an item is not its old value; $replay"; continue; }
import json, sys
def ident(r, ns):
    r = dict(r, namespace=ns)
    return json.dumps(r, sort_keys=True)
old = json.load(open(sys.argv[1]))
known = {ident(r, r["namespace"]) for r in old}
orphan_ok = {ident(r, "") for r in old}      # its namespace entry was erased
for r in json.load(open(sys.argv[2])):
    if ident(r, r["namespace"]) not in known and not (r["namespace"] == "" and ident(r, "") in orphan_ok):
        sys.exit("not an old item: %s" % r)
PY
  [ "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$T/now.json")" -gt 0 ] && partial=$((partial + 1))
  "$FWDEV" nvs "$D" set wifi chan u8 7 >/dev/null 2>&1 || { bad=$((bad + 1)); echo "keep $keep: not writable; $replay"; continue; }
  "$FWDEV" nvs "$D" set fresh x u8 1 >/dev/null 2>&1 && "$FWDEV" nvs "$D" list --json >"$T/fresh.json" 2>/dev/null &&
    python3 -c "import json,sys; sys.exit(0 if [r['key'] for r in json.load(open(sys.argv[1])) if r['namespace'] == 'fresh'] == ['x'] else 1)" "$T/fresh.json" ||
    { bad=$((bad + 1)); echo "keep $keep: a new namespace shows items never written to it; $replay"; continue; }
  "$FWDEV" factory-reset "$D" >/dev/null 2>&1 && "$FWDEV" nvs "$D" list --json >"$T/after.json" 2>/dev/null &&
    [ "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$T/after.json")" = 0 ] ||
    { bad=$((bad + 1)); echo "keep $keep: a redone factory-reset does not empty the store; $replay"; continue; }
done
check "factory-reset: $cuts cuts (clean + torn prefixes), factory data kept, only old values, writable, redo empties" test $bad -eq 0
echo "# $partial of the cuts left a partly reset store (old items still listed)"
check "some cuts leave a partly reset store (the sweep reaches that state)" test $partial -ge 3

# ---- init
rm -rf "$T/i"; rm -f "$T/itrace"
FWSEAL_SIM_TRACE=$T/itrace init_dev "$T/i" >/dev/null || fail "uncut init"
n=$(grep -c '' "$T/itrace")
check "init does flash operations ($n)" test "$n" -ge 3
cuts=0 bad=0
for mode in clean torn; do
  for ((i = 1; i <= n; i++)); do
    rm -rf "$T/i"
    replay="replay: FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$i FWSEAL_SIM_CUT_MODE=$mode fwseal-device init ..."
    FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$i FWSEAL_SIM_CUT_MODE=$mode init_dev "$T/i" >/dev/null 2>&1
    rc=$?
    cuts=$((cuts + 1))
    [ $rc -eq 99 ] || { bad=$((bad + 1)); echo "init cut $mode #$i: exit $rc; $replay"; continue; }
    "$FWDEV" nvs "$T/i" list >/dev/null 2>"$T/err"
    rc=$?
    case $rc in
      0) ;;
      1 | 3) [ "$(grep -c '' "$T/err")" = 1 ] || { bad=$((bad + 1)); echo "init cut $mode #$i: unclear error: $(cat "$T/err"); $replay"; continue; } ;;
      *) bad=$((bad + 1)); echo "init cut $mode #$i: nvs list exit $rc; $replay"; continue ;;
    esac
    init_dev "$T/i" --force >/dev/null 2>&1 && "$FWDEV" nvs "$T/i" set wifi ssid string ok >/dev/null 2>&1 &&
      [ "$("$FWDEV" nvs "$T/i" get wifi ssid 2>/dev/null)" = ok ] ||
      { bad=$((bad + 1)); echo "init cut $mode #$i: init --force does not make a working device; $replay"; continue; }
  done
done
check "init: $cuts cuts, a clear error or a working device, init --force recovers" test $bad -eq 0
