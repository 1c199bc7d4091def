#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 12 §1 and §2: one OTA path and a byte-stream seam.
#
# 1. A plaintext `ota --file` passes the same early checks as an encrypted
#    one, BEFORE anything is erased: a same-version, a last-invalid, a
#    downgrade and a wrong-chip plaintext image are refused with zero flash
#    operations (FWSEAL_SIM_TRACE shows no write and no erase) and the passive
#    slot is byte-for-byte what it was. The device is set up so the
#    anti-rollback heal is not due (the running app is VALID and its
#    secure_version is already burned), so no eFuse burn may appear either.
# 2. Grep-level seams: the pipeline header does not include the HTTP/TLS
#    client, directly or through the headers it includes; the second OTA
#    driver (ota_apply) is gone; the HTTP/TLS client headers are included only
#    by the HTTP/TLS modules themselves and by the CLI file that wires a URL
#    transport; the TLS client talks through the stream seam.
# 3. TLS over another carrier: build/tools/http_get --tap hands the HTTPS
#    client a carrier of its own (a struct fwd_stream around TCP that sees every
#    byte); the body arrives identical through it and the request it carried
#    was encrypted (the TLS client sat on the tap's stream).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_nginx_lib.sh"

S=$V/secure_boot_v2
PATCH=$FWSEAL_BUILD/tools/app_patch
CSV=$V/partition_table/partitions_factory_two_ota_encr_nvs.csv
mk() { # NAME SECVER VERSION [CHIP]
  "$PATCH" "$V/app/app_esp32c3_128k_sbpad.bin" "$T/$1.u" --secure-version "$2" --version "$3" ${4:+--chip-id $4} || exit 1
  "$FWSEAL" sign --key "$S/sb_rsa3072_key1.pem" "$T/$1.u" -o "$T/$1.bin" >/dev/null || exit 1
}
mk v5 5 5.0.0
mk v6 6 6.0.0
mk v7 7 7.0.0
mk v8 8 8.0.0
mk s3 9 9.0.0-s3 9

# ---- 1. one OTA path: plaintext early checks before any flash operation ------
D=$T/dev
"$FWDEV" init "$D" --partitions "$CSV" --flash-encryption xts-128 --flash-key "$V/flash_encryption/fe_key_xts_256.bin" \
  --secure-boot-key "$S/sb_rsa3072_key1_pub.pem" >/dev/null || { fail "init"; exit 1; }
"$FWDEV" flash "$D" --partition factory "$T/v5.bin" >/dev/null || { fail "flash factory"; exit 1; }
# 6.0.0 into ota_0, booted and confirmed (eFuse 6); 7.0.0 into ota_1, booted
# once and rolled back: ota_1 holds the last invalid app, 6.0.0 runs VALID.
for step in "ota $D --file $T/v6.bin" "boot $D" "confirm $D" "ota $D --file $T/v7.bin" "boot $D" "rollback $D" "boot $D"; do
  # shellcheck disable=SC2086
  "$FWDEV" $step >/dev/null 2>"$T/setup.err" || { fail "setup: $step" "$(cat "$T/setup.err")"; exit 1; }
done
"$FWDEV" boot "$D" --json >"$T/b.json" || { fail "boot --json"; exit 1; }
grep -q '"version":"6.0.0"' "$T/b.json" && grep -q '"ota_state":"VALID"' "$T/b.json" &&
  grep -q '"efuse_secure_version":6' "$T/b.json" && ok "setup: 6.0.0 runs VALID, eFuse 6 (no heal due), 7.0.0 rolled back" ||
  fail "setup" "$(cat "$T/b.json")"

slot_sum() { "$FWDEV" read "$D" --partition "$1" --raw -o "$T/slot.raw" >/dev/null 2>&1 && sha256_of "$T/slot.raw"; }
# refused NAME IMAGE REASON-REGEX [OPTIONS...]: exit 1, the reason, no flash
# operation at all (no write, no erase, no eFuse burn), both slots unchanged.
refused() {
  local name=$1 img=$2 why=$3; shift 3
  local b0 b1; b0=$(slot_sum ota_0); b1=$(slot_sum ota_1)
  rm -f "$T/trace"
  FWSEAL_SIM_TRACE=$T/trace expect_exit 1 "plaintext $name refused" "$FWDEV" ota "$D" --file "$T/$img.bin" "$@"
  expect_stderr "$why" "plaintext $name: says why"
  local ops; ops=$(grep -cE '^(write|erase|efuse-burn)' "$T/trace" 2>/dev/null)
  [ "${ops:-0}" -eq 0 ] && ok "plaintext $name: zero flash operations (trace)" ||
    fail "plaintext $name: flash touched before the early checks" "$(head -3 "$T/trace")"
  expect_stdout "slot ota_1 not touched" "plaintext $name: the message says the slot was not touched"
  [ "$(slot_sum ota_0)" = "$b0" ] && [ "$(slot_sum ota_1)" = "$b1" ] && ok "plaintext $name: both slots byte-for-byte unchanged" ||
    fail "plaintext $name: a slot changed"
}
refused "same version as the running app" v6 "same version as the running app"
refused "same version as the last invalid app" v7 "last invalid" --allow-same-version
refused "downgrade" v5 "secure_version below the eFuse"
refused "wrong chip" s3 "another chip"
check "the running app is unchanged" "$FWDEV" boot "$D" --json
grep -q '"version":"6.0.0"' "$T/.out" && ok "6.0.0 still runs after the refusals" || fail "after the refusals" "$(cat "$T/.out")"

# The same image is accepted when asked for, and a new one goes through the
# same path (progress events, verification, boot selection).
rm -f "$T/trace"
FWSEAL_SIM_TRACE=$T/trace expect_exit 0 "plaintext same version accepted with --allow-same-version" \
  "$FWDEV" ota "$D" --file "$T/v6.bin" --allow-same-version
expect_stdout "new image: .* 6.0.0" "plaintext: the pipeline reports the app descriptor"
[ "$(grep -cE '^erase' "$T/trace")" -gt 0 ] && ok "accepted plaintext: erased only after the checks passed" || fail "no erase in an accepted OTA"
check "boot the reinstalled 6.0.0" "$FWDEV" boot "$D"
check "confirm it" "$FWDEV" confirm "$D"
expect_exit 0 "plaintext 8.0.0 from stdin, --json" sh -c "\"$FWDEV\" ota \"$D\" --file - --json < \"$T/v8.bin\""
for ev in start app_desc writing verifying boot_updated finished; do
  expect_stdout "\"event\":\"$ev\"" "plaintext from stdin: event $ev"
done
grep -q '"event":"header_verified"' "$T/.out" && fail "plaintext announced a container header" || ok "plaintext: no container header event"

# ---- 2. grep-level seams ---------------------------------------------------------
R=$FWSEAL_ROOT
HTTP_TLS='fwd_http\.h|fwd_tls\.h|fwd_ota_http\.h|fwd_sock\.h|mbedtls/ssl\.h|mbedtls/net_sockets\.h'
# headers a header includes, transitively (project headers only)
closure() {
  local todo=("$1") seen=" " h inc
  while [ ${#todo[@]} -gt 0 ]; do
    h=${todo[0]}; todo=("${todo[@]:1}")
    case "$seen" in *" $h "*) continue;; esac
    seen="$seen$h "
    echo "$h"
    for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$R/$h"); do
      [ -f "$R/$inc" ] && todo+=("$inc")
      [ -f "$R/common/$inc" ] && todo+=("common/$inc")
    done
  done
}
for h in $(closure device/fwd_ota_pipeline.h); do grep -HE "#include [<\"](device/)?($HTTP_TLS)" "$R/$h"; done >"$T/inc"
if [ -s "$T/inc" ]; then
  fail "the pipeline header includes the HTTP/TLS client" "$(cat "$T/inc")"
else
  ok "fwd_ota_pipeline.h includes no HTTP/TLS client header, directly or through $(closure device/fwd_ota_pipeline.h | wc -l) headers"
fi
grep -q "fwd_sink.h" <(closure device/fwd_ota_pipeline.h) && ok "the pipeline is built on the sink seam (fwd_sink.h)" || fail "no fwd_sink.h in the pipeline"
grep -q "fwd_sink.h" <(closure device/fwd_decrypt.h) && ok "the decryptor is built on the sink seam" || fail "no fwd_sink.h in the decryptor"

left=$(cd "$R" && { ls cli/fwseal-device/ota_apply.* 2>/dev/null; grep -rlE 'ota_apply|struct ota_src' --include='*.[ch]' device boot cli common tests fuzz 2>/dev/null; })
[ -z "$left" ] && ok "ota_apply (the second OTA driver) is gone" || fail "ota_apply still present" "$left"

# Who includes the HTTP/TLS client: its own modules, its unit/fuzz tests and
# test tools, the URL-wiring CLI files (ota_run.c; cmd_update.c for fleet releases), the
# staged-update and fleet transports (device/fwd_stage_http, fwd_http_fleet), and the
# target's OTA-with-TLS size image (tests/target/size-ota-tls.c: TLS over a port's stream).
allowed='^(device/fwd_(http|tls|sock|ota_http|stage_http|http_fleet)\.[ch]|cli/fwseal-device/(ota_run|cmd_update)\.c|tests/unit/test_http_[a-z]*\.c|tests/tools/http_get\.c|tests/target/size-ota-tls\.c|fuzz/fuzz_http\.c):'
bad=$(cd "$R" && grep -rnE "#include \"device/fwd_(http|tls|ota_http)\.h\"" --include='*.[ch]' device boot cli common tests fuzz | grep -vE "$allowed")
[ -z "$bad" ] && ok "only the HTTP/TLS modules and the URL-wiring CLI include the HTTP/TLS client" || fail "HTTP/TLS client included elsewhere" "$bad"
bad=$(cd "$R" && grep -rlE "#include <mbedtls/(ssl|net_sockets|x509_crt)\.h>" device boot | grep -v 'tls')
[ -z "$bad" ] && ok "only *tls* files include the mbedTLS TLS and socket headers" || fail "mbedTLS TLS headers outside *tls*" "$bad"
grep -q 'mbedtls_ssl_set_bio' "$R/device/fwd_tls.c" 2>/dev/null && grep -q 'fwd_stream' "$R/device/fwd_tls.h" 2>/dev/null &&
  ok "the TLS client's I/O goes through the stream seam (fwd_stream.h)" || fail "TLS client not on the stream seam"
bad=$(cd "$R" && grep -lE 'fwd_sock_(recv|send|wait|connect)\(' device/*.c | grep -v 'fwd_sock')
[ -z "$bad" ] && ok "no device module calls the socket layer except through a stream" || fail "direct socket calls" "$bad"

# ---- 3. TLS over a carrier that is not the built-in TCP one -------------------------
H=$(ng_tool http_get)
ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost,IP:127.0.0.1" || { fail "test CA"; exit 1; }
mkdir -p "$T/www" && head -c 200000 /dev/urandom >"$T/www/f.bin"
ng_start main "$T/www" "$T/srv.crt" "$T/srv.key" || { fail "nginx start"; exit 1; }
check "HTTPS GET through the tap carrier" "$H" "https://localhost:$NG_PORT/f.bin" --ca "$T/ca.crt" --tap
same_file "$T/.out" "$T/www/f.bin" "tap carrier: body identical"
tap=$(grep -o 'tap opened=.*' "$T/.err")
rcv=$(echo "$tap" | sed -n 's/.*received=\([0-9]*\).*/\1/p'); snt=$(echo "$tap" | sed -n 's/.*sent=\([0-9]*\).*/\1/p')
case "$tap" in *"opened=1 "*) ok "tap carrier: one connection opened through it";; *) fail "tap carrier: opened" "$tap";; esac
[ "${rcv:-0}" -gt 200000 ] && [ "${snt:-0}" -gt 0 ] && ok "tap carrier: every TLS byte went through it ($snt sent, $rcv received)" ||
  fail "tap carrier: byte counts" "$tap"
case "$tap" in *"plain_request_seen=0"*) ok "tap carrier: the request crossed it encrypted (TLS on top of the tap)";;
  *) fail "tap carrier: cleartext request on the carrier" "$tap";; esac
check "Range resume through the tap carrier" "$H" "https://localhost:$NG_PORT/f.bin" --ca "$T/ca.crt" --tap --from 1000 --expect-total 200000
tail -c +1001 "$T/www/f.bin" >"$T/tail"
same_file "$T/.out" "$T/tail" "tap carrier: ranged body identical"
