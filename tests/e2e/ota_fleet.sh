#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal-device update against a `fwseal release` served by nginx (issue 19,
# device side), beyond the fleet run (tests/fleet/run.sh, e2e/fleet_small):
#   1. a power cut (FWSEAL_SIM_CUT_AT, clean and torn) at the flash writes
#      and erases of an update (every one of the first 16, then every 5th;
#      FWSEAL_FLEET_CUT_ALL=1: all), the manifest memory's NVS writes included: the
#      device always boots a valid image (v1 until the new slot is selected),
#      the manifest memory reads old or new (never lower, never garbage), and
#      the update run again afterwards installs v2;
#   2. a connection cut in the middle of the body (tcp_proxy): the download
#      resumes with a Range request at a verified chunk boundary;
#   3. an ECIES-P256 device (the fwseal shared-body header, docs/formats.md §9)
#      updates from the same kind of release;
#   4. a newer release while the running app is PENDING_VERIFY is refused
#      after the manifest, before its header or body is fetched;
#   5. exit 4 (nothing to do) when already up to date, 3 when the server is
#      unreachable, 2 on usage errors, and a device without an id is refused;
#   6. without a trusted clock (--no-clock) an expired manifest is refused by
#      the newest manifest time the device has accepted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_nginx_lib.sh"
SEED=${FWSEAL_SIM_CUT_SEED:-1}
PT=$FWSEAL_ROOT/tests/fleet/partitions_fleet.csv
cd "$T" || exit 3

$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null || { fail "keygen"; exit 1; }
for v in 1.0.0 2.0.0; do
  $FWSEAL mkimage --chip esp32c3 --version $v --secure-version 1 --project fleet_cut --size 20K -o "v$v.bin" >/dev/null &&
    $FWSEAL sign --key sb.pem "v$v.bin" -o "v$v.s.bin" >/dev/null || { fail "image $v"; exit 1; }
done
$FWSEAL keygen rsa3072 -o d1.pem --pub d1_pub.pem >/dev/null
$FWSEAL keygen ecies-p256 -o e1.bin --pub e1_pub.pem >/dev/null
$FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null
printf 'id,pubkey\nrsa-1,d1_pub.pem\n' >rsa.csv
printf 'id,pubkey\nec-1,e1_pub.pem\n' >ec.csv
mkdir -p www
check "RSA release" $FWSEAL release --image v2.0.0.s.bin --devices rsa.csv --sign-key sb.pem --out www/rsa --chunk-size 1024
check "ECIES release (shared header)" $FWSEAL release --image v2.0.0.s.bin --devices ec.csv --sign-key sb.pem --out www/ec --ecies-shared
$FWSEAL mkimage --chip esp32c3 --version 3.0.0 --secure-version 1 --project fleet_cut --size 20K -o v3.0.0.bin >/dev/null &&
  $FWSEAL sign --key sb.pem v3.0.0.bin -o v3.0.0.s.bin >/dev/null
check "ECIES release of v3" $FWSEAL release --image v3.0.0.s.bin --devices ec.csv --sign-key sb.pem --out www/ec3 --ecies-shared
ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost,IP:127.0.0.1" || { fail "CA"; exit 1; }
ng_start main "$T/www" "$T/srv.crt" "$T/srv.key" || { fail "nginx"; exit 1; }
U=https://localhost:$NG_PORT
newdev() { # DIR ID KEY-OPTION...
  local d=$1 id=$2; shift 2
  $FWDEV init "$d" --partitions "$PT" --flash-size 1MB --flash-encryption xts-128 --flash-key fe.bin \
    --secure-boot-key sb_pub.pem --id "$id" "$@" >/dev/null &&
    $FWDEV flash "$d" --partition ota_0 v1.0.0.s.bin >/dev/null && $FWDEV boot "$d" >/dev/null
}
newdev tpl rsa-1 --decrypt-key d1.pem || { fail "device"; exit 1; }
booted() { $FWDEV boot "$1" --json 2>/dev/null | sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' | head -1; }
mseq() { $FWDEV status "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["fleet"]["manifest_seq"])'; }

# ---- 4. exit codes ------------------------------------------------------------------
cp -a tpl d0
expect_exit 2 "update without --server: usage error" $FWDEV update d0 --ca ca.crt
expect_exit 2 "update with an http:// server: usage error" $FWDEV update d0 --server "http://localhost:$NG_PORT/rsa" --ca ca.crt
expect_exit 3 "unreachable server: exit 3" $FWDEV update d0 --server "https://127.0.0.1:1/rsa" --ca ca.crt --retries 0 --connect-timeout-ms 2000
newdev noid x-1 --decrypt-key d1.pem && sed -i '/^device_id=/d' noid/device.conf
expect_exit 2 "a device without an id is refused" $FWDEV update noid --server "$U/rsa" --ca ca.crt
expect_stderr "init --id" "it says how to give it one"

# ---- 1. power cut at every flash operation of an update ------------------------------
cp -a tpl d
FWSEAL_SIM_TRACE=$T/trace expect_exit 0 "uncut update" $FWDEV update d --server "$U/rsa" --ca ca.crt
N=$(grep -cE '^(write|erase|efuse-burn) ' trace)
[ "$N" -gt 10 ] && ok "the update does $N flash operations (NVS first, then the slot)" || fail "ops" "$N"
[ "$(mseq d)" = 1 ] && ok "uncut: manifest memory seq 1" || fail "uncut seq" "$(mseq d)"
check "uncut: v2 boots" test "$(booted d)" = 2.0.0
# Every operation up to 16 (the manifest memory's NVS writes and the start of
# the slot), then every 5th, and the last three; FWSEAL_FLEET_CUT_ALL=1 cuts
# every one of them.
points() {
  if [ -n "${FWSEAL_FLEET_CUT_ALL:-}" ]; then seq 1 "$N"; return; fi
  { seq 1 16; seq 17 5 "$N"; seq $((N - 2)) "$N"; } | awk '$1 >= 1' | sort -nu
}
bad=0 cuts=0
for mode in clean torn; do
  for k in $(points); do
    rm -rf c && cp -a tpl c
    FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$k FWSEAL_SIM_CUT_MODE=$mode \
      $FWDEV update c --server "$U/rsa" --ca ca.crt >/dev/null 2>&1
    rc=$?
    cuts=$((cuts + 1))
    s=$(mseq c 2>/dev/null); v=$(booted c)
    why=""
    [ "$rc" -eq 99 ] || why="exit $rc, not 99"
    case "$s" in 0 | 1) ;; *) why="$why; manifest seq '$s'" ;; esac
    [ "$v" = 1.0.0 ] || [ "$v" = 2.0.0 ] || why="$why; boots '$v'"
    if [ -z "$why" ] && [ "$v" = 1.0.0 ]; then
      $FWDEV update c --server "$U/rsa" --ca ca.crt >/dev/null 2>&1 && [ "$(booted c)" = 2.0.0 ] && [ "$(mseq c)" = 1 ] ||
        why="the update after the cut did not install v2"
    fi
    if [ -n "$why" ]; then
      bad=$((bad + 1))
      [ "$bad" -le 3 ] && echo "# cut $mode at $k: $why (replay: FWSEAL_SIM_CUT_SEED=$SEED FWSEAL_SIM_CUT_AT=$k FWSEAL_SIM_CUT_MODE=$mode)"
    fi
  done
done
[ "$bad" -eq 0 ] && ok "power cut at $((cuts / 2)) of the $N operations, clean and torn ($cuts cuts): always a valid image, manifest memory old or new, the next update installs v2" ||
  fail "power cuts" "$bad of $cuts bad"

# ---- 2. connection cut in the middle of the body --------------------------------------
# every connection is cut after 40000 bytes: the manifest and the header fit,
# the body (86 KiB, in nginx's 16 KiB TLS records) needs three connections
ng_bg "$(ng_tool tcp_proxy)" "$T/pcut" "$NG_PORT" cut 40000 -1
PC=$(ng_wait_portfile "$T/pcut")
cp -a tpl r
expect_exit 0 "update through a proxy that cuts every connection after 40000 bytes" \
  $FWDEV update r --server "https://localhost:$PC/rsa" --ca ca.crt --json --retries 20
grep -o '"resume_at":[0-9]*' "$T/.out" >resumes
[ -s resumes ] && ok "the body download resumed $(wc -l <resumes) time(s)" || fail "no resume" "$(head -c 300 "$T/.out")"
awk -F: '$2 % 1024 { bad = 1 } END { exit bad }' resumes && ok "every resume starts at a verified chunk boundary (1024-byte chunks)" ||
  fail "resume offsets" "$(tr '\n' ' ' <resumes)"
check "v2 boots after the resumed update" test "$(booted r)" = 2.0.0

# ---- 3. ECIES-P256 device, shared-body header ----------------------------------------------
newdev ec ec-1 --decrypt-hmac-key e1.bin || { fail "ECIES device"; exit 1; }
expect_exit 0 "ECIES device updates from the shared-body release" $FWDEV update ec --server "$U/ec" --ca ca.crt
check "ECIES device boots v2" test "$(booted ec)" = 2.0.0
# v2 now runs unconfirmed (PENDING_VERIFY): a newer release is refused after
# the manifest, before its header or body is fetched
l0=$(wc -l <"$T/nginx-main/logs/access.log")
expect_exit 1 "a newer release while the running app is PENDING_VERIFY: refused" \
  $FWDEV update ec --server "$U/ec3" --ca ca.crt
expect_stderr "PENDING_VERIFY" "it says why"
tail -n +$((l0 + 1)) "$T/nginx-main/logs/access.log" | grep -qE '/(hdr|body)' && fail "header or body fetched while PENDING_VERIFY" ||
  ok "only the manifest was fetched"
$FWDEV confirm ec >/dev/null
expect_exit 4 "already up to date: exit 4 (nothing to do)" $FWDEV update ec --server "$U/ec" --ca ca.crt
expect_stdout "nothing to do \(up-to-date\)" "it says so"

# ---- 6. no trusted clock: the newest manifest time seen is the time -------------------------
check "a release signed a year ago, expired 335 days ago" $FWSEAL release --image v3.0.0.s.bin --devices ec.csv \
  --sign-key sb.pem --out www/ecold --ecies-shared --seq 5 \
  --issued "$(date -u -d '-365 days' +%Y-%m-%dT%H:%M:%SZ)" --expires "$(date -u -d '-335 days' +%Y-%m-%dT%H:%M:%SZ)"
expect_exit 1 "--no-clock: refused as expired by the newest manifest the device accepted" \
  $FWDEV update ec --server "$U/ecold" --ca ca.crt --no-clock --json
expect_stdout '"verdict":"expired".*"time_source":"newest-manifest"' "the decision names the time source"
