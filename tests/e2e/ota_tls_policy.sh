#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The device HTTPS client's TLS policy against a real nginx (issue 11 sections
# 3, 4 and 6): TLS 1.2 ECDHE + AEAD suites only; servers addressed by IP
# (iPAddress SANs, IPv4 and IPv6, exact bytes, never the CN); expired and
# not-yet-valid server certificates reported as such.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_nginx_lib.sh"

H=$(ng_tool http_get)
mkdir -p "$T/www" "$T/ca2"
head -c 20000 /dev/urandom >"$T/www/f.bin"
ng_ca "$T" && ng_ca "$T/ca2" || { fail "CAs"; exit 1; }
ng_cert "$T" srv localhost "DNS:localhost,IP:127.0.0.1,IP:::1" &&
  ng_cert "$T" ipother ipother "IP:127.0.0.2,IP:::2" &&
  ng_cert "$T" cnonly 127.0.0.1 "" &&
  ng_cert "$T" cnsan 127.0.0.1 "DNS:localhost" &&
  ng_cert "$T" dnsip dnsip "DNS:127.0.0.1,DNS:::1" &&
  ng_cert_dated "$T" expired localhost "DNS:localhost,IP:127.0.0.1" 20200101000000Z 20200102000000Z &&
  ng_cert_dated "$T" future localhost "DNS:localhost,IP:127.0.0.1" 20990101000000Z 20990102000000Z &&
  ng_cert_dated "$T/ca2" expired2 localhost "DNS:localhost" 20200101000000Z 20200102000000Z ||
  { fail "server certificates"; exit 1; }

V6=""
if ng_have_v6; then V6=1; else echo "# no ::1 on this machine (cannot bind [::1]): IPv6 cases skipped"; fi
start() { # NAME CERT [EXTRA]: sets the variable NAME to the port
  NG_V6=$V6 ng_start "$1" "$T/www" "$T/$2.crt" "$T/$2.key" "${3:-}" || { fail "nginx $1"; exit 1; }
  printf -v "$1" '%s' "$NG_PORT"
}
get() { $H "$@" --ca "$T/ca.crt" --timeout-ms 5000; }

# ---- 3. cipher suites -------------------------------------------------------
start p_cbc srv "ssl_ciphers ECDHE-ECDSA-AES128-SHA;"
start p_gcm srv "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256;"
start p_chacha srv "ssl_ciphers ECDHE-ECDSA-CHACHA20-POLY1305;"
start p_cbc256 srv "ssl_ciphers ECDHE-ECDSA-AES256-SHA384;"
expect_exit 1 "server offering only ECDHE-ECDSA-AES128-SHA (CBC, SHA-1) refused" get "https://localhost:$p_cbc/f.bin"
expect_stderr "rc=-27 .*no common cipher suite.*ECDHE" "refusal names the cipher-suite policy"
expect_exit 1 "server offering only ECDHE-ECDSA-AES256-SHA384 (CBC) refused" get "https://localhost:$p_cbc256/f.bin"
expect_stderr "no common cipher suite" "CBC-SHA384 refusal reported"
check "server offering only ECDHE-ECDSA-AES128-GCM-SHA256 accepted" get "https://localhost:$p_gcm/f.bin"
same_file "$T/.out" "$T/www/f.bin" "GCM body identical"
check "server offering only ECDHE-ECDSA-CHACHA20-POLY1305 accepted" get "https://localhost:$p_chacha/f.bin"

# ---- 4. servers addressed by IP -----------------------------------------------
start p_ip srv
start p_ipother ipother
start p_cnonly cnonly
start p_cnsan cnsan
start p_dnsip dnsip
check "https://127.0.0.1 with an IP:127.0.0.1 SAN accepted" get "https://127.0.0.1:$p_ip/f.bin"
same_file "$T/.out" "$T/www/f.bin" "IPv4 body identical"
check "the host name still works on the same server" get "https://localhost:$p_ip/f.bin"
expect_exit 1 "IPv4: certificate for another IP refused" get "https://127.0.0.1:$p_ipother/f.bin"
expect_stderr "rc=-27 .*does not match the IP address" "IPv4 mismatch reported"
expect_exit 1 "IPv4: address only in the CN (no SAN) refused" get "https://127.0.0.1:$p_cnonly/f.bin"
expect_stderr "does not match the IP address \(no subjectAltName" "CN never used for an IP"
expect_exit 1 "IPv4: address in the CN, SAN without it, refused" get "https://127.0.0.1:$p_cnsan/f.bin"
expect_stderr "does not match the IP address" "no CN fallback when a SAN exists"
expect_exit 1 "IPv4: DNS SAN \"127.0.0.1\" is not an iPAddress: refused" get "https://127.0.0.1:$p_dnsip/f.bin"
expect_stderr "does not match the IP address" "DNS-name SAN not taken for an IP"
expect_exit 1 "host name: certificate naming only IP addresses refused" get "https://localhost:$p_ipother/f.bin"
expect_stderr "does not match the host name" "DNS matching unchanged"
if [ -n "$V6" ]; then
  check "https://[::1] with an IP:::1 SAN accepted" get "https://[::1]:$p_ip/f.bin"
  same_file "$T/.out" "$T/www/f.bin" "IPv6 body identical"
  expect_exit 1 "IPv6: certificate for another IP refused" get "https://[::1]:$p_ipother/f.bin"
  expect_stderr "does not match the IP address" "IPv6 mismatch reported"
  expect_exit 1 "IPv6: DNS SAN \"::1\" is not an iPAddress: refused" get "https://[::1]:$p_dnsip/f.bin"
  expect_stderr "does not match the IP address" "IPv6 DNS-name SAN not taken for an IP"
  expect_exit 1 "IPv6: IPv4-only SAN set does not match ::1" get "https://[::1]:$p_cnsan/f.bin"
fi

# ---- 6. validity reported as such ------------------------------------------------
start p_exp expired
start p_fut future
start p_exp2 ca2/expired2
expect_exit 1 "expired server certificate refused" get "https://localhost:$p_exp/f.bin"
expect_stderr "rc=-27 .*server certificate has expired" "expired reported as expired"
expect_exit 1 "expired server certificate refused (by IP)" get "https://127.0.0.1:$p_exp/f.bin"
expect_stderr "server certificate has expired" "expired reported as expired (IP host)"
expect_exit 1 "not-yet-valid server certificate refused" get "https://localhost:$p_fut/f.bin"
expect_stderr "rc=-27 .*server certificate is not yet valid" "not yet valid reported as such"
expect_exit 1 "expired certificate from another CA refused" get "https://localhost:$p_exp2/f.bin"
expect_stderr "not trusted by the pinned CA" "untrusted wins over its dates"
expect_exit 1 "wrong CA still reported as not trusted" $H "https://localhost:$p_ip/f.bin" --ca "$T/ca2/ca.crt"
expect_stderr "not trusted by the pinned CA" "wrong CA reported"

# The OTA command carries the same reasons to the user (a device running v1).
DEV=$T/dev
if $FWSEAL keygen rsa3072 -o "$T/sb.pem" --pub "$T/sb_pub.pem" >"$T/.out" 2>"$T/.err" &&
  $FWSEAL mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project fwseal_demo --size 48K \
    -o "$T/v1.bin" >>"$T/.out" 2>>"$T/.err" &&
  $FWSEAL sign --key "$T/sb.pem" "$T/v1.bin" -o "$T/v1.s.bin" >>"$T/.out" 2>>"$T/.err" &&
  $FWDEV init "$DEV" --partitions "$V/partition_table/partitions_two_ota.csv" \
    --secure-boot-key "$T/sb_pub.pem" >>"$T/.out" 2>>"$T/.err" &&
  $FWDEV flash "$DEV" --partition ota_0 "$T/v1.s.bin" >>"$T/.out" 2>>"$T/.err" &&
  $FWDEV boot "$DEV" >>"$T/.out" 2>>"$T/.err"; then
  expect_exit 1 "fwseal-device ota: expired server certificate refused" \
    $FWDEV ota "$DEV" "https://localhost:$p_exp/v.bin" --ca "$T/ca.crt" --retries 0
  expect_stderr "server certificate has expired" "ota reports the expired certificate"
  expect_exit 1 "fwseal-device ota: not-yet-valid server certificate refused" \
    $FWDEV ota "$DEV" "https://127.0.0.1:$p_fut/v.bin" --ca "$T/ca.crt" --retries 0
  expect_stderr "server certificate is not yet valid" "ota reports the not-yet-valid certificate"
  expect_exit 1 "fwseal-device ota: CBC-only server refused" \
    $FWDEV ota "$DEV" "https://localhost:$p_cbc/v.bin" --ca "$T/ca.crt" --retries 0
  expect_stderr "no common cipher suite" "ota reports the cipher-suite refusal"
  expect_exit 1 "fwseal-device ota: certificate for another IP refused" \
    $FWDEV ota "$DEV" "https://127.0.0.1:$p_ipother/v.bin" --ca "$T/ca.crt" --retries 0
  expect_stderr "does not match the IP address" "ota reports the IP mismatch"
  # reached by IP, the OTA itself goes through (plaintext signed v2 served by nginx)
  $FWSEAL mkimage --chip esp32c3 --version 2.0.0 --secure-version 1 --project fwseal_demo --size 48K -o "$T/v2.bin" >/dev/null &&
    $FWSEAL sign --key "$T/sb.pem" "$T/v2.bin" -o "$T/www/v2.s.bin" >/dev/null
  expect_exit 0 "fwseal-device ota over https://127.0.0.1 (IP SAN) installs v2" \
    $FWDEV ota "$DEV" "https://127.0.0.1:$p_ip/v2.s.bin" --ca "$T/ca.crt"
  if [ -n "$V6" ]; then
    $FWSEAL mkimage --chip esp32c3 --version 3.0.0 --secure-version 1 --project fwseal_demo --size 48K -o "$T/v3.bin" >/dev/null &&
      $FWSEAL sign --key "$T/sb.pem" "$T/v3.bin" -o "$T/www/v3.s.bin" >/dev/null
    $FWDEV boot "$DEV" >/dev/null 2>&1 && $FWDEV confirm "$DEV" >/dev/null 2>&1
    expect_exit 0 "fwseal-device ota over https://[::1] (IP SAN) installs v3" \
      $FWDEV ota "$DEV" "https://[::1]:$p_ip/v3.s.bin" --ca "$T/ca.crt"
  fi
else
  fail "device running a signed app" "$(tail -c 300 "$T/.err")"
fi
