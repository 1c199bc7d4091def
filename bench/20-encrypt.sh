#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench part: release (sign + encrypt), verify of an encrypted image, flash
# encryption; every row next to the real limit, measured in the same run.
#  - release at 4 and 64 MiB: `fwseal encrypt --sign-key` (one pass; new
#    output, and output already there, i.e. replaced) and the two-step flow,
#    interleaved (A B A B ..., min and median) with build/tools/evp_onepass
#    release: the same crypto (SHA-256, RSA-3072-PSS sign, RSA key wrap,
#    AES-256-GCM) in one read of the file, no format code, new output; the
#    "output exists" row against the same program run over its existing
#    output (freeing the old file's blocks is work both then do);
#  - verify of a signed+encrypted image: callgrind instructions per MiB
#    (4 MiB minus 1 MiB run, fixed costs cancel) next to evp_onepass open (one
#    GCM decryption + one SHA-256 pass + the RSA ops);
#  - flash-encrypt 16 MiB XTS-AES-128 / -256, interleaved with `cp` of the
#    same file and `openssl speed -evp aes-N-xts -bytes 128` (OpenSSL's own XTS
#    on 128-byte units); limit = cp + 16 MiB at that XTS speed;
#  - legacy ESP32 scheme (no bulk reference: the key changes every 32 bytes).
# Wall-clock figures come from a possibly shared machine: min and median of
# BENCH_REPS (default 5) interleaved rounds; callgrind counts are exact.
set -u
root=${FWSEAL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
build=${FWSEAL_BUILD:-$root/build}
shared=${FWSEAL_SHARED:-$(cd "$root/.." && pwd)/shared}
. "$root/bench/lib.sh"
V=$shared/vectors
F=$build/bin/fwseal
R=$build/tools/evp_onepass
tmp=${BENCH_TMP:-$(mktemp -d)}/enc
BT=$tmp/t
mkdir -p "$BT"
N=${BENCH_REPS:-5}
[ -x "$F" ] && [ -x "$R" ] || { echo "20-encrypt: build first (make all)" >&2; exit 3; }
sk=$V/secure_boot_v2/sb_rsa3072_key1.pem
spub=$V/secure_boot_v2/sb_rsa3072_key1_pub.pem
pub=$V/pre_encrypted/rsa/rsa_pub_key.pem
priv=$V/pre_encrypted/rsa/rsa_priv_key.pem
fs=$(df --output=fstype "$tmp" 2>/dev/null | tail -1)

# ---- release: sign + encrypt ------------------------------------------------------
raw_prep() { rm -f "$tmp/raw.enc"; }
raw() { "$R" release "$sk" "$pub" "$tmp/in.bin" "$tmp/raw.enc"; }
# the same program when its output is already there: open(O_TRUNC)/write/
# close over it, in place (what evp_onepass, like most programs, does; not
# atomic); and the typical atomic way, OUT.tmp then rename() over OUT
raw_exists_prep() { [ -f "$tmp/rawx.enc" ] || cp "$tmp/in.bin" "$tmp/rawx.enc"; sync "$tmp/rawx.enc" 2>/dev/null; }
raw_exists() { "$R" release "$sk" "$pub" "$tmp/in.bin" "$tmp/rawx.enc"; }
raw_rename_prep() { [ -f "$tmp/rawr.enc" ] || cp "$tmp/in.bin" "$tmp/rawr.enc"; sync "$tmp/rawr.enc" 2>/dev/null; }
raw_rename() { "$R" release-rename "$sk" "$pub" "$tmp/in.bin" "$tmp/rawr.enc"; }
one_new_prep() { rm -f "$tmp/one.enc"; }
one_new() { "$F" encrypt --sign-key "$sk" --pubkey "$pub" "$tmp/in.bin" -o "$tmp/one.enc"; }
one_replace_prep() { [ -f "$tmp/rep.enc" ] || cp "$tmp/in.bin" "$tmp/rep.enc"; sync "$tmp/rep.enc" 2>/dev/null; }
one_replace() { "$F" encrypt --sign-key "$sk" --pubkey "$pub" "$tmp/in.bin" -o "$tmp/rep.enc"; }
two_step_prep() { rm -f "$tmp/s.bin" "$tmp/two.enc"; }
two_step() { "$F" sign --key "$sk" "$tmp/in.bin" -o "$tmp/s.bin" && "$F" encrypt --pubkey "$pub" "$tmp/s.bin" -o "$tmp/two.enc"; }

for mib in 4 64; do
  head -c $((mib * 1024 * 1024)) /dev/urandom >"$tmp/in.bin"
  rm -f "$tmp/rep.enc" "$tmp/rawx.enc" "$tmp/rawr.enc"
  if ileave "$N" raw one_new raw_exists one_replace raw_rename two_step; then
    # the reference must have done the real work: its output decrypts and verifies
    "$R" open "$priv" "$spub" "$tmp/raw.enc" || row release "raw one-pass reference" FAILED - - - "its output does not verify"
    base="raw EVP one pass (SHA-256 + PSS sign + key wrap + GCM, one read, new output)"
    basex="the same raw one pass with its output already there (open O_TRUNC/write/close over it, in place, not atomic)"
    for f in one_new one_replace two_step; do
      ref=raw b=$base extra=""
      case $f in
        one_new) what="fwseal encrypt --sign-key, new output" ;;
        one_replace) what="fwseal encrypt --sign-key, output exists ($fs: replaced atomically)"
          ref=raw_exists b=$basex
          extra=" (vs the new-output reference: $(x_ratio "$(stat_min $f)" "$(stat_min raw)") / $(x_ratio "$(stat_med $f)" "$(stat_med raw)"))" ;;
        two_step) what="fwseal sign + fwseal encrypt (two processes, intermediate file)" ;;
      esac
      row release "release ${mib} MiB RSA-3072: $what" "$(minmed $f)" "ms min/med" "$(minmed $ref)" \
        "$(x_ratio "$(stat_min $f)" "$(stat_min $ref)") / $(x_ratio "$(stat_med $f)" "$(stat_med $ref)")" \
        "vs $b$extra; $N interleaved rounds on $fs; goal <= 1.05x (one pass)"
    done
    row release "release ${mib} MiB RSA-3072: raw one pass, output exists, OUT.tmp + rename() over it" "$(minmed raw_rename)" \
      "ms min/med" "$(minmed raw_exists)" \
      "$(x_ratio "$(stat_min raw_rename)" "$(stat_min raw_exists)") / $(x_ratio "$(stat_med raw_rename)" "$(stat_med raw_exists)")" \
      "information: the typical atomic replacement (on $fs, rename() over a file flushes the new data first) vs replacing in place"
  else
    row release "release ${mib} MiB" FAILED - - - "see stderr"
  fi
done

# ---- verify of a signed + encrypted image: instructions ------------------------
if have_callgrind; then
  for mib in 1 4; do
    head -c $((mib * 1024 * 1024 - 8192)) /dev/urandom >"$tmp/v.bin"
    "$F" encrypt --sign-key "$sk" --pubkey "$pub" "$tmp/v.bin" -o "$tmp/v$mib.enc" >/dev/null || exit 3
  done
  vf() { cg_ir "$tmp/cg.$1" "$F" verify "$tmp/v$2.enc" --decrypt-key "$priv" --trust "$spub" --raw; }
  vr() { cg_ir "$tmp/cg.$1" "$R" open "$priv" "$spub" "$tmp/v$2.enc"; }
  F1=$(vf f1 1) F4=$(vf f4 4) R1=$(vr r1 1) R4=$(vr r4 4)
  if [ -n "$F1" ] && [ -n "$F4" ] && [ -n "$R1" ] && [ -n "$R4" ]; then
    PF=$(((F4 - F1) / 3)) PR=$(((R4 - R1) / 3))
    row verify "fwseal verify --decrypt-key, Ir per MiB" "$PF" Ir/MiB "$PR" "$(x_ratio "$PF" "$PR")" \
      "callgrind, 4 MiB minus 1 MiB container; vs raw EVP one GCM decryption + one SHA-256 pass (evp_onepass open); goal <= 1.1x"
    row verify "fwseal verify --decrypt-key 4 MiB, whole process" "$F4" Ir "$R4" "$(x_ratio "$F4" "$R4")" \
      "callgrind; same reference incl. RSA unwrap + PSS verify + process start"
  else
    row verify "fwseal verify --decrypt-key (callgrind)" FAILED - - - "a run failed"
  fi
fi

# ---- flash encryption ----------------------------------------------------------------
head -c $((16 * 1024 * 1024)) /dev/urandom >"$tmp/fe.bin"
cpf_prep() { rm -f "$tmp/cp.out"; }
cpf() { cp "$tmp/fe.bin" "$tmp/cp.out"; }
fe_prep() { rm -f "$tmp/fe.out"; }
xts_speed() { # bits -> 16 MiB time in ms at OpenSSL's own XTS speed on 128-byte units (one sample)
  openssl speed -evp "aes-$1-xts" -bytes 128 -seconds 1 2>/dev/null |
    awk -v n=$((16 * 1024 * 1024)) '/^AES-[0-9]+-XTS/ { k = $NF; sub(/k$/, "", k); printf "%.3f\n", n / (k * 1000) * 1000 }'
}
speed128() { xts_speed 128 >>"$BT/x128.samples"; }
speed256() { xts_speed 256 >>"$BT/x256.samples"; }
fe128() { "$F" flash-encrypt --key "$V/flash_encryption/fe_key_xts_256.bin" --address 0x10000 "$tmp/fe.bin" -o "$tmp/fe.out"; }
fe256() { "$F" flash-encrypt --key "$V/flash_encryption/fe_key_xts_512.bin" --address 0x10000 "$tmp/fe.bin" -o "$tmp/fe.out"; }
fe128_prep() { fe_prep; }
fe256_prep() { fe_prep; }
: >"$BT/x128.samples"; : >"$BT/x256.samples"
if command -v openssl >/dev/null && ileave "$N" fe128 cpf speed128 fe256 speed256; then
  for b in 128 256; do
    xs=$BT/x$b.samples
    [ -s "$xs" ] || { row "flash encryption" "flash-encrypt 16 MiB XTS-AES-$b" FAILED - - - "openssl speed gave no figure"; continue; }
    lim_min=$(awk -v c="$(stat_min cpf)" -v x="$(stat_min "$xs")" 'BEGIN { printf "%.3f", c + x }')
    lim_med=$(awk -v c="$(stat_med cpf)" -v x="$(stat_med "$xs")" 'BEGIN { printf "%.3f", c + x }')
    row "flash encryption" "flash-encrypt 16 MiB XTS-AES-$b (whole process)" "$(minmed fe$b)" "ms min/med" "$lim_min / $lim_med" \
      "$(x_ratio "$(stat_min fe$b)" "$lim_min") / $(x_ratio "$(stat_med fe$b)" "$lim_med")" \
      "limit = cp of the same file ($(minmed cpf) ms) + 16 MiB at openssl speed -evp aes-$b-xts -bytes 128 ($(minmed "$xs") ms); $N interleaved rounds; goal <= 1.67x"
  done
else
  row "flash encryption" "flash-encrypt 16 MiB" FAILED - - - "see stderr"
fi
fe_esp_prep() { fe_prep; }
fe_esp() { "$F" flash-encrypt --scheme esp32 --key "$V/flash_encryption/fe_key_esp32_256.bin" --address 0x10000 "$tmp/fe.bin" -o "$tmp/fe.out"; }
if ileave "$N" fe_esp cpf; then
  row "flash encryption" "flash-encrypt 16 MiB legacy ESP32" "$(minmed fe_esp)" "ms min/med" "$(minmed cpf)" \
    "$(x_ratio "$(stat_min fe_esp)" "$(stat_min cpf)")" "vs cp only: no bulk AES reference exists (a new AES-256 key every 32-byte row)"
fi
rm -f "$tmp/in.bin" "$tmp"/*.enc "$tmp"/*.enc.tmp "$tmp/s.bin" "$tmp/fe.bin" "$tmp/fe.out" "$tmp/cp.out" "$tmp/v.bin"

# The XTS implementation in memory (tests/tools/xts_paths.c, CPU time, no I/O):
# fwseal's batched path next to the straightforward per-unit EVP XTS.
if [ -x "$build/tools/xts_paths" ] && read -r fast unit < <("$build/tools/xts_paths" 16); then
  row "flash encryption" "XTS-AES-128 in memory, fwseal batched path" "$fast" MB/s "$unit" \
    "$(awk -v a="$fast" -v b="$unit" 'BEGIN { printf "%.2fx", a / b }')" \
    "16 MiB, CPU time; baseline = per-unit EVP XTS + byte-wise reversal (the old path); outputs checked identical"
fi
