#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The device HTTPS client (device/fwd_http via build/tools/http_get) against a
# real nginx with a test CA, a TCP proxy that cuts/stalls, and a lying server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_nginx_lib.sh"

H=$(ng_tool http_get)
ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost,IP:127.0.0.1" && ng_cert "$T" other otherhost "DNS:otherhost.example"
mkdir -p "$T/www" "$T/ca2"
ng_ca "$T/ca2"
head -c 300000 /dev/urandom >"$T/www/f.bin"
REDIR='location /r1 { return 302 /f.bin; } location /r4 { return 302 /r3; } location /r3 { return 302 /r2; } location /r2 { return 302 /r1; } location /abs { return 301 https://localhost:$server_port/f.bin; } location /tohttp { return 302 http://localhost:1/f.bin; }'
ng_start main "$T/www" "$T/srv.crt" "$T/srv.key" "$REDIR" || { fail "nginx start"; exit 1; }
P=$NG_PORT
ng_start other "$T/www" "$T/other.crt" "$T/other.key" || { fail "nginx start (other)"; exit 1; }
PO=$NG_PORT
URL=https://localhost:$P

check "GET over TLS with the pinned CA" $H "$URL/f.bin" --ca "$T/ca.crt"
same_file "$T/.out" "$T/www/f.bin" "body identical"
check "Range from 1000 (206 + Content-Range)" $H "$URL/f.bin" --ca "$T/ca.crt" --from 1000 --expect-total 300000
tail -c +1001 "$T/www/f.bin" >"$T/tail"
same_file "$T/.out" "$T/tail" "ranged body identical"
expect_exit 1 "Range with a different expected total refused" $H "$URL/f.bin" --ca "$T/ca.crt" --from 10 --expect-total 299999
expect_stderr "size changed" "size change reported"
check "one redirect followed" $H "$URL/r1" --ca "$T/ca.crt"
check "absolute redirect followed" $H "$URL/abs" --ca "$T/ca.crt"
expect_exit 1 "redirect chain longer than 3 refused" $H "$URL/r4" --ca "$T/ca.crt"
expect_stderr "too many redirects" "redirect bound reported"
expect_exit 1 "redirect https -> http refused" $H "$URL/tohttp" --ca "$T/ca.crt"
expect_stderr "https to http" "downgrade reported"
expect_exit 1 "plain http refused without --allow-http" $H "http://localhost:$P/f.bin"
expect_exit 1 "wrong CA refused" $H "$URL/f.bin" --ca "$T/ca2/ca.crt"
expect_stderr "not trusted" "wrong CA reported"
expect_exit 1 "wrong host name refused" $H "https://localhost:$PO/f.bin" --ca "$T/ca.crt"
expect_stderr "does not match the host name" "host name mismatch reported"
expect_exit 1 "404 refused" $H "$URL/nope" --ca "$T/ca.crt"
expect_stderr "status=404" "status reported"
expect_exit 1 "announced size above the limit refused before the body" $H "$URL/f.bin" --ca "$T/ca.crt" --max 1000
expect_stderr "received=0 .*exceeds the limit" "nothing delivered"

# A proxy that cuts the first connection after 100000 bytes, then passes.
ng_bg "$(ng_tool tcp_proxy)" "$T/pcut" "$P" cut 100000
PC=$(ng_wait_portfile "$T/pcut")
expect_exit 1 "cut connection reported" $H "https://localhost:$PC/f.bin" --ca "$T/ca.crt"
expect_stderr "rc=-2 .*closed before the end" "cut = truncated (retryable)"
cp "$T/.out" "$T/part"
got=$(stat -c %s "$T/part")
check "resume with Range from $got" $H "https://localhost:$PC/f.bin" --ca "$T/ca.crt" --from "$got" --expect-total 300000
cat "$T/part" "$T/.out" >"$T/joined"
same_file "$T/joined" "$T/www/f.bin" "cut + resumed = original"

ng_bg "$(ng_tool tcp_proxy)" "$T/pstall" "$P" stall 50000
PS=$(ng_wait_portfile "$T/pstall")
expect_exit 1 "stalling server times out" $H "https://localhost:$PS/f.bin" --ca "$T/ca.crt" --timeout-ms 400
expect_stderr "rc=-25 .*timed out" "timeout reported"

L=$(ng_tool http_liar)
ng_bg "$L" "$T/pover" "$T/srv.crt" "$T/srv.key" oversend "$T/www/f.bin"
expect_exit 1 "server sending more than Content-Length refused" $H "https://localhost:$(ng_wait_portfile "$T/pover")/f.bin" --ca "$T/ca.crt"
expect_stderr "more than it announced" "over-send reported"
ng_bg "$L" "$T/pchunk" "$T/srv.crt" "$T/srv.key" chunked "$T/www/f.bin"
check "chunked body" $H "https://localhost:$(ng_wait_portfile "$T/pchunk")/f.bin" --ca "$T/ca.crt"
same_file "$T/.out" "$T/www/f.bin" "chunked body identical"
ng_bg "$L" "$T/ptrickle" "$T/srv.crt" "$T/srv.key" trickle "$T/www/f.bin"
expect_exit 1 "trickling server stopped by the throughput watchdog" $H "https://localhost:$(ng_wait_portfile "$T/ptrickle")/f.bin" --ca "$T/ca.crt" --timeout-ms 500 --window-ms 800 --min-bytes 100
expect_stderr "watchdog" "watchdog reported"
expect_exit 1 "server ignoring Range (200 instead of 206) refused" $H "https://localhost:$(cat "$T/pchunk")/f.bin" --ca "$T/ca.crt" --from 1000
expect_stderr "did not honour the Range" "ignored Range reported"
