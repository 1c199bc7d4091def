#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Wall time of a 4 MiB encrypted HTTPS OTA with and without TCP_NODELAY
# (issue 11: the client's small handshake writes met the server's delayed ACK).
# Not part of `make bench` (it compares builds); run by hand:
#
#   bench/ota_https_nodelay.sh [RUNS] [OTHER_FWSEAL_DEVICE]
#
# Interleaved runs, medians of RUNS (default 5) each:
#   file      fwseal-device ota --file (the crypto + flash cost, no network)
#   nodelay   this build over loopback TLS from nginx (TCP_NODELAY set)
#   nagle     the same binary with setsockopt(TCP_NODELAY) neutralised by an
#             LD_PRELOAD shim built here (Nagle back on: the "before" socket)
#   other     OTHER_FWSEAL_DEVICE over TLS, e.g. a build of the previous commit
# nginx offers ECDHE-ECDSA-AES128-GCM-SHA256 only, so every variant
# negotiates the same suite. Figures only, no pass/fail.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
B=${FWSEAL_BUILD:-$root/build}
V=${FWSEAL_SHARED:-$root/../shared}/vectors
RUNS=${1:-5}
OTHER=${2:-}
FWSEAL=$B/bin/fwseal
FWDEV=$B/bin/fwseal-device
W=$(mktemp -d "${TMPDIR:-/tmp}/fwseal-nodelay.XXXXXX")
PE=$V/pre_encrypted/rsa
cd "$W" || exit 3

cat >parts.csv <<'EOF'
# Name,   Type, SubType, Offset,   Size, Flags
nvs,      data, nvs,     ,        0x4000,
otadata,  data, ota,     ,        0x2000,
phy_init, data, phy,     ,        0x1000,
ota_0,    app,  ota_0,   ,        5M,
ota_1,    app,  ota_1,   ,        5M,
EOF
cat >nagle.c <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    static int (*real)(int, int, int, const void *, socklen_t);
    if (level == IPPROTO_TCP && name == TCP_NODELAY) return 0; /* pretend, keep Nagle */
    if (!real) real = (int (*)(int, int, int, const void *, socklen_t))dlsym(RTLD_NEXT, "setsockopt");
    return real(fd, level, name, val, len);
}
EOF
cc -shared -fPIC -O2 nagle.c -o nagle.so -ldl || exit 3

$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null || exit 3
$FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null || exit 3
mk() {
  $FWSEAL mkimage --chip esp32c3 --version "$1" --secure-version 1 --project bench --size "$2" -o "$3.bin" >/dev/null &&
    $FWSEAL sign --key sb.pem "$3.bin" -o "$3.s.bin" >/dev/null &&
    $FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" "$3.s.bin" -o "$3.enc" >/dev/null
}
mk 1.0.0 64K base && mk 2.0.0 4M big || exit 3
$FWDEV init tpl --partitions parts.csv --flash-size 16MB --flash-encryption xts-128 --flash-key fe.bin \
  --secure-boot-key sb_pub.pem --decrypt-key "$PE/rsa_priv_key.pem" >/dev/null &&
  $FWDEV flash tpl --partition ota_0 base.s.bin >/dev/null && $FWDEV boot tpl >/dev/null || exit 3

export FWSEAL_BUILD=$B
T=$W/ng
mkdir -p "$T/www"
at_exit() { :; }
. "$root/tests/e2e/_nginx_lib.sh"
trap 'ng_stop_all; rm -rf "$W"' EXIT
ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost" && cp big.enc "$T/www/" &&
  ng_start bench "$T/www" "$T/srv.crt" "$T/srv.key" "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256;" >/dev/null || exit 3
URL=https://localhost:$NG_PORT/big.enc

once() { # VARIANT -> seconds on stdout
  rm -rf d && cp -a tpl d
  local s e rc
  s=$(date +%s%N)
  case $1 in
    file) $FWDEV ota d --file big.enc >/dev/null 2>err ;;
    nodelay) $FWDEV ota d "$URL" --ca "$T/ca.crt" >/dev/null 2>err ;;
    nagle) LD_PRELOAD=$W/nagle.so $FWDEV ota d "$URL" --ca "$T/ca.crt" >/dev/null 2>err ;;
    other) $OTHER ota d "$URL" --ca "$T/ca.crt" >/dev/null 2>err ;;
  esac
  rc=$?
  e=$(date +%s%N)
  [ $rc -eq 0 ] || { echo "FAILED($1): $(head -c 200 err)" >&2; echo NaN; return; }
  python3 -c "print(($e-$s)/1e9)"
}
variants="file nodelay nagle"
[ -n "$OTHER" ] && variants="$variants other"
declare -A all
for r in $(seq 1 "$RUNS"); do
  for v in $variants; do all[$v]="${all[$v]:-} $(once "$v")"; done
done
echo "4 MiB encrypted OTA, $RUNS interleaved runs each, median wall seconds (ratio to --file):"
for v in $variants; do
  python3 - "$v" ${all[$v]} ${all[file]} <<'PY'
import statistics, sys
v = sys.argv[1]; vals = [float(x) for x in sys.argv[2:]]
n = len(vals) // 2
mine, base = statistics.median(vals[:n]), statistics.median(vals[n:])
print(f"  {v:8s} {mine:6.3f} s  {mine / base:5.2f}x   runs: {' '.join(f'{x:.3f}' for x in vals[:n])}")
PY
done
