#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Partial download (issue 15): `ota --max-request-size N` fetches the image as
# Range requests of at most N bytes over ONE kept-alive TLS connection
# (nginx access log: the pieces; the device's "connected" events: the
# connections), reconnects only when the server closes (keepalive_requests),
# resumes after a power cut in the same mode, and refuses clearly when the
# server ignores Range.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_nginx_lib.sh"
PE=$V/pre_encrypted/rsa
cd "$T" || exit 3

$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null || { fail "keygen"; exit 1; }
$FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null
for v in 1.0.0 2.0.0; do
  $FWSEAL mkimage --chip esp32c3 --version $v --secure-version 1 --project partial --size 100K -o "v$v.bin" >/dev/null &&
    $FWSEAL sign --key sb.pem "v$v.bin" -o "v$v.s.bin" >/dev/null 2>&1 || { fail "image $v"; exit 1; }
done
mkdir -p www
$FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" v2.0.0.s.bin -o www/img.enc >/dev/null || { fail "encrypt"; exit 1; }
CT=$(stat -c %s www/img.enc)
$FWDEV init tpl --partitions "$V/partition_table/partitions_two_ota.csv" --flash-encryption xts-128 --flash-key fe.bin \
  --secure-boot-key sb_pub.pem --decrypt-key "$PE/rsa_priv_key.pem" >/dev/null &&
  $FWDEV flash tpl --partition ota_0 v1.0.0.s.bin >/dev/null && $FWDEV boot tpl >/dev/null || { fail "device"; exit 1; }
ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost,IP:127.0.0.1"
ng_start main "$T/www" "$T/srv.crt" "$T/srv.key" "location /k5/ { keepalive_requests 5; alias $T/www/; }
  location /nr/ { max_ranges 0; alias $T/www/; }" || { fail "nginx"; exit 1; }
U=https://localhost:$NG_PORT
LOG=$T/nginx-main/logs/access.log
booted() { $FWDEV boot d --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])'; }
log_mark() { wc -l <"$LOG"; }
requests_since() { tail -n +$(($1 + 1)) "$LOG" | wc -l; }
max_body_since() { tail -n +$(($1 + 1)) "$LOG" | awk '$10 > m {m = $10} END {print m + 0}'; }
statuses_since() { tail -n +$(($1 + 1)) "$LOG" | awk '{print $9}' | sort -u | tr '\n' ' '; }
PIECES=$(((CT + 4095) / 4096))

rm -rf d && cp -a tpl d
m=$(log_mark)
expect_exit 0 "partial download: 4 KiB Range pieces" $FWDEV ota d "$U/img.enc" --ca ca.crt --max-request-size 4096 --json
check "one TLS connection for all pieces" test "$(grep -c '"event":"connected"' "$T/.out")" -eq 1
check "$PIECES requests of at most 4096 bytes, all 206" test "$(requests_since "$m") $(max_body_since "$m") $(statuses_since "$m")" = "$PIECES 4096 206 "
check "partial: the new image boots" test "$(booted)" = 2.0.0

rm -rf d && cp -a tpl d
m=$(log_mark)
expect_exit 0 "server closing every 5 requests: reconnect only then" $FWDEV ota d "$U/k5/img.enc" --ca ca.crt --max-request-size 4096 --json
check "$(((PIECES + 4) / 5)) connections for $PIECES pieces" test "$(grep -c '"event":"connected"' "$T/.out")" -eq $(((PIECES + 4) / 5))
check "still exactly $PIECES requests" test "$(requests_since "$m")" -eq "$PIECES"
check "reconnecting mode: boots" test "$(booted)" = 2.0.0

rm -rf d && cp -a tpl d
expect_exit 1 "partial download from a server that ignores Range: refused" $FWDEV ota d "$U/nr/img.enc" --ca ca.crt --max-request-size 4096
expect_stderr "ignores Range requests" "the reason names it"
check "nothing was erased: old image boots" test "$(booted)" = 1.0.0

# a power cut in partial mode: the next run resumes in pieces from the checkpoint
rm -rf d && cp -a tpl d
FWSEAL_SIM_CUT_AT=150 $FWDEV ota d "$U/img.enc" --ca ca.crt --max-request-size 4096 --checkpoint-kib 16 >/dev/null 2>&1
check "cut during a partial download (exit 99)" test $? -eq 99
m=$(log_mark)
expect_exit 0 "partial download resumed after the cut" $FWDEV ota d "$U/img.enc" --ca ca.crt --max-request-size 4096 --checkpoint-kib 16 --json
check "resumed: one connection (bytes 0-511, then the pieces)" test "$(grep -c '"event":"connected"' "$T/.out")" -eq 1
check "resumed: pieces of at most 4096 bytes" test "$(max_body_since "$m")" -le 4096
check "resumed partial: boots" test "$(booted)" = 2.0.0
expect_exit 2 "--max-request-size below 512 is a usage error" $FWDEV ota d "$U/img.enc" --ca ca.crt --max-request-size 100
