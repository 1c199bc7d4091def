#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench part: NVS store (device library on a RAM NOR flash): set/get
# operations per second plain and XTS-encrypted, bytes programmed per
# update, mount time of the ESP vector (tests/tools/nvs_bench.c).
set -u
root=${FWSEAL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
build=${FWSEAL_BUILD:-$root/build}
shared=${FWSEAL_SHARED:-$(cd "$root/.." && pwd)/shared}
B=$build/tools/nvs_bench
[ -x "$B" ] || { echo "40-nvs: build first (make all)" >&2; exit 3; }
"$B" "$shared/vectors/nvs/nvs.bin"
