#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench part: what ECDSA P-384 costs the device verifier (issue 16).
# P-384 signs SHA-384 of the signed region; the SHA-256 pass stays (the
# appended image hash and the image's identity), so a device whose eFuse has
# SECURE_BOOT_SHA384_EN runs SHA-384 alongside SHA-256 over every image byte.
# Measured: callgrind instructions per MiB of `fwseal-device boot` (the
# bootloader verifies the image, its decision checked twice) as the
# difference of a 4 MiB and a 1 MiB image (fixed costs cancel), for a P-256
# device (SHA-256 only) and a P-384 device (both passes); the ratio is the
# per-byte cost of the second pass. Also the one-time signature check.
# (Why the device does not always run both: docs/architecture.md.)
set -u
root=${FWSEAL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
. "$root/bench/lib.sh"
B=${FWSEAL_BUILD:-$root/build}
FWSEAL=$B/bin/fwseal
FWDEV=$B/bin/fwseal-device
W=${BENCH_TMP:-$(mktemp -d)}/sigscheme
mkdir -p "$W" && cd "$W" || exit 3
have_callgrind || { row sigscheme "P-384 verify cost" SKIPPED - - - "valgrind not installed"; exit 0; }
cat >parts.csv <<'CSV'
# Name,   Type, SubType, Offset,   Size, Flags
nvs,      data, nvs,     ,        0x4000,
otadata,  data, ota,     ,        0x2000,
phy_init, data, phy,     ,        0x1000,
factory,  app,  factory, ,        5M,
CSV
for c in p256 p384; do $FWSEAL keygen ecdsa-$c -o $c.pem --pub ${c}_pub.pem >/dev/null || exit 3; done
for s in 1M 4M; do
  $FWSEAL mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project bench --size $s -o $s.bin >/dev/null || exit 3
  for c in p256 p384; do $FWSEAL sign --no-chip-check --key $c.pem $s.bin -o $s.$c.bin >/dev/null || exit 3; done
done
ir_boot() { # CURVE SIZE
  rm -rf dev
  $FWDEV init dev --partitions parts.csv --flash-size 8MB --secure-boot-key ${1}_pub.pem >/dev/null &&
    $FWDEV flash dev --partition factory $2.$1.bin >/dev/null || return 1
  cg_ir cg.$1.$2 $FWDEV boot dev
}
declare -A IR
for c in p256 p384; do for s in 1M 4M; do IR[$c.$s]=$(ir_boot $c $s) || { row sigscheme "boot Ir" FAILED - - - "$c $s"; exit 1; }; done; done
mib() { python3 -c "import os;print(round((os.path.getsize('4M.$1.bin')-os.path.getsize('1M.$1.bin'))/1048576,4))"; }
per() { python3 -c "print(int(($2-$1)/$3))"; }
P256=$(per "${IR[p256.1M]}" "${IR[p256.4M]}" "$(mib p256)")
P384=$(per "${IR[p384.1M]}" "${IR[p384.4M]}" "$(mib p384)")
row sigscheme "boot verify Ir per MiB, P-256 device (SHA-256 pass)" "$P256" Ir/MiB - - "fwseal-device boot, 4 MiB minus 1 MiB image"
row sigscheme "boot verify Ir per MiB, P-384 device (SHA-256 + SHA-384 passes)" "$P384" Ir/MiB "$P256" \
  "$(x_ratio "$P384" "$P256")" "vs the P-256 device: the cost of SHA384_EN per image byte"
row sigscheme "boot Ir, 1 MiB image, P-256 device" "${IR[p256.1M]}" Ir - - "whole command, signature check included"
row sigscheme "boot Ir, 1 MiB image, P-384 device" "${IR[p384.1M]}" Ir "${IR[p256.1M]}" \
  "$(x_ratio "${IR[p384.1M]}" "${IR[p256.1M]}")" "vs P-256"
