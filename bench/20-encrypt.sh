#!/usr/bin/env bash
# bench part: encryption for distribution and flash encryption.
#  - sign+encrypt (fwseal sign, then fwseal encrypt RSA-3072) of 4 MiB and
#    64 MiB vs the raw-EVP baseline tests/tools/evp_baseline_gcm.c (SHA-256 +
#    RSA-3072-PSS sign + AES-256-GCM of the same file, output written, not
#    fsynced, like fwseal's), ratio = fwseal / baseline (goal <= 1.3);
#  - encrypt and decrypt alone (MB/s), flash-encrypt 16 MiB (MB/s) for
#    XTS-AES-128, XTS-AES-256 and the legacy ESP32 scheme.
# Wall-clock, best of 3 runs (the machine may be shared).
set -u
root=${FWSEAL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
build=${FWSEAL_BUILD:-$root/build}
shared=${FWSEAL_SHARED:-$(cd "$root/.." && pwd)/shared}
V=$shared/vectors
F=$build/bin/fwseal
B=$build/tools/evp_baseline_gcm
tmp=${BENCH_TMP:-$(mktemp -d)}/enc
mkdir -p "$tmp"
[ -x "$F" ] && [ -x "$B" ] || { echo "20-encrypt: build first (make all)" >&2; exit 3; }
sk=$V/secure_boot_v2/sb_rsa3072_key1.pem
pub=$V/pre_encrypted/rsa/rsa_pub_key.pem
priv=$V/pre_encrypted/rsa/rsa_priv_key.pem

row() { printf 'BENCH\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"; }
now() { date +%s%N; }
# best_ms CMD...: best wall time of 3 runs in ms (3 decimals), or "fail"
best_ms() {
  local best="" t0 t i
  for i in 1 2 3; do
    t0=$(now)
    "$@" >/dev/null 2>&1 || { echo fail; return; }
    t=$(( $(now) - t0 ))
    [ -z "$best" ] || [ "$t" -lt "$best" ] && best=$t
  done
  awk -v ns="$best" 'BEGIN { printf "%.1f", ns / 1e6 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
mbps() { awk -v mib="$1" -v ms="$2" 'BEGIN { if (ms > 0) printf "%.0f", mib * 1048576 / 1e6 / (ms / 1e3); else print "-" }'; }

two_step() { "$F" sign --key "$sk" "$1" -o "$tmp/s.bin" && "$F" encrypt --pubkey "$pub" "$tmp/s.bin" -o "$tmp/e.bin"; }
one_pass() { "$F" encrypt --sign-key "$sk" --pubkey "$pub" "$1" -o "$tmp/e.bin"; }

for mib in 4 64; do
  head -c $((mib * 1024 * 1024)) /dev/urandom >"$tmp/in.bin"
  base=$(best_ms "$B" "$sk" "$tmp/in.bin" "$tmp/b.bin")
  for mode in one_pass two_step; do
    ours=$(best_ms $mode "$tmp/in.bin")
    if [ $mode = one_pass ]; then what="fwseal encrypt --sign-key (one pass)"; else what="fwseal sign; fwseal encrypt (temp file)"; fi
    if [ "$ours" = fail ] || [ "$base" = fail ]; then
      row "encrypt" "sign+encrypt ${mib} MiB RSA-3072 ($mode)" fail ms "$base" - "$what failed"
    else
      row "encrypt" "sign+encrypt ${mib} MiB RSA-3072 ($mode)" "$ours" ms "$base" "$(ratio "$ours" "$base")" "$what vs raw EVP SHA-256+PSS+GCM; goal <= 1.3"
    fi
  done
done
# 64 MiB input still in $tmp/in.bin
enc=$(best_ms "$F" encrypt --pubkey "$pub" "$tmp/in.bin" -o "$tmp/e.bin")
row "encrypt" "encrypt 64 MiB (RSA-3072, AES-256-GCM)" "$(mbps 64 "$enc")" MB/s - - "${enc} ms incl. writing the output"
dec=$(best_ms "$F" decrypt --key "$priv" "$tmp/e.bin" -o "$tmp/d.bin")
row "encrypt" "decrypt 64 MiB (RSA-3072, AES-256-GCM)" "$(mbps 64 "$dec")" MB/s - - "${dec} ms incl. writing the output"
rm -f "$tmp/e.bin" "$tmp/d.bin" "$tmp/s.bin" "$tmp/b.bin"

head -c $((16 * 1024 * 1024)) "$tmp/in.bin" >"$tmp/fe.bin"
fe() { "$F" flash-encrypt "$@" --address 0x10000 "$tmp/fe.bin" -o "$tmp/fe.out"; }
t=$(best_ms fe --key "$V/flash_encryption/fe_key_xts_256.bin")
row "flash encryption" "flash-encrypt 16 MiB XTS-AES-128" "$(mbps 16 "$t")" MB/s - - "${t} ms incl. writing the output"
t=$(best_ms fe --key "$V/flash_encryption/fe_key_xts_512.bin")
row "flash encryption" "flash-encrypt 16 MiB XTS-AES-256" "$(mbps 16 "$t")" MB/s - - "${t} ms incl. writing the output"
t=$(best_ms fe --scheme esp32 --key "$V/flash_encryption/fe_key_esp32_256.bin")
row "flash encryption" "flash-encrypt 16 MiB legacy ESP32" "$(mbps 16 "$t")" MB/s - - "${t} ms; one AES-256 key schedule per 32-byte row"
rm -f "$tmp/in.bin" "$tmp/fe.bin" "$tmp/fe.out"

# The two host XTS strategies of FORMATS 4.3, in memory (tests/tools/xts_paths.c):
# per-unit EVP XTS (what fwseal uses) vs batched per-block alpha^m with AES-ECB.
if [ -x "$build/tools/xts_paths" ] && read -r unit alpha < <("$build/tools/xts_paths" 16); then
  row "flash encryption" "XTS-AES-128 in memory, per-unit EVP XTS (used)" "$unit" MB/s - - "16 MiB, no I/O, CPU time"
  row "flash encryption" "XTS-AES-128 in memory, batched alpha^m AES-ECB" "$alpha" MB/s "$unit" "$(ratio "$alpha" "$unit")" "alternative path; outputs checked identical"
fi
