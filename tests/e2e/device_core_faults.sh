#!/usr/bin/env bash
# Fault-injection contract of every fwseal-device command (issue 4):
# FWSEAL_SIM_TRACE lines, FWSEAL_SIM_CUT_AT=N exits 99 with operation N undone,
# FWSEAL_SIM_CUT_MODE=torn leaves a documented prefix (first half of a write
# rounded down to the write alignment; first half of an erase range).
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

# Torn erase: the first half of the range is erased, the rest untouched.
expect_exit 99 "torn erase exits 99" env FWSEAL_SIM_CUT_AT=1 FWSEAL_SIM_CUT_MODE=torn "$FWDEV" flash "$d" --partition ota_0 "$APP"
check "raw read after torn erase" "$FWDEV" read "$d" --partition ota_0 --raw --length 106496 -o "$T/raw"
head -c 53248 /dev/zero | tr '\0' '\377' >"$T/ff"
if cmp -s -n 53248 "$T/raw" "$T/ff"; then ok "torn erase: first half erased"; else fail "torn erase: first half erased"; fi
if cmp -s -n $((N - 53248)) <(tail -c +53249 "$T/raw") <(tail -c +53249 "$CT"); then ok "torn erase: second half untouched"; else fail "torn erase: second half untouched"; fi

# CUT_AT=2: erase done, first write not: the slot reads erased.
expect_exit 99 "cut at first write" env FWSEAL_SIM_CUT_AT=2 "$FWDEV" flash "$d" --partition ota_0 "$APP"
check "raw read" "$FWDEV" read "$d" --partition ota_0 --raw --length 4096 -o "$T/raw"
if cmp -s -n 4096 "$T/raw" "$T/ff"; then ok "clean cut: write undone, sector erased"; else fail "clean cut: write undone"; fi

# Torn write: first 2048 of 4096 bytes programmed.
expect_exit 99 "torn write exits 99" env FWSEAL_SIM_CUT_AT=2 FWSEAL_SIM_CUT_MODE=torn "$FWDEV" flash "$d" --partition ota_0 "$APP"
check "raw read" "$FWDEV" read "$d" --partition ota_0 --raw --length 4096 -o "$T/raw"
if cmp -s -n 2048 "$T/raw" "$CT"; then ok "torn write: prefix programmed"; else fail "torn write: prefix programmed"; fi
if cmp -s -n 2048 <(tail -c +2049 "$T/raw") "$T/ff"; then ok "torn write: rest still erased"; else fail "torn write: rest still erased"; fi

# Power back: a complete flash restores the image.
check "re-flash after cuts" "$FWDEV" flash "$d" --partition ota_0 "$APP"
same_file "$d/flash.bin" "$T/before.bin" "device state identical after recovery"

# A cut beyond the last operation never fires.
expect_exit 0 "cut past the end" env FWSEAL_SIM_CUT_AT=1000 "$FWDEV" flash "$d" --partition ota_0 "$APP"

# Bad environment values are usage errors, before anything is written.
expect_exit 2 "CUT_AT=0 refused" env FWSEAL_SIM_CUT_AT=0 "$FWDEV" status "$d"
expect_exit 2 "CUT_AT=abc refused" env FWSEAL_SIM_CUT_AT=abc "$FWDEV" status "$d"
expect_exit 2 "CUT_MODE=half refused" env FWSEAL_SIM_CUT_AT=1 FWSEAL_SIM_CUT_MODE=half "$FWDEV" status "$d"
expect_exit 3 "unwritable trace file" env FWSEAL_SIM_TRACE=/nonexistent/dir/trace "$FWDEV" status "$d"

# init itself honours the contract (partition table write through FE).
expect_exit 99 "cut during init" env FWSEAL_SIM_CUT_AT=2 "$FWDEV" init "$T/dev2" --partitions "$V/partition_table/partitions_two_ota.csv"
