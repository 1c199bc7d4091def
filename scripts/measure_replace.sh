#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Cost of replacing an existing output (issue 17): `fwseal sign` of a 64 MiB
# file into a directory on the file system under test, with the output absent
# ("fresh") and already present ("replace"), interleaved run by run, for each
# fwseal binary given (e.g. an old and a new build). Prints min and median
# wall ms per case. Not a test (no timing assertions anywhere): run by hand.
#   scripts/measure_replace.sh [-n RUNS] [-d DIR] [-s MiB] FWSEAL [FWSEAL...]
# DIR defaults to a fresh directory under build/ (ext4 here); the page cache
# is warm for the input; `sync` runs before every timed command so earlier
# writeback does not leak into the next sample.
set -u
n=7 dir= mib=64
while getopts n:d:s: o; do case $o in n) n=$OPTARG ;; d) dir=$OPTARG ;; s) mib=$OPTARG ;; *) exit 2 ;; esac; done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-n RUNS] [-d DIR] [-s MiB] FWSEAL [FWSEAL...]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
key=${FWSEAL_SHARED:-$root/../shared}/vectors/secure_boot_v2/sb_rsa3072_key1.pem
dir=${dir:-$(mktemp -d "$root/build/replace.XXXXXX")}
mkdir -p "$dir"
trap 'rm -rf "$dir"/in.bin "$dir"/out.*' EXIT
head -c $((mib * 1024 * 1024)) /dev/urandom >"$dir/in.bin"; cat "$dir/in.bin" >/dev/null
echo "file system: $(stat -f -c %T "$dir") ($(findmnt -n -o FSTYPE,OPTIONS -T "$dir" 2>/dev/null))"
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || echo "failed: $*" >&2; t1=$(date +%s%N); echo $(((t1 - t0) / 1000)); }
declare -A samples
for ((r = 0; r < n; r++)); do
  i=0
  for bin in "$@"; do
    i=$((i + 1)); out=$dir/out.$i
    rm -f "$out"; sync
    samples[$i,fresh]+="$(ms "$bin" sign --key "$key" "$dir/in.bin" -o "$out") "
    sync                                  # out exists now, fully on disk
    samples[$i,replace]+="$(ms "$bin" sign --key "$key" "$dir/in.bin" -o "$out") "
  done
done
stat1() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {printf "min %7.1f ms  median %7.1f ms", a[1]/1000, a[int((NR+1)/2)]/1000}'; }
i=0
for bin in "$@"; do
  i=$((i + 1))
  for c in fresh replace; do
    printf '%-40s %-8s %s (%d runs, %d MiB)\n' "$bin" "$c" "$(echo "${samples[$i,$c]}" | stat1)" "$n" "$mib"
  done
done
