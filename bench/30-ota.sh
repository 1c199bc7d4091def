#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench part: encrypted OTA on the simulated device.
#   - wall time of a 4 MiB encrypted OTA over loopback TLS from nginx,
#     interleaved (BENCH_REPS rounds, min and median) with `curl` of the same
#     file from the same nginx (the transfer alone) and build/tools/ota_raw
#     (the same crypto in raw mbedTLS: TLS, RSA unwrap, GCM, XTS write,
#     XTS read-back + SHA-256, PSS verify; no format/flash/state code);
#   - callgrind instructions per MiB of the device pipeline (decrypt +
#     flash-encrypt write + read-back through flash decryption + SHA-256 +
#     verify), as the difference of a 4 MiB and a 1 MiB run of
#     `fwseal-device ota --file` (fixed costs cancel), next to the sum of the
#     raw mbedTLS costs of the same primitives (build/tools/bench_raw);
#   - one-time costs: RSA-3072 unwrap, RSA-3072 PSS verify, warm (a context
#     that already did a private op) and cold (a fresh context, as the
#     pipeline has), and what the pipeline itself spends on them;
#   - peak heap and worst stack of the pipeline without TLS, in-process with
#     static contexts (build/tools/bench_ota_mem: counting malloc, painted stack);
#   - worst single stack frame of the OTA modules (-fstack-usage).
set -u
root=${FWSEAL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
B=${FWSEAL_BUILD:-$root/build}
V=${FWSEAL_SHARED:-$root/../shared}/vectors
FWSEAL=$B/bin/fwseal
FWDEV=$B/bin/fwseal-device
RAW=$B/tools/bench_raw
W=${BENCH_TMP:-$(mktemp -d)}/ota
mkdir -p "$W" && cd "$W" || exit 3
PE=$V/pre_encrypted/rsa
row() { printf 'BENCH\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"; }

# ---- images and device --------------------------------------------------------
cat >parts.csv <<'EOF'
# Name,   Type, SubType, Offset,   Size, Flags
nvs,      data, nvs,     ,        0x4000,
otadata,  data, ota,     ,        0x2000,
phy_init, data, phy,     ,        0x1000,
ota_0,    app,  ota_0,   ,        5M,
ota_1,    app,  ota_1,   ,        5M,
EOF
$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null || exit 3
$FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null || exit 3
mk() { # VERSION SIZE NAME
  $FWSEAL mkimage --chip esp32c3 --version "$1" --secure-version 1 --project bench --size "$2" -o "$3.bin" >/dev/null &&
    $FWSEAL sign --key sb.pem "$3.bin" -o "$3.s.bin" >/dev/null &&
    $FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" "$3.s.bin" -o "$3.enc" >/dev/null
}
mk 1.0.0 64K base && mk 2.0.0 4M big && mk 2.0.1 1M small || exit 3
newdev() {
  rm -rf "$1"
  $FWDEV init "$1" --partitions parts.csv --flash-size 16MB --flash-encryption xts-128 --flash-key fe.bin \
    --secure-boot-key sb_pub.pem --decrypt-key "$PE/rsa_priv_key.pem" >/dev/null &&
    $FWDEV flash "$1" --partition ota_0 base.s.bin >/dev/null && $FWDEV boot "$1" >/dev/null
}
MIB_BIG=$(python3 -c "import os;print(round(os.path.getsize('big.s.bin')/1048576,3))")

# ---- wall time over TLS ----------------------------------------------------------
export FWSEAL_BUILD=$B
T=$W/ng
mkdir -p "$T/www"
_pass=0 _fail=0
at_exit() { :; }
. "$root/tests/e2e/_nginx_lib.sh"
. "$root/bench/lib.sh"
BT=$W/times
mkdir -p "$BT"
N=${BENCH_REPS:-5}
trap ng_stop_all EXIT
ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost" && cp big.enc "$T/www/" &&
  ng_start bench "$T/www" "$T/srv.crt" "$T/srv.key" >/dev/null 2>&1
URL=https://localhost:${NG_PORT:-0}/big.enc
dev_ota_prep() { newdev dwall; }
dev_ota() { $FWDEV ota dwall "$URL" --ca "$T/ca.crt"; }
curl_get_prep() { rm -f curl.out; }
curl_get() { curl -sS --fail --cacert "$T/ca.crt" -o curl.out "$URL"; }
raw_ota() { "$B/tools/ota_raw" localhost "$NG_PORT" /big.enc "$T/ca.crt" "$PE/rsa_priv_key.pem" fe.bin; }
if [ -n "${NG_PORT:-}" ] && command -v curl >/dev/null && ileave "$N" dev_ota curl_get raw_ota; then
  cmp -s curl.out big.enc || row ota "curl reference" FAILED - - - "curl did not fetch the same bytes"
  row ota "encrypted OTA over loopback TLS (${MIB_BIG} MiB), fwseal-device ota URL" "$(minmed dev_ota)" "ms min/med" \
    "$(minmed raw_ota)" "$(x_ratio "$(stat_min dev_ota)" "$(stat_min raw_ota)") / $(x_ratio "$(stat_med dev_ota)" "$(stat_med raw_ota)")" \
    "vs tools/ota_raw: same TLS download + RSA unwrap + GCM + XTS write + XTS read-back + SHA-256 + PSS in raw mbedTLS; $N interleaved rounds; goal <= 1.1x"
  row ota "  same file with curl from the same nginx" "$(minmed curl_get)" "ms min/med" - - \
    "the transfer alone (OpenSSL TLS, no crypto on the payload); device OTA / curl = $(x_ratio "$(stat_min dev_ota)" "$(stat_min curl_get)") (min)"
else
  row ota "encrypted OTA over loopback TLS" FAILED - - - "nginx, curl or a run failed (see stderr)"
fi

# ---- callgrind -----------------------------------------------------------------------
ir() { # file -> total instructions
  grep -E '^(summary|totals):' "$1" | head -1 | awk '{print $2}'
}
cg() { # OUT CMD...: run under callgrind, echo Ir
  local out=$1
  shift
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1
  ir "$out"
}
incl() { # CALLGRIND_OUT FUNCTION -> inclusive Ir of FUNCTION (0 if absent)
  local v
  v=$(callgrind_annotate --inclusive=yes --threshold=100 --auto=no "$1" 2>/dev/null | grep -E "[:/]$2 \[" | head -1 | awk '{gsub(",","",$1); print $1+0}')
  echo "${v:-0}"
}
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
  newdev d4 && newdev d1
  I4=$(cg cg4.out "$FWDEV" ota d4 --file big.enc)
  I1=$(cg cg1.out "$FWDEV" ota d1 --file small.enc)
  MIB_SMALL=$(python3 -c "import os;print(os.path.getsize('small.s.bin')/1048576)")
  DM=$(python3 -c "print($MIB_BIG-$MIB_SMALL)")
  per() { python3 -c "print(int(($1-$2)/$DM))"; } # 4 MiB minus 1 MiB run, per MiB
  PER=$(per "$I4" "$I1")
  N0=$(cg raw0.out "$RAW" none 4)
  raw() { echo $(($(cg "raw_$1.out" "$RAW" "$1" 4) - N0)); }
  G=$(($(raw gcm) / 4)) XE=$(($(raw xts-enc) / 4)) XD=$(($(raw xts-dec) / 4)) SH=$(($(raw sha256) / 4))
  SUM=$((G + XE + XD + SH))
  row ota "pipeline Ir per MiB, whole OTA (callgrind)" "$PER" Ir/MiB "$SUM" "$(ratio "$PER" "$SUM")" \
    "4 MiB minus 1 MiB run of ota --file; baseline = raw mbedTLS GCM-dec $G + XTS-enc $XE + XTS-dec $XD + SHA-256 $SH per MiB (one pass each); goal <= 1.15x"
  # Where the rest goes: per-stage inclusive costs, same 4M-1M difference.
  DEC=$(per $(($(incl cg4.out fwd_decrypt_feed) - $(incl cg4.out plain_sink))) $(($(incl cg1.out fwd_decrypt_feed) - $(incl cg1.out plain_sink))))
  WR=$(per "$(incl cg4.out fwd_ota_write)" "$(incl cg1.out fwd_ota_write)")
  # The pipeline ends with fwd_ota_end_and_set_boot (one verification bound
  # to the still-open handle); older builds call fwd_ota_end + set_boot.
  endf=fwd_ota_end_and_set_boot
  [ "$(incl cg4.out $endf)" -gt 0 ] || endf=fwd_ota_end
  END=$(per "$(incl cg4.out $endf)" "$(incl cg1.out $endf)")
  SB=$(per "$(incl cg4.out fwd_ota_set_boot_partition)" "$(incl cg1.out fwd_ota_set_boot_partition)")
  row ota "  stage: decrypt (fwd_decrypt_feed without the sink)" "$DEC" Ir/MiB "$G" "$(ratio "$DEC" "$G")" "vs raw AES-256-GCM"
  row ota "  stage: flash-encrypted write (fwd_ota_write)" "$WR" Ir/MiB "$XE" "$(ratio "$WR" "$XE")" "vs raw XTS encrypt; includes the ESP byte reversal + NOR sim"
  row ota "  stage: read-back verify ($endf)" "$END" Ir/MiB "$((XD + SH))" "$(ratio "$END" "$((XD + SH))")" "vs raw XTS decrypt + one SHA-256 pass"
  row ota "  stage: re-verify in set_boot_partition" "$SB" Ir/MiB - - "0 when the pipeline selects the boot slot in fwd_ota_end_and_set_boot (no second pass; the bootloader still verifies at boot)"
  P0=$(cg raw_prep.out "$RAW" rsa-prep 0 "$PE/rsa_priv_key.pem")
  U=$(($(cg raw_unwrap.out "$RAW" rsa-unwrap 0 "$PE/rsa_priv_key.pem") - P0))
  P=$(($(cg raw_pss.out "$RAW" pss-verify 0 "$PE/rsa_priv_key.pem") - P0))
  C0=$(cg raw_prepc.out "$RAW" rsa-prep-cold 0 "$PE/rsa_priv_key.pem")
  UC=$(($(cg raw_unwrapc.out "$RAW" rsa-unwrap-cold 0 "$PE/rsa_priv_key.pem") - C0))
  PC=$(($(cg raw_pssc.out "$RAW" pss-verify-cold 0 "$PE/rsa_priv_key.pem") - C0))
  # what the 4 MiB OTA itself spends (inclusive Ir of the mbedTLS calls)
  PU=$(incl cg4.out mbedtls_rsa_rsaes_pkcs1_v15_decrypt)
  PV=$(incl cg4.out fwd_verify_sig_sector)
  PK=$(incl cg4.out mbedtls_pk_parse_key)
  row ota "one-time: RSA-3072 PKCS#1 v1.5 unwrap in the pipeline" "$PU" Ir "$UC" "$(ratio "$PU" "$UC")" \
    "callgrind of the 4 MiB OTA; baseline = raw mbedTLS on a cold context (first private op: blinding set up); warm context: $U"
  row ota "one-time: signature sector check in the pipeline" "$PV" Ir "$PC" "$(ratio "$PV" "$PC")" \
    "fwd_verify_sig_sector (key digest + RSA-3072 PSS verify); baseline = raw mbedTLS PSS verify, cold context; warm: $P"
  row ota "one-time: device key parse (PEM) in the pipeline" "$PK" Ir - - "mbedtls_pk_parse_key, once per OTA"
fi

# ---- heap and stack of the pipeline, in-process (static contexts, no TLS) --------
if "$FWSEAL" encrypt --pubkey "$PE/rsa_pub_key.pem" "$V/secure_boot_v2/signed_rsa_1key.bin" -o mem.enc >/dev/null &&
  out=$(FWSEAL_SHARED=$(dirname "$V") "$B/tools/bench_ota_mem" mem.enc "$PE/rsa_priv_key.pem"); then
  kv() { echo "$out" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  KR=$(kv key_heap_resident) PP=$(kv pipeline_heap_peak) SP=$(kv stack_peak)
  row ota "peak heap of the pipeline (no TLS)" "$((KR + PP))" bytes 12288 "$(ratio $((KR + PP)) 12288)" \
    "resident RSA key $KR + transient peak $PP (RSA unwrap, AES-GCM, PSS verify bignums); goal <= 12 KiB"
  row ota "worst stack of the pipeline (measured)" "$SP" bytes - - "painted thread stack: decrypt + write + verify + set boot, incl. mbedTLS RSA"
else
  row ota "peak heap of the pipeline" FAILED - - - "bench_ota_mem failed"
fi

# ---- stack -----------------------------------------------------------------------------
mkdir -p su
worst=0 worstf=-
for f in device/fwd_decrypt.c device/fwd_ota_pipeline.c device/fwd_ota_http.c device/fwd_http.c device/fwd_tls.c device/fwd_http_parse.c device/fwd_ota.c \
  device/fwd_verify.c device/fwd_verify_sig.c device/fwd_part.c device/fwd_fe.c; do
  [ -f "$root/$f" ] || continue
  o=su/$(basename "$f" .c).o
  (cd "$root" && cc -std=c11 -D_DEFAULT_SOURCE -O2 -I. -Icommon -fstack-usage -c "$f" -o "$W/$o") 2>/dev/null || continue
  line=$(sort -t$'\t' -k2 -n "su/$(basename "$f" .c).su" | tail -1)
  n=$(echo "$line" | cut -f2)
  if [ "${n:-0}" -gt "$worst" ]; then worst=$n worstf=$(echo "$line" | cut -f1 | sed 's/.*://'); fi
done
row ota "worst single stack frame in the OTA modules" "$worst" bytes - - "-fstack-usage -O2: $worstf"
