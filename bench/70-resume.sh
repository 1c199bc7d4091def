#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench part: OTA resume and partial download (issue 15).
#   - flash operations the progress checkpoints add per MiB of image (NVS
#     writes/erases counted in FWSEAL_SIM_TRACE of a 4 MiB `ota --file`), at
#     the default interval (64 KiB) and at 16 KiB, against the slot's own
#     writes of the same run;
#   - the extra cost of a resume: callgrind Ir of rebuilding the state over
#     the bytes already on flash (fwd_ota_pipeline_resume: read back through
#     flash decryption, regenerate the ciphertext, GHASH it through the GCM
#     decrypt context), per MiB already written, next to raw mbedTLS
#     AES-256-GCM decryption of one MiB (build/tools/bench_raw);
#   - a 4 MiB encrypted HTTPS OTA from nginx, full (one request) vs partial
#     (--max-request-size 4096 and 16384 over one kept-alive connection):
#     wall time, interleaved; and the process's peak heap (an LD_PRELOAD
#     counting allocator built here) for three builds of fwseal-device: the
#     host's Debian mbedTLS 2.28, mbedTLS 3.6 (16 KiB TLS records), and
#     mbedTLS 3.6 with a 4 KiB TLS input buffer (make mbed36-small; the client
#     asks for 4 KiB records with max_fragment_length).
set -u
root=${FWSEAL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
B=${FWSEAL_BUILD:-$root/build}
V=${FWSEAL_SHARED:-$root/../shared}/vectors
FWSEAL=$B/bin/fwseal
FWDEV=$B/bin/fwseal-device
RAW=$B/tools/bench_raw
W=${BENCH_TMP:-$(mktemp -d)}/resume
mkdir -p "$W" && cd "$W" || exit 3
PE=$V/pre_encrypted/rsa
. "$root/bench/lib.sh"

cat >parts.csv <<'CSV'
# Name,   Type, SubType, Offset,   Size, Flags
nvs,      data, nvs,     ,        0x4000,
otadata,  data, ota,     ,        0x2000,
phy_init, data, phy,     ,        0x1000,
ota_0,    app,  ota_0,   ,        5M,
ota_1,    app,  ota_1,   ,        5M,
CSV
$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null || exit 3
$FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null || exit 3
mk() { # VERSION SIZE NAME
  $FWSEAL mkimage --chip esp32c3 --version "$1" --secure-version 1 --project bench --size "$2" -o "$3.bin" >/dev/null &&
    $FWSEAL sign --key sb.pem "$3.bin" -o "$3.s.bin" >/dev/null &&
    $FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" "$3.s.bin" -o "$3.enc" >/dev/null
}
mk 1.0.0 64K base && mk 2.0.0 4M big || exit 3
$FWDEV init tpl --partitions parts.csv --flash-size 16MB --flash-encryption xts-128 --flash-key fe.bin \
  --secure-boot-key sb_pub.pem --decrypt-key "$PE/rsa_priv_key.pem" >/dev/null &&
  $FWDEV flash tpl --partition ota_0 base.s.bin >/dev/null && $FWDEV boot tpl >/dev/null || exit 3
newdev() { rm -rf "$1" && cp -a tpl "$1"; }
MIB=$(python3 -c "import os;print(round(os.path.getsize('big.s.bin')/1048576,3))")
NVS_LO=$((0x9000)) NVS_HI=$((0x9000 + 0x4000))

# ---- checkpoint flash operations per MiB ------------------------------------------------
# ops TRACE LO HI: "writes bytes erases" of the trace inside [LO, HI)
ops() {
  python3 - "$@" <<'PY'
import sys
lo, hi = int(sys.argv[2]), int(sys.argv[3])
w = b = e = 0
for l in open(sys.argv[1]):
    f = l.split()
    if len(f) < 3 or f[0] not in ("write", "erase") or not lo <= int(f[1], 16) < hi: continue
    if f[0] == "write": w += 1; b += int(f[2])
    else: e += 1
print(w, b, e)
PY
}
per_mib() { python3 -c "print(round($1/$MIB,1))"; }
for kib in 64 16; do
  newdev d
  rm -f t.tr
  FWSEAL_SIM_TRACE=$W/t.tr "$FWDEV" ota d --file big.enc --checkpoint-kib $kib >/dev/null 2>&1 || { row resume "checkpoint writes" FAILED - - - "ota failed"; continue; }
  read -r nw nb ne <<<"$(ops t.tr $NVS_LO $NVS_HI)"
  read -r sw sb se <<<"$(ops t.tr $((0x20000 + 0x500000)) $((0x20000 + 0xA00000)))"
  row resume "checkpoint flash writes per MiB, every $kib KiB" "$(per_mib "$nw")" writes/MiB "$(per_mib "$sw")" \
    "$(x_ratio "$nw" "$sw")" "NVS: $nw writes ($nb bytes) + $ne sector erases for $MIB MiB (record once + one u64 per checkpoint: $(( 1024 / kib )) per MiB); baseline = the slot's own writes of the same run"
done

# ---- the extra cost of a resume ------------------------------------------------------------
incl() { # CALLGRIND_OUT FUNCTION -> inclusive Ir (0 if absent)
  local v
  v=$(callgrind_annotate --inclusive=yes --threshold=100 --auto=no "$1" 2>/dev/null | grep -E "[:/]$2 \[" | head -1 | awk '{gsub(",","",$1); print $1+0}')
  echo "${v:-0}"
}
if have_callgrind && [ -x "$RAW" ]; then
  newdev d
  rm -f full.tr
  FWSEAL_SIM_TRACE=$W/full.tr "$FWDEV" ota d --file big.enc >/dev/null 2>&1
  # cut at the slot write that reaches 90 % of the image, then resume under callgrind
  K=$(python3 - full.tr $((0x520000 + $(stat -c %s big.enc) * 9 / 10)) <<'PY'
import sys
for l in open(sys.argv[1]):
    f = l.split()
    if f and f[0] == "write" and int(f[1], 16) >= int(sys.argv[2]):
        print(f[3].lstrip("#")); break
PY
)
  newdev d
  FWSEAL_SIM_CUT_AT=$K "$FWDEV" ota d --file big.enc >/dev/null 2>&1
  DONE=$("$FWDEV" status d --json | python3 -c 'import json,sys; p=json.load(sys.stdin)["interrupted_ota"]; print(p["done"] if p else 0)')
  valgrind --tool=callgrind --callgrind-out-file=res.cg "$FWDEV" ota d --file big.enc >res.out 2>&1
  if [ "$DONE" -gt 0 ] && grep -q "resuming the interrupted download" res.out; then
    DM=$(python3 -c "print($DONE/1048576)")
    R=$(python3 -c "print(int($(incl res.cg fwd_ota_pipeline_resume)/$DM))")
    G=$(python3 -c "print(int($(incl res.cg fwd_decrypt_resume)/$DM))")
    N0=$(cg_ir raw0.cg "$RAW" none 4)
    RG=$(( ($(cg_ir rawg.cg "$RAW" gcm 4) - N0) / 4 ))
    row resume "resume: state rebuilt per MiB already written (fwd_ota_pipeline_resume)" "$R" Ir/MiB "$RG" "$(x_ratio "$R" "$RG")" \
      "resumed at $DONE of $(stat -c %s big.s.bin) bytes; read back through flash decryption + regenerated ciphertext + GHASH; baseline = raw mbedTLS AES-256-GCM decrypt of 1 MiB"
    row resume "  of which the GCM rebuild (fwd_decrypt_resume, flash read included)" "$G" Ir/MiB "$RG" "$(x_ratio "$G" "$RG")" \
      "GCM encrypt (keystream) + GCM decrypt (GHASH) of every kept byte; the early checks and key unwrap are one-time costs"
  else
    row resume "resume: state rebuilt per MiB" FAILED - - - "the cut run left no checkpoint or the run did not resume"
  fi
else
  row resume "resume: state rebuilt per MiB" SKIPPED - - - "valgrind / bench_raw missing"
fi

# ---- HTTPS: full vs partial ----------------------------------------------------------------
export FWSEAL_BUILD=$B
T=$W/ng
mkdir -p "$T/www"
_pass=0 _fail=0
at_exit() { :; }
. "$root/tests/e2e/_nginx_lib.sh"
BT=$W/times
mkdir -p "$BT"
N=${BENCH_REPS:-5}
trap ng_stop_all EXIT
ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost" && cp big.enc "$T/www/" &&
  ng_start bench "$T/www" "$T/srv.crt" "$T/srv.key" >/dev/null 2>&1
URL=https://localhost:${NG_PORT:-0}/big.enc
full_prep() { newdev dw; }
full() { "$FWDEV" ota dw "$URL" --ca "$T/ca.crt"; }
part4k_prep() { newdev dw; }
part4k() { "$FWDEV" ota dw "$URL" --ca "$T/ca.crt" --max-request-size 4096; }
part16k_prep() { newdev dw; }
part16k() { "$FWDEV" ota dw "$URL" --ca "$T/ca.crt" --max-request-size 16384; }
if [ -n "${NG_PORT:-}" ] && ileave "$N" full part4k part16k; then
  row resume "HTTPS OTA $MIB MiB, full (one request)" "$(minmed full)" "ms min/med" - - "$N interleaved rounds with the two partial modes"
  row resume "  partial, 4 KiB Range pieces, one kept-alive connection" "$(minmed part4k)" "ms min/med" "$(stat_min full)" \
    "$(x_ratio "$(stat_min part4k)" "$(stat_min full)")" "$(( ($(stat -c %s big.enc) + 4095) / 4096 )) requests; baseline = full (min)"
  row resume "  partial, 16 KiB Range pieces" "$(minmed part16k)" "ms min/med" "$(stat_min full)" \
    "$(x_ratio "$(stat_min part16k)" "$(stat_min full)")" "baseline = full (min)"
else
  row resume "HTTPS OTA full vs partial" FAILED - - - "nginx or a run failed (see stderr)"
fi

# peak heap of the whole fwseal-device process (CLI, CA, RSA key, TLS session,
# GCM key schedule; every struct of the pipeline is static) per build and mode
cat >heappeak.c <<'C'
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static size_t cur, peak;
static void *count(void *p) { if (p) { cur += malloc_usable_size(p); if (cur > peak) peak = cur; } return p; }
void *malloc(size_t n) { return count(__libc_malloc(n)); }
void *calloc(size_t n, size_t m) { return count(__libc_calloc(n, m)); }
void free(void *p) { if (p) cur -= malloc_usable_size(p); __libc_free(p); }
void *realloc(void *p, size_t n) { if (p) cur -= malloc_usable_size(p); return count(__libc_realloc(p, n)); }
__attribute__((destructor)) static void report(void)
{
    const char *f = getenv("HEAPPEAK_OUT");
    FILE *o = f ? fopen(f, "w") : NULL;
    if (o) { fprintf(o, "%zu\n", peak); fclose(o); }
}
C
heap() { # FWSEAL-DEVICE MODE-ARGS...
  local bin=$1
  shift
  newdev dh
  rm -f peak
  HEAPPEAK_OUT=$W/peak LD_PRELOAD=$W/heappeak.so "$bin" ota dh "$URL" --ca "$T/ca.crt" "$@" >/dev/null 2>&1 && cat peak
}
if [ -n "${NG_PORT:-}" ] && cc -O2 -shared -fPIC heappeak.c -o heappeak.so 2>/dev/null; then
  for flav in "$B:Debian mbedTLS 2.28, 16 KiB records" "$B/mbed36:mbedTLS 3.6, 16 KiB records" \
              "$B/mbed36-small:mbedTLS 3.6, 4 KiB TLS input buffer (MBEDTLS_SSL_IN_CONTENT_LEN=4096)"; do
    dir=${flav%%:*} what=${flav#*:}
    if [ ! -x "$dir/bin/fwseal-device" ]; then
      row resume "heap peak with TLS, $what" SKIPPED - - - "not built (make mbed36 mbed36-small)"
      continue
    fi
    hf=$(heap "$dir/bin/fwseal-device") hp=$(heap "$dir/bin/fwseal-device" --max-request-size 4096)
    row resume "heap peak with TLS, $what: full" "${hf:-FAILED}" bytes - - "whole fwseal-device process, 4 MiB encrypted HTTPS OTA"
    row resume "heap peak with TLS, $what: partial 4 KiB" "${hp:-FAILED}" bytes "${hf:-0}" "$(x_ratio "${hp:-0}" "${hf:-0}")" "baseline = the same build, full mode"
  done
else
  row resume "heap peak with TLS" FAILED - - - "nginx or the counting allocator failed"
fi
