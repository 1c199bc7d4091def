#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench part: Secure Boot V2 signing time of fwseal next to a minimal raw-EVP
# baseline (build/tools/evp_baseline sha256-pss: SHA-256 of the file + one
# RSA-3072 PSS signature, no output file), measured in the same run on the
# same files. Figures are the minimum wall time of N runs (noise on a shared
# machine only ever adds time). fwseal also writes the signed copy of the
# input (atomic output: temp file + rename), which the baseline does not.
set -u
root=${FWSEAL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
build=${FWSEAL_BUILD:-$root/build}
shared=${FWSEAL_SHARED:-$(cd "$root/.." && pwd)/shared}
tmp=${BENCH_TMP:-$(mktemp -d)}/sign
mkdir -p "$tmp"
FWSEAL=$build/bin/fwseal BASE=$build/tools/evp_baseline
KEY=$shared/vectors/secure_boot_v2/sb_rsa3072_key1.pem
PUB=$shared/vectors/secure_boot_v2/sb_rsa3072_key1_pub.pem
N=${BENCH_REPS:-7}
for f in "$FWSEAL" "$BASE" "$KEY"; do [ -e "$f" ] || { echo "10-sign: $f missing (make all)" >&2; exit 3; }; done

row() { printf 'BENCH\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"; }
# min_ms CMD...: minimum over N runs of the wall time (ms); the minimum CPU
# time (user+sys, ms) of those runs is left in $CPU_MS.
min_ms() {
  local best= cbest= i r u s w c TIMEFORMAT='%3R %3U %3S'
  for ((i = 0; i < N; i++)); do
    { time "$@" >/dev/null 2>&1 || echo FAIL >&2; } 2>"$tmp/t"
    grep -q FAIL "$tmp/t" && { echo "10-sign: failed: $*" >&2; return 1; }
    read -r r u s <"$tmp/t"
    w=$(awk -v r="$r" 'BEGIN { printf "%d", r * 1000000 }'); c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%d", (u + s) * 1000000 }')
    [ -z "$best" ] || [ "$w" -lt "$best" ] && best=$w
    [ -z "$cbest" ] || [ "$c" -lt "$cbest" ] && cbest=$c
  done
  CPU_MS=$(awk -v c="$cbest" 'BEGIN { printf "%.1f", c / 1000 }')
  awk -v b="$best" 'BEGIN { printf "%.2f", b / 1000 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }

for mib in 4 64; do
  img=$tmp/img_${mib}m.bin
  head -c $((mib * 1024 * 1024)) /dev/urandom >"$img"
  cat "$img" >/dev/null   # warm the page cache for both contenders
  min_ms "$BASE" sha256-pss "$KEY" "$img" >"$tmp/v" || exit 1; base=$(cat "$tmp/v"); base_cpu=$CPU_MS
  min_ms "$FWSEAL" sign --key "$KEY" "$img" -o "$tmp/out.bin" >"$tmp/v" || exit 1; sign=$(cat "$tmp/v")
  row "sign (RSA-3072)" "fwseal sign ${mib} MiB" "$sign" ms "$base" "$(ratio "$sign" "$base")" \
      "wall, min of $N; baseline = raw EVP SHA-256 + PSS, no output; goal <= 1.3x"
  row "sign (RSA-3072)" "fwseal sign ${mib} MiB CPU" "$CPU_MS" ms "$base_cpu" "$(ratio "$CPU_MS" "$base_cpu")" \
      "user+sys, min of $N (steadier than wall time on a loaded machine)"
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then   # same, output on tmpfs: isolates the disk flush cost
    shm=$(mktemp /dev/shm/fwseal-bench.XXXXXX)
    min_ms "$FWSEAL" sign --key "$KEY" "$img" -o "$shm" >"$tmp/v" || { rm -f "$shm"; exit 1; }; s2=$(cat "$tmp/v")
    rm -f "$shm"
    row "sign (RSA-3072)" "fwseal sign ${mib} MiB, output on tmpfs" "$s2" ms "$base" "$(ratio "$s2" "$base")" \
        "min of $N; same as above with the output on tmpfs (no physical write)"
  fi
  /usr/bin/time -f '%M' -o "$tmp/rss" "$FWSEAL" sign --key "$KEY" "$img" -o "$tmp/out.bin" >/dev/null 2>&1
  row "sign (RSA-3072)" "fwseal sign ${mib} MiB peak RSS" "$(tail -1 "$tmp/rss")" KiB - - "GNU time %M"
  min_ms "$BASE" sha256-pss-verify "$PUB" "$tmp/out.bin" >"$tmp/v" || exit 1; vbase=$(cat "$tmp/v")
  min_ms "$FWSEAL" verify --raw "$tmp/out.bin" --trust "$PUB" >"$tmp/v" || exit 1; ver=$(cat "$tmp/v")
  row "verify" "fwseal verify --raw ${mib} MiB" "$ver" ms "$vbase" "$(ratio "$ver" "$vbase")" \
      "min of $N; baseline = raw EVP one SHA-256 pass of the signed region + PSS verify (evp_baseline sha256-pss-verify)"
  rm -f "$img" "$tmp/out.bin"
done
# Instructions of the whole check (app image checks + signature, no --raw):
# 5 MiB minus 1 MiB signed app image (fixed costs cancel), next to the raw
# one-SHA-256-pass + PSS verify reference on the same files.
if command -v valgrind >/dev/null; then
  cgv() { valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$@" >/dev/null 2>&1 && grep -E '^(summary|totals):' "$tmp/cg.out" | head -1 | awk '{ print $2 }'; }
  for mib in 1 5; do
    "$FWSEAL" mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project bench --size $((mib * 1024 - 8))K -o "$tmp/app.bin" >/dev/null &&
      "$FWSEAL" sign --key "$KEY" "$tmp/app.bin" -o "$tmp/app$mib.s.bin" >/dev/null || exit 1
  done
  I1=$(cgv "$FWSEAL" verify "$tmp/app1.s.bin" --trust "$PUB") I5=$(cgv "$FWSEAL" verify "$tmp/app5.s.bin" --trust "$PUB")
  B1=$(cgv "$BASE" sha256-pss-verify "$PUB" "$tmp/app1.s.bin") B5=$(cgv "$BASE" sha256-pss-verify "$PUB" "$tmp/app5.s.bin")
  if [ -n "$I1" ] && [ -n "$I5" ] && [ -n "$B1" ] && [ -n "$B5" ]; then
    pi=$(((I5 - I1) / 4)) pb=$(((B5 - B1) / 4))
    row "verify" "fwseal verify (app image checks + signature), Ir per MiB" "$pi" Ir/MiB "$pb" "$(ratio "$pi" "$pb")" \
        "callgrind, 5 MiB minus 1 MiB signed app image; baseline = raw EVP one SHA-256 pass + PSS verify; goal <= 1.1x (one hash pass)"
  else
    row "verify" "fwseal verify, Ir per MiB" FAILED - - - "a callgrind run failed"
  fi
  rm -f "$tmp"/app*.bin
fi
