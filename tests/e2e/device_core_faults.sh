#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fault-injection contract of every fwseal-device command (issue 4):
# FWSEAL_SIM_TRACE lines, FWSEAL_SIM_CUT_AT=N exits 99 with operation N undone,
# FWSEAL_SIM_CUT_MODE=torn tears the operation with the NOR fault model of
# device/port/sim/fwd_sim_tear.h: FWSEAL_SIM_CUT_KEEP bytes (or a prefix the seed
# picks) happen exactly, the word in flight is half-programmed / the rest of
# the sector in flight weakly erased, everything after it is untouched;
# FWSEAL_SIM_CUT_SEED makes the torn bits reproducible.
. "$(dirname "$0")/lib.sh"

APP=$V/app/app_esp32c3_64k.bin
CT=$V/flash_encryption/ct_xts256_0x10000_app_esp32c3_64k.bin
N=$(stat -c %s "$APP")
d=$T/dev
check "init" "$FWDEV" init "$d" --partitions "$V/partition_table/partitions_two_ota.csv" \
  --flash-encryption xts-128 --flash-key "$V/flash_encryption/fe_key_xts_256.bin"

# Trace: one line per write/erase, op number running within the process.
check "flash with trace" env FWSEAL_SIM_TRACE="$T/trace" "$FWDEV" flash "$d" --partition ota_0 "$APP"
if grep -Evq '^(write|erase) 0x[0-9a-f]{8} [0-9]+ #[0-9]+$' "$T/trace"; then fail "trace line format" "$(head -3 "$T/trace")"; else ok "trace line format"; fi
first=$(head -1 "$T/trace")
[ "$first" = "erase 0x00010000 106496 #1" ] && ok "first op erases the needed sectors" || fail "first op" "$first"
[ "$(sed -n 2p "$T/trace")" = "write 0x00010000 4096 #2" ] && ok "then 4 KiB encrypted writes" || fail "second op" "$(sed -n 2p "$T/trace")"
ops=$(wc -l <"$T/trace")
[ "$ops" -eq 27 ] && ok "27 operations (1 erase + 26 writes)" || fail "op count $ops"
[ "$(tail -1 "$T/trace")" = "write 0x00029000 2384 #27" ] && ok "last write is the tail" || fail "last op" "$(tail -1 "$T/trace")"
check "reads are not traced" env FWSEAL_SIM_TRACE="$T/trace2" "$FWDEV" read "$d" --partition ota_0 -o "$T/x"
[ ! -s "$T/trace2" ] && ok "read-only command leaves an empty trace" || fail "read traced"

cp "$d/flash.bin" "$T/before.bin"

# CUT_AT=1 on a re-flash: the erase does not happen, flash unchanged, exit 99.
expect_exit 99 "cut at op 1 exits 99" env FWSEAL_SIM_CUT_AT=1 FWSEAL_SIM_TRACE="$T/trace3" "$FWDEV" flash "$d" --partition ota_0 "$APP"
expect_stderr "simulated power loss at flash operation 1" "cut reported on stderr"
same_file "$d/flash.bin" "$T/before.bin" "clean cut: operation 1 undone"
[ "$(cat "$T/trace3")" = "erase 0x00010000 106496 #1 cut=clean" ] && ok "cut op traced" || fail "cut trace" "$(cat "$T/trace3")"

# Torn erase, prefix 53248 (13 sectors): those bytes erased, sector 13 (in
# flight) keeps its old bytes with some 1 bits added, the rest untouched.
expect_exit 99 "torn erase exits 99" env FWSEAL_SIM_CUT_AT=1 FWSEAL_SIM_CUT_MODE=torn FWSEAL_SIM_CUT_KEEP=53248 \
  FWSEAL_SIM_TRACE="$T/trace4" "$FWDEV" flash "$d" --partition ota_0 "$APP"
[ "$(cat "$T/trace4")" = "erase 0x00010000 106496 #1 cut=torn keep=53248" ] && ok "torn cut traced with its prefix" || fail "torn trace" "$(cat "$T/trace4")"
check "raw read after torn erase" "$FWDEV" read "$d" --partition ota_0 --raw --length 106496 -o "$T/raw"
head -c 53248 /dev/zero | tr '\0' '\377' >"$T/ff"
if cmp -s -n 53248 "$T/raw" "$T/ff"; then ok "torn erase: prefix erased"; else fail "torn erase: prefix erased"; fi
if cmp -s -n $((N - 57344)) <(tail -c +57345 "$T/raw") <(tail -c +57345 "$CT"); then ok "torn erase: sectors after the one in flight untouched"; else fail "torn erase: later sectors untouched"; fi
python3 - "$T/raw" "$CT" <<'PY' && ok "torn erase: the sector in flight only gained 1 bits" || fail "torn erase: sector in flight"
import sys
raw, ct = open(sys.argv[1], "rb").read()[53248:57344], open(sys.argv[2], "rb").read()[53248:57344]
sys.exit(0 if all(r & c == c for r, c in zip(raw, ct)) else 1)
PY
# The same seed replays the same torn bytes; another seed tears differently.
torn_erase_with_seed() {
  "$FWDEV" flash "$d" --partition ota_0 "$APP" >/dev/null || return 1
  env FWSEAL_SIM_CUT_AT=1 FWSEAL_SIM_CUT_MODE=torn FWSEAL_SIM_CUT_KEEP=53248 FWSEAL_SIM_CUT_SEED="$1" \
    "$FWDEV" flash "$d" --partition ota_0 "$APP" >/dev/null 2>&1
  "$FWDEV" read "$d" --partition ota_0 --raw --length 106496 -o "$2" >/dev/null
}
torn_erase_with_seed 7 "$T/s7a"; torn_erase_with_seed 7 "$T/s7b"; torn_erase_with_seed 0x2a "$T/s42"
same_file "$T/s7a" "$T/s7b" "torn erase: same FWSEAL_SIM_CUT_SEED, same bytes"
if cmp -s "$T/s7a" "$T/s42"; then fail "torn erase: another seed tears differently"; else ok "torn erase: another seed tears differently"; fi
"$FWDEV" flash "$d" --partition ota_0 "$APP" >/dev/null || fail "re-flash"

# CUT_AT=2: erase done, first write not: the slot reads erased.
expect_exit 99 "cut at first write" env FWSEAL_SIM_CUT_AT=2 "$FWDEV" flash "$d" --partition ota_0 "$APP"
check "raw read" "$FWDEV" read "$d" --partition ota_0 --raw --length 4096 -o "$T/raw"
if cmp -s -n 4096 "$T/raw" "$T/ff"; then ok "clean cut: write undone, sector erased"; else fail "clean cut: write undone"; fi

# Torn write, prefix 2048 of 4096: programmed exactly, the word at 2048..2051
# only loses bits the write clears, the rest still erased.
expect_exit 99 "torn write exits 99" env FWSEAL_SIM_CUT_AT=2 FWSEAL_SIM_CUT_MODE=torn FWSEAL_SIM_CUT_KEEP=2048 "$FWDEV" flash "$d" --partition ota_0 "$APP"
check "raw read" "$FWDEV" read "$d" --partition ota_0 --raw --length 4096 -o "$T/raw"
if cmp -s -n 2048 "$T/raw" "$CT"; then ok "torn write: prefix programmed"; else fail "torn write: prefix programmed"; fi
if cmp -s -n 2044 <(tail -c +2053 "$T/raw") "$T/ff"; then ok "torn write: after the word in flight still erased"; else fail "torn write: rest still erased"; fi
python3 - "$T/raw" "$CT" <<'PY' && ok "torn write: the word in flight only lost bits the write clears" || fail "torn write: word in flight"
import sys
raw, ct = open(sys.argv[1], "rb").read()[2048:2052], open(sys.argv[2], "rb").read()[2048:2052]
sys.exit(0 if all(r & c == c for r, c in zip(raw, ct)) else 1)
PY

# Power back: a complete flash restores the image.
check "re-flash after cuts" "$FWDEV" flash "$d" --partition ota_0 "$APP"
same_file "$d/flash.bin" "$T/before.bin" "device state identical after recovery"

# A cut beyond the last operation never fires.
expect_exit 0 "cut past the end" env FWSEAL_SIM_CUT_AT=1000 "$FWDEV" flash "$d" --partition ota_0 "$APP"

# Bad environment values are usage errors, before anything is written.
expect_exit 2 "CUT_AT=0 refused" env FWSEAL_SIM_CUT_AT=0 "$FWDEV" status "$d"
expect_exit 2 "CUT_AT=abc refused" env FWSEAL_SIM_CUT_AT=abc "$FWDEV" status "$d"
expect_exit 2 "CUT_MODE=half refused" env FWSEAL_SIM_CUT_AT=1 FWSEAL_SIM_CUT_MODE=half "$FWDEV" status "$d"
expect_exit 2 "CUT_SEED=abc refused" env FWSEAL_SIM_CUT_SEED=abc "$FWDEV" status "$d"
expect_exit 2 "CUT_KEEP=-1 refused" env FWSEAL_SIM_CUT_KEEP=-1 "$FWDEV" status "$d"
expect_exit 3 "unwritable trace file" env FWSEAL_SIM_TRACE=/nonexistent/dir/trace "$FWDEV" status "$d"

# init itself honours the contract (partition table write through FE).
expect_exit 99 "cut during init" env FWSEAL_SIM_CUT_AT=2 "$FWDEV" init "$T/dev2" --partitions "$V/partition_table/partitions_two_ota.csv"
