#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make fleet (issue 19): a fleet release served as static files by a real
# nginx (TLS, generated CA) to a simulated fleet, end to end:
#
#   1. N devices (default 200, FLEET_DEVICES=N), each a device directory made
#      with `fwseal-device init --id dev-NNNN` with its OWN RSA-3072 decryption
#      key and flash-encryption key, running v1 (secure_version 1);
#   2. a staged rollout of v2: `fwseal release` at 10 %, then `fwseal manifest
#      restage` to 50 % and 100 % (the manifest re-signed with a new sequence
#      number over the same body and headers), published in the served
#      directory; after each stage every device runs `fwseal-device update`
#      (bounded concurrency FLEET_JOBS, default 2; every command under a
#      timeout, FLEET_TIMEOUT s, and the whole run under FLEET_DEADLINE s),
#      devices that updated boot the new image and confirm it;
#      a device's decision is checked against its rollout bucket;
#   3. hostile releases published to the same URL, each run by every device:
#      tampered first chunk, tampered last chunk, tampered headers, manifest
#      signed by an untrusted key, expired manifest, replayed older manifest,
#      manifest for another chip, secure_version below the eFuse value. Every
#      device must refuse (exit 1) with no byte of the hostile image written
#      to an OTA slot (simulator flash trace; for the tampered last chunk:
#      nothing at or after the bad chunk, and the slot erased), and still boot
#      v2 afterwards;
#   4. the table (per stage: devices updated, correctly skipped, bytes served
#      by nginx vs devices x image size, requests, wall time; per hostile
#      release: refusals, slot writes, bytes fetched) is printed and, for a
#      full run (N >= 200), written to tests/fleet/RESULTS.md (FLEET_RESULTS=
#      FILE to choose, FLEET_RESULTS= to skip). The e2e test fleet_small runs
#      this script with 20 devices and writes nothing.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../e2e/_nginx_lib.sh"
N=${FLEET_DEVICES:-200}
JOBS=${FLEET_JOBS:-2}
TMO=${FLEET_TIMEOUT:-120}             # seconds, any single device command
DEADLINE=${FLEET_DEADLINE:-3600}      # seconds, the whole run (checked after every fleet pass)
DEFAULT_RESULTS=$FWSEAL_ROOT/tests/fleet/RESULTS.md
if [ "${FLEET_RESULTS+set}" = set ]; then RESULTS=$FLEET_RESULTS
elif [ "$N" -ge 200 ]; then RESULTS=$DEFAULT_RESULTS
else RESULTS=""; fi
PT=$FWSEAL_ROOT/tests/fleet/partitions_fleet.csv
cd "$T" || exit 3
export FWSEAL FWDEV T TMO PT
START_ALL=$SECONDS

# ---- keys, images ---------------------------------------------------------------
$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null || { fail "keygen"; exit 1; }
$FWSEAL keygen rsa3072 -o rogue.pem --pub rogue_pub.pem >/dev/null
mkimg() { # VERSION SECURE_VERSION OUT [CHIP]
  $FWSEAL mkimage --chip "${4:-esp32c3}" --version "$1" --secure-version "$2" --project fleet_demo --size 96K \
    -o "$3.u" >/dev/null && $FWSEAL sign --key sb.pem "$3.u" -o "$3" >/dev/null
}
# v1 runs at first (eFuse secure_version 1), v2 is rolled out (confirming it
# raises the eFuse to 2), v3 is what the hostile releases carry (acceptable
# but for the tampering), old has secure_version 1 (below the eFuse then),
# s3 is built for another chip.
mkimg 1.0.0 1 v1.bin && mkimg 2.0.0 2 v2.bin && mkimg 3.0.0 2 v3.bin && mkimg 2.5.0 1 old.bin &&
  mkimg 3.0.0 3 s3.bin esp32s3 || { fail "images"; exit 1; }
IMG=$(stat -c %s v2.bin)
check "images built (v2: $IMG bytes)" test -s v2.bin -a -s v3.bin -a -s old.bin -a -s s3.bin

# ---- the fleet ---------------------------------------------------------------------
mkdir -p devs keys out
make_device() { # ID
  local id=$1 k=$T/keys/$1
  $FWSEAL keygen rsa3072 -o "$k.pem" --pub "$k.pub.pem" >/dev/null &&
    $FWSEAL keygen flash-xts-128 -o "$k.fe" >/dev/null &&
    timeout "$TMO" $FWDEV init "$T/devs/$id" --partitions "$PT" --flash-size 1MB --flash-encryption xts-128 \
      --flash-key "$k.fe" --secure-boot-key "$T/sb_pub.pem" --secure-version 1 --decrypt-key "$k.pem" --id "$id" >/dev/null &&
    timeout "$TMO" $FWDEV flash "$T/devs/$id" --partition ota_0 "$T/v1.bin" >/dev/null &&
    timeout "$TMO" $FWDEV boot "$T/devs/$id" >/dev/null && rm -f "$k.pem" "$k.fe" && echo "$id" >>"$T/made"
}
export -f make_device
seq -f 'dev-%04g' 1 "$N" >ids
t0=$SECONDS
xargs -P "$JOBS" -I{} bash -c 'make_device {}' <ids
MAKE_S=$((SECONDS - t0))
made=$(sort -u made 2>/dev/null | wc -l)
[ "$made" -eq "$N" ] && ok "$N devices made with fwseal-device init --id, each with its own RSA-3072 key (${MAKE_S}s)" ||
  { fail "devices made" "$made of $N"; exit 1; }
{ echo "id,pubkey"; while read -r id; do echo "$id,$T/keys/$id.pub.pem"; done <ids; } >devices.csv
# the OTA slots of the fleet's table (flash addresses, for the trace checks)
$FWDEV status devs/dev-0001 --json >st.json
read -r S0 S0E S1 S1E < <(python3 -c '
import json; p={x["label"]:x for x in json.load(open("st.json"))["partitions"]}
print(p["ota_0"]["offset"], p["ota_0"]["offset"]+p["ota_0"]["size"], p["ota_1"]["offset"], p["ota_1"]["offset"]+p["ota_1"]["size"])')
export S0 S0E S1 S1E

# ---- the server -------------------------------------------------------------------------
mkdir -p www
ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost,IP:127.0.0.1" || { fail "CA"; exit 1; }
ng_start fleet "$T/www" "$T/srv.crt" "$T/srv.key" || { fail "nginx"; exit 1; }
export URL=https://localhost:$NG_PORT/fleet
LOG=$T/nginx-fleet/logs/access.log
publish() { # OUTDIR-NAME RELEASE-ARGS...: fwseal release into www/NAME.new, then swap it in as www/fleet
  local name=$1; shift
  rm -rf "www/$name"
  $FWSEAL release --devices devices.csv --out "www/$name" --jobs "$JOBS" "$@" >"$T/release.$name.log" 2>&1 || return 1
  rm -rf www/fleet.old; [ -e www/fleet ] && mv www/fleet www/fleet.old
  cp -a "www/$name" www/fleet
}

# ---- one device, one run -------------------------------------------------------------------
# update_one STAGE ID: update (trace kept), boot + confirm when it updated;
# one line "ID EXIT" in out/STAGE.res (EXIT 97: updated but boot/confirm failed).
update_one() {
  local st=$1 id=$2 d=$T/devs/$2 o=$T/out/$1 rc
  mkdir -p "$o"
  FWSEAL_SIM_UTC=${FLEET_UTC:-} FWSEAL_SIM_TRACE=$o/$id.trace timeout "$TMO" $FWDEV update "$d" --server "$URL" --ca "$T/ca.crt" --json \
    >"$o/$id.json" 2>"$o/$id.err"
  rc=$?
  if [ "$rc" -eq 0 ]; then
    { timeout "$TMO" $FWDEV boot "$d" && timeout "$TMO" $FWDEV confirm "$d"; } >/dev/null 2>>"$o/$id.err" || rc=97
  fi
  echo "$id $rc" >>"$T/out/$st.res"
}
export -f update_one
# run_stage STAGE: the whole fleet; sets RUN_S (wall seconds), REQ and the
# bytes nginx served in the stage: B_MF (manifests), B_HDR (headers), B_BODY, BYTES (all)
run_stage() {
  local st=$1 l0 t1
  l0=$(wc -l <"$LOG")
  t1=$SECONDS
  rm -f "out/$st.res"
  xargs -P "$JOBS" -I{} bash -c "update_one $st {}" <ids
  RUN_S=$((SECONDS - t1))
  if [ $((SECONDS - START_ALL)) -gt "$DEADLINE" ]; then
    fail "the run exceeded its deadline of ${DEADLINE}s (FLEET_DEADLINE) after pass $st"
    exit 1
  fi
  tail -n +$((l0 + 1)) "$LOG" >"out/$st.log"
  REQ=$(wc -l <"out/$st.log")
  read -r B_MF B_HDR B_BODY BYTES < <(awk '{ t += $10 } $7 ~ /manifest/ { m += $10 } $7 ~ /\/hdr\// { h += $10 }
    $7 ~ /body/ { b += $10 } END { print m + 0, h + 0, b + 0, t + 0 }' "out/$st.log")
}
count() { awk -v c="$2" '$2 == c' "out/$1.res" | wc -l; } # STAGE EXIT

# ---- staged rollout -----------------------------------------------------------------------------
# Every device's decision is checked against its rollout bucket: updated iff
# the bucket is below the manifest's rollout (basis points), else
# "not-in-rollout"; devices already on v2 say "up-to-date".
decisions_ok() { # STAGE
  python3 - "$T/out/$1" <<'PY'
import json, os, sys
d = sys.argv[1]; bad = []
for f in sorted(os.listdir(d)):
    if not f.endswith('.json'): continue
    ev = {}
    for line in open(os.path.join(d, f)):
        o = json.loads(line); ev[o['event']] = o
    dec, res = ev.get('decision'), ev.get('result')
    if not dec or not res: bad.append(f + ': no decision'); continue
    inr = dec['bucket'] < dec['rollout_bp']
    want = {'accept': 'updated', 'not-in-rollout': 'nothing-to-do', 'up-to-date': 'nothing-to-do'}.get(dec['verdict'])
    if dec['verdict'] == 'accept' and not inr: bad.append(f + ': accepted outside the rollout')
    if dec['verdict'] == 'not-in-rollout' and inr: bad.append(f + ': skipped inside the rollout')
    if want != res['outcome']: bad.append(f + ': ' + dec['verdict'] + ' -> ' + res['outcome'])
print('\n'.join(bad[:5])); sys.exit(1 if bad else 0)
PY
}
STAGE_ROWS=""
TOTAL_UPDATED=0
seq_no=1
for pct in 10 50 100; do
  seq_no=$((seq_no + 1))
  # the first stage is a release; the next ones re-sign its manifest with a
  # wider rollout over the same body and headers (what a CDN already caches)
  if [ "$pct" = 10 ]; then
    publish "r$pct" --image v2.bin --sign-key sb.pem --seq "$seq_no" --rollout "$pct" ||
      { fail "fwseal release --rollout $pct" "$(tail -3 "$T/release.r$pct.log")"; exit 1; }
  else
    $FWSEAL manifest restage www/fleet --sign-key sb.pem --rollout "$pct" --seq "$seq_no" >"$T/restage.$pct.log" 2>&1 ||
      { fail "fwseal manifest restage --rollout $pct" "$(tail -3 "$T/restage.$pct.log")"; exit 1; }
  fi
  run_stage "s$pct"
  up=$(count "s$pct" 0)
  skip=$(grep -l '"verdict":"not-in-rollout"' out/s$pct/*.json 2>/dev/null | wc -l)
  utd=$(grep -l '"verdict":"up-to-date"' out/s$pct/*.json 2>/dev/null | wc -l)
  ref=$(count "s$pct" 1); bad=$((N - up - $(count "s$pct" 4) - ref))
  TOTAL_UPDATED=$((TOTAL_UPDATED + up))
  check "stage $pct %: every device's decision agrees with its rollout bucket" decisions_ok "s$pct"
  [ "$ref" -eq 0 ] && [ "$bad" -eq 0 ] && ok "stage $pct %: $up updated, $skip not in the rollout, $utd up to date, 0 refused, 0 failed" ||
    fail "stage $pct %" "$ref refused, $bad failed: $(cat out/s$pct/*.err | sort | uniq -c | sort -rn | head -3)"
  [ "$B_BODY" -eq $((up * IMG)) ] && ok "stage $pct %: body bytes served = updated devices x image size ($B_BODY)" ||
    fail "stage $pct %: body bytes served" "$B_BODY, expected $((up * IMG))"
  ratio=$(awk -v b="$BYTES" -v u="$up" -v i="$IMG" 'BEGIN { if (u) printf "%.2f", b / (u * i); else print "-" }')
  STAGE_ROWS+="| ${pct} % | $seq_no | $up | $TOTAL_UPDATED / $N | $skip | $utd | $((ref + bad)) | $REQ | $B_MF | $B_HDR | $B_BODY | $((up * IMG)) | $BYTES | $ratio | ${RUN_S} s |"$'\n'
done
[ "$TOTAL_UPDATED" -eq "$N" ] && ok "after 100 %: all $N devices updated exactly once" || fail "rollout total" "$TOTAL_UPDATED of $N"
runs_v2() { # every device boots v2
  local id bad=0
  while read -r id; do
    timeout "$TMO" $FWDEV boot "devs/$id" --json 2>/dev/null | grep -q '"version":"2.0.0"' || bad=$((bad + 1))
  done <ids
  [ "$bad" -eq 0 ]
}
check "every device boots v2 (confirmed)" runs_v2

# ---- hostile releases ---------------------------------------------------------------------------
# slot_trace STAGE: "WRITES MAX_END" over the whole fleet's flash traces:
# writes into an OTA slot, and the highest end of one relative to its slot
slot_trace() {
  python3 - "$T/out/$1" "$S0" "$S0E" "$S1" "$S1E" <<'PY'
import glob, os, sys
d, a, b, c, e = sys.argv[1], *map(int, sys.argv[2:])
n = m = 0
for f in glob.glob(os.path.join(d, '*.trace')):
    for line in open(f):
        w = line.split()
        if len(w) < 3 or w[0] != 'write': continue
        x, ln = int(w[1], 16), int(w[2])
        base = a if a <= x < b else c if c <= x < e else None
        if base is None: continue
        n += 1; m = max(m, x + ln - base)
print(n, m)
PY
}
# received STAGE: body bytes the devices took in (their result objects)
received() {
  cat "out/$1"/*.json | python3 -c '
import json, sys
print(sum(o.get("body_bytes", 0) for o in map(json.loads, sys.stdin) if o.get("event") == "result"))'
}
HOSTILE_ROWS=""
# hostile NAME DESCRIPTION REASON-REGEX ZERO|BELOW:OFFSET: every device runs the published release
hostile() {
  local name=$1 desc=$2 why=$3 rule=$4 ref writes end slotcell reasons
  run_stage "h_$name"
  ref=$(count "h_$name" 1)
  read -r writes end < <(slot_trace "h_$name")
  reasons=$(grep -ho '"reason":"[^"]*"' out/h_$name/*.json | sed 's/"reason":"\(.*\)"/\1/' | sort | uniq -c | sort -rn | head -1 | sed 's/^ *[0-9]* //')
  [ "$ref" -eq "$N" ] && ok "$desc: all $N devices refused (exit 1)" ||
    fail "$desc: refused by $ref of $N" "$(awk '$2 != 1' "out/h_$name.res" | head -3)"
  [ "$(grep -LE "$why" out/h_$name/*.json | wc -l)" -eq 0 ] && ok "$desc: every device says why ($why)" ||
    fail "$desc: reason" "$reasons"
  case $rule in
    ZERO)
      [ "$writes" -eq 0 ] && ok "$desc: zero writes to an OTA slot on every device (flash trace)" ||
        fail "$desc: OTA-slot writes" "$writes"
      slotcell="0" ;;
    BELOW:*)
      local lim=${rule#BELOW:}
      [ "$end" -le "$lim" ] && ok "$desc: nothing at or after the bad chunk (slot byte $lim) written on any device (highest write end $end)" ||
        fail "$desc: a write reached slot byte $end (bad chunk starts at $lim)"
      slotcell="$writes, all below the bad chunk (byte $lim), erased again" ;;
  esac
  HOSTILE_ROWS+="| $desc | $ref / $N | $slotcell | $(received "h_$name") | $B_BODY | $REQ | ${RUN_S} s | $reasons |"$'\n'
}
# image and chunk size of the release in www/fleet, from a device's view
chunk_of() { python3 -c '
import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["event"] == "manifest_verified": print(o["chunk_size"]); break' "$1"; }

flip() { # FILE OFFSET: invert one byte (never a no-op)
  python3 -c 'import sys; f = open(sys.argv[1], "r+b"); o = int(sys.argv[2]); f.seek(o); b = f.read(1); f.seek(o); f.write(bytes([b[0] ^ 0xFF]))' "$1" "$2"
}
# 1. tampered first chunk (a correct release whose served body was changed: CDN, mirror)
seq_no=$((seq_no + 1))
publish t1 --image v3.bin --sign-key sb.pem --seq "$seq_no" --rollout 100 || { fail "release v3"; exit 1; }
flip www/fleet/*/body.bin 100
hostile chunk0 "tampered chunk (the first)" '"reason":"chunk 0 of the body does not match' ZERO
# 2. tampered last chunk: the good chunks before it stream to flash, the bad one never does
publish t2 --image v3.bin --sign-key sb.pem --seq "$seq_no" --rollout 100
V3=$(stat -c %s v3.bin)
CH=$(chunk_of "out/h_chunk0/dev-0001.json")
LAST=$(((V3 - 1) / CH))
flip www/fleet/*/body.bin $((V3 - 7))
hostile chunkN "tampered chunk (the last, $LAST)" "\"reason\":\"chunk $LAST of the body does not match" "BELOW:$((LAST * CH))"
# 3. tampered headers: one byte of every device's wrapped key
publish t3 --image v3.bin --sign-key sb.pem --seq "$seq_no" --rollout 100
for h in www/fleet/*/hdr/*.hdr; do flip "$h" 100; done
hostile header "tampered header (wrapped key)" 'does not unwrap this release' ZERO
# 4. a manifest signed by a key the devices do not trust
seq_no=$((seq_no + 1))
publish t4 --image v3.bin --sign-key rogue.pem --seq "$seq_no" --rollout 100
hostile untrusted "manifest signed by an untrusted key" 'manifest signature' ZERO
# 5. expired manifest: signed a year ago, valid for 30 days then (the
#    devices' clocks are the host's; FWSEAL_SIM_UTC could move them)
publish t5 --image v3.bin --sign-key sb.pem --seq "$seq_no" --rollout 100 \
  --issued "$(date -u -d '-365 days' +%Y-%m-%dT%H:%M:%SZ)" --expires "$(date -u -d '-335 days' +%Y-%m-%dT%H:%M:%SZ)"
hostile expired "expired manifest (signed a year ago for 30 days)" 'expired' ZERO
# 6. replay: the first stage's release again (seq 2, older than what they accepted)
rm -rf www/fleet && cp -a www/r10 www/fleet
hostile replay "replayed older manifest (seq 2)" 'replay' ZERO
# 7. another chip
publish t7 --image s3.bin --sign-key sb.pem --seq "$seq_no" --rollout 100
hostile chip "manifest for another chip (esp32s3)" 'wrong-chip' ZERO
# 8. secure_version below the eFuse value (2 since v2 was confirmed)
publish t8 --image old.bin --sign-key sb.pem --seq "$seq_no" --rollout 100
hostile secver "secure_version 1 below the eFuse value 2" 'secure-version' ZERO
check "after every hostile release every device still boots v2" runs_v2

# ---- the table ----------------------------------------------------------------------------------
WALL=$((SECONDS - START_ALL))
table() {
  echo "Fleet of $N simulated devices (each its own RSA-3072 key, flash encryption, eFuse secure_version 1),"
  echo "$JOBS devices at a time, against nginx over TLS. Image: $IMG bytes (v2.0.0);"
  echo "devices made in ${MAKE_S} s; whole run ${WALL} s."
  echo
  echo "| stage | seq | updated | total updated | not in rollout | up to date | refused/failed | requests | manifest bytes | header bytes | body bytes | updated x image size | bytes served | served / (updated x image) | wall time |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$STAGE_ROWS"
  echo
  echo "Hostile releases, each run by all $N devices (exit 1 = refused; OTA-slot writes counted in the"
  echo "simulator's flash trace of every device; body bytes received = what the devices took in before"
  echo "they stopped, body bytes served = what nginx handed to the sockets, in flight included):"
  echo
  echo "| hostile release | refused | OTA-slot writes | body bytes received | body bytes served | requests | wall time | reason (most common) |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$HOSTILE_ROWS"
}
echo
table | tee table.md
if [ -n "$RESULTS" ] && [ "$_fail" -eq 0 ]; then
  {
    echo "<!-- SPDX-License-Identifier: Apache-2.0 -->"
    echo "# Fleet run results"
    echo
    echo "Written by \`make fleet\` (tests/fleet/run.sh) on $(date -u +%Y-%m-%d); do not edit by hand."
    echo "docs/guide.md (\"Fleet releases\") explains the run; tests/e2e/fleet_results.sh checks this file."
    echo
    table
  } >"$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS" && echo "wrote $RESULTS"
fi
