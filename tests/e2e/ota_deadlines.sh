#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# No wait without a deadline (issue 11 section 3): a hostile local TLS server
# that trickles its handshake, its response head or its body one byte every
# 0.4 s (which would hold a client without deadlines for minutes) is cut off
# within 2 x the configured --timeout-ms, in every phase, by the device client
# (build/tools/http_get) and by `fwseal-device ota`. Each run trickles one
# phase only, so the elapsed time of the whole run bounds that phase. This
# bounds a deadline, it does not measure speed: the timeout is 1000 ms, the
# trickles would take >= 10 s, and each run is killed after 20 s.
# (The connect deadline is shown by the unit test test_http_sock.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_nginx_lib.sh"

H=$(ng_tool http_get)
TMO=1000
LIMIT=$((2 * TMO))
ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost" || { fail "certificates"; exit 1; }
mkdir -p "$T/www"
head -c 300000 /dev/urandom >"$T/www/f.bin"
ng_start main "$T/www" "$T/srv.crt" "$T/srv.key" || { fail "nginx start"; exit 1; }
P=$NG_PORT

# bounded NAME REASON_REGEX CMD...: CMD fails (exit WANT_RC: 1 for http_get,
# 3 = I/O error for fwseal-device) with a reason matching REASON_REGEX on
# stderr, after at most LIMIT ms.
WANT_RC=1
bounded() {
  local name=$1 re=$2; shift 2
  local t0 t1 rc ms
  t0=$(date +%s%N)
  timeout 20 "$@" >"$T/.out" 2>"$T/.err"
  rc=$?
  t1=$(date +%s%N)
  ms=$(((t1 - t0) / 1000000))
  if [ "$rc" -ne "$WANT_RC" ]; then
    fail "$name" "exit $rc (124 = still waiting after 20 s) after $ms ms: $(tail -c 300 "$T/.err")"
  elif ! grep -Eq "$re" "$T/.err"; then
    fail "$name" "reason not /$re/: $(tail -c 300 "$T/.err")"
  elif [ "$ms" -gt "$LIMIT" ]; then
    fail "$name" "cut off after $ms ms > 2 x $TMO ms"
  else
    ok "$name ($ms ms <= $LIMIT ms)"
  fi
}

check "baseline: the same download without a trickle" $H "https://localhost:$P/f.bin" --ca "$T/ca.crt" --timeout-ms $TMO
same_file "$T/.out" "$T/www/f.bin" "baseline body identical"

# 1. Handshake: a proxy in front of nginx passes every server byte 0.4 s apart
#    (an EC certificate flight of ~900 bytes: ~6 minutes without a deadline).
ng_bg "$(ng_tool tcp_proxy)" "$T/phs" "$P" trickle 0 400
PHS=$(ng_wait_portfile "$T/phs")
bounded "trickled TLS handshake cut off (http_get)" "rc=-25 .*handshake" \
  $H "https://localhost:$PHS/f.bin" --ca "$T/ca.crt" --timeout-ms $TMO

# 2. Response head: one byte (one TLS record) every 0.4 s (~50 s in total).
ng_bg "$(ng_tool http_liar)" "$T/phead" "$T/srv.crt" "$T/srv.key" trickle-head "$T/www/f.bin"
PHEAD=$(ng_wait_portfile "$T/phead")
bounded "trickled response head cut off (http_get)" "rc=-25 .*(response head|watchdog)" \
  $H "https://localhost:$PHEAD/f.bin" --ca "$T/ca.crt" --timeout-ms $TMO

# 3. Body: 50000 bytes at full speed, then every byte 0.4 s apart: TLS records
#    arrive one byte at a time and none completes for hours.
ng_bg "$(ng_tool tcp_proxy)" "$T/pbody" "$P" trickle 50000 400
PBODY=$(ng_wait_portfile "$T/pbody")
bounded "trickled body cut off (http_get)" "rc=-25 .*watchdog" \
  $H "https://localhost:$PBODY/f.bin" --ca "$T/ca.crt" --timeout-ms $TMO

# The same three through the command users run (--retries 0: one attempt).
DEV=$T/dev
if $FWSEAL keygen rsa3072 -o "$T/sb.pem" --pub "$T/sb_pub.pem" >"$T/.out" 2>"$T/.err" &&
  $FWSEAL mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project fwseal_demo --size 48K \
    -o "$T/v1.bin" >>"$T/.out" 2>>"$T/.err" &&
  $FWSEAL sign --key "$T/sb.pem" "$T/v1.bin" -o "$T/v1.s.bin" >>"$T/.out" 2>>"$T/.err" &&
  $FWSEAL mkimage --chip esp32c3 --version 2.0.0 --secure-version 1 --project fwseal_demo --size 200K \
    -o "$T/v2.bin" >>"$T/.out" 2>>"$T/.err" &&
  $FWSEAL sign --key "$T/sb.pem" "$T/v2.bin" -o "$T/www/v2.s.bin" >>"$T/.out" 2>>"$T/.err" &&
  $FWDEV init "$DEV" --partitions "$V/partition_table/partitions_two_ota.csv" \
    --secure-boot-key "$T/sb_pub.pem" >>"$T/.out" 2>>"$T/.err" &&
  $FWDEV flash "$DEV" --partition ota_0 "$T/v1.s.bin" >>"$T/.out" 2>>"$T/.err" &&
  $FWDEV boot "$DEV" >>"$T/.out" 2>>"$T/.err"; then
  WANT_RC=3
  for ph in "handshake|$PHS|TLS handshake timed out" "head|$PHEAD|response head|watchdog" "body|$PBODY|watchdog"; do
    IFS='|' read -r name port re <<<"$ph"
    bounded "fwseal-device ota: trickled $name cut off" "$re" \
      $FWDEV ota "$DEV" "https://localhost:$port/v2.s.bin" --ca "$T/ca.crt" --timeout-ms $TMO --retries 0
  done
else
  fail "device running a signed app" "$(tail -c 300 "$T/.err")"
fi

expect_exit 2 "--connect-timeout-ms 0 is a usage error (no knob disables a deadline)" \
  $FWDEV ota "$DEV" "https://localhost:$P/v2.s.bin" --ca "$T/ca.crt" --connect-timeout-ms 0
expect_exit 2 "--connect-timeout-ms needs a number" \
  $FWDEV ota "$DEV" "https://localhost:$P/v2.s.bin" --ca "$T/ca.crt" --connect-timeout-ms soon
check "ota --help documents --connect-timeout-ms" sh -c "$FWDEV ota --help | grep -q -- --connect-timeout-ms"

# Retries back off (bounded, jittered) instead of reconnecting at once: a proxy
# cuts the first connection mid-body; the retry event announces its delay,
# within [250, 500] ms for the first retry, and the OTA then completes.
if [ -s "$T/www/v2.s.bin" ]; then
  ng_bg "$(ng_tool tcp_proxy)" "$T/pcut" "$P" cut 60000
  PCUT=$(ng_wait_portfile "$T/pcut")
  WANT_RC=0
  expect_exit 0 "OTA resumed after a cut connection" \
    $FWDEV ota "$DEV" "https://localhost:$PCUT/v2.s.bin" --ca "$T/ca.crt" --timeout-ms 5000 --retries 2 --json
  d=$(grep -o '"event":"retry".*"delay_ms":[0-9]*' "$T/.out" | head -1 | sed 's/.*"delay_ms"://')
  if [ -n "$d" ] && [ "$d" -ge 250 ] && [ "$d" -le 500 ]; then ok "first retry backs off $d ms (in [250, 500])"
  else fail "first retry backs off" "delay_ms='$d': $(grep retry "$T/.out" | head -c 300)"; fi
fi
