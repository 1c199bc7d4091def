#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make demo: the whole fwseal story on a simulated device, in a temporary
# work directory. Seven steps (issue 8); each one prints what it does and
# checks that the device behaved as described. Exit 0 only if every step
# did. nginx is started on 127.0.0.1 with a CA made here and stopped by PID.
#
#   FWSEAL_BUILD   build dir holding bin/fwseal and bin/fwseal-device
#   DEMO_KEEP=1    keep the work directory (its path is printed)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FWSEAL_BUILD:-$root/build}
FWSEAL=$build/bin/fwseal
FWDEV=$build/bin/fwseal-device
W=$(mktemp -d "${TMPDIR:-/tmp}/fwseal-demo.XXXXXX")
DEV=$W/device
NGINX_PID=""
t0=$SECONDS

# ---- presentation -----------------------------------------------------------
if [ -t 1 ]; then B=$'\e[1m' G=$'\e[32m' R=$'\e[31m' D=$'\e[2m' N=$'\e[0m'; else B="" G="" R="" D="" N=""; fi
step_no=0
summary=()   # "attempted<TAB>device did<TAB>why<TAB>ok|FAIL"
failed=0
step() { step_no=$((step_no + 1)); printf '\n%s[%d/7] %s%s\n' "$B" "$step_no" "$1" "$N"; printf '      %s%s%s\n' "$D" "$2" "$N"; }
say()  { printf '      %s\n' "$*"; }
good() { printf '      %s✓%s %s\n' "$G" "$N" "$*"; }
bad()  { printf '      %s✗ %s%s\n' "$R" "$*" "$N"; failed=$((failed + 1)); }
record() { summary+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$4"); }  # a FAIL row always follows a bad()

# run LOGNAME CMD...: runs quietly, output kept in $W/log/LOGNAME; returns CMD's exit code.
mkdir -p "$W/log"
exec 3>&1   # progress lines go to fd 3, so helpers used in $(...) stay clean
run() {
  local name=$1; shift
  "$@" >"$W/log/$name.out" 2>"$W/log/$name.err"
  local rc=$?
  printf '      %s$ %s%s\n' "$D" "$(echo "$*" | sed "s|$build/bin/||g; s|$W/||g")" "$N" >&3
  return $rc
}
# must LOGNAME CMD...: like run, but a failure aborts the demo (a setup step broke).
must() {
  local name=$1
  if ! run "$@"; then
    bad "$name failed: $(tail -2 "$W/log/$name.err")"
    exit_demo
  fi
}
# jget FILE KEY: the first value of KEY anywhere in a JSON document (or "").
jget() {
  python3 - "$1" "$2" <<'PY'
import json, sys
def find(o, k):
    if isinstance(o, dict):
        if k in o: return o[k]
        for v in o.values():
            r = find(v, k)
            if r is not None: return r
    if isinstance(o, list):
        for v in o:
            r = find(v, k)
            if r is not None: return r
    return None
try: doc = json.load(open(sys.argv[1]))
except Exception: sys.exit(0)
v = find(doc, sys.argv[2])
print("" if v is None else v)
PY
}

cleanup() {
  if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill "$NGINX_PID" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$NGINX_PID" 2>/dev/null
  fi
  NGINX_PID=""
  cd / || true
  if [ "${DEMO_KEEP:-0}" = 1 ]; then echo "demo: work directory kept: $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

print_summary() {
  printf '\n%s[7/7] Summary%s\n' "$B" "$N"
  printf '      %sWhat was attempted, what the device did, and why.%s\n\n' "$D" "$N"
  python3 - "${summary[@]}" <<'PY'
import sys
rows = [r.split("\t") for r in sys.argv[1:]]
hdr = ["attempted", "device did", "why", "result"]
w = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(hdr)]
fmt = lambda r: "  " + " | ".join(c.ljust(w[i]) for i, c in enumerate(r))
print(fmt(hdr)); print("  " + "-+-".join("-" * x for x in w))
for r in rows: print(fmt(r))
PY
}
exit_demo() {
  print_summary
  printf '\n'
  if [ "$failed" -eq 0 ]; then
    printf '%sdemo: every step behaved as described (%ds)%s\n' "$G$B" $((SECONDS - t0)) "$N"; exit 0
  fi
  printf '%sdemo: %d check(s) did not behave as described (logs: DEMO_KEEP=1 to keep %s)%s\n' "$R$B" "$failed" "$W/log" "$N"
  exit 1
}

# boot_info NAME: run the bootloader (its JSON kept in $W/log/NAME.out);
# echo "exit label version state efuse_secure_version".
boot_info() {
  run "$1" "$FWDEV" boot "$DEV" --json
  local rc=$? f=$W/log/$1.out
  echo "$rc $(jget "$f" booted) $(jget "$f" version) $(jget "$f" ota_state) $(jget "$f" efuse_secure_version)"
}

[ -x "$FWSEAL" ] && [ -x "$FWDEV" ] || { echo "demo: build first (make all): $FWSEAL, $FWDEV" >&2; exit 3; }
cd "$W" || exit 3
printf '%sfwseal demo%s — work directory %s\n' "$B" "$N" "$W"

# ---- 1. keys ----------------------------------------------------------------
step "Keys" "The release team's signing key, the distribution (encryption) key, the device's flash-encryption key and NVS keys."
must keygen-sign  "$FWSEAL" keygen rsa3072 -o sign.pem --pub sign_pub.pem
must keygen-enc   "$FWSEAL" keygen rsa3072 -o enc.pem --pub enc_pub.pem
must keygen-fe    "$FWSEAL" keygen flash-xts-128 -o flash_key.bin
must keygen-nvs   "$FWSEAL" keygen nvs-keys -o nvs_keys.bin
must digest       "$FWSEAL" digest sign_pub.pem -o sign_digest.bin
good "RSA-3072 signing key (digest $(head -c 16 "$W/log/digest.out")…), RSA-3072 encryption key, XTS-AES-128 flash key (esp32c3 has no XTS-AES-256), NVS keys"
record "create keys" "-" "signing, encryption, flash-encryption and NVS keys, private files 0600" ok

# ---- 2. provision -------------------------------------------------------------
step "Provision a device like a production unit" \
     "Flash encryption on, Secure Boot V2 digest and secure_version 1 in eFuse, encrypted NVS, a factory NVS partition from a CSV, factory app v1."
cat >partitions.csv <<'EOF'
# Name,    Type, SubType,  Offset,   Size,    Flags
nvs,       data, nvs,      0x9000,   0x6000,
otadata,   data, ota,      0xf000,   0x2000,
nvs_keys,  data, nvs_keys, 0x11000,  0x1000,  encrypted
fctry,     data, nvs,      0x12000,  0x6000,
factory,   app,  factory,  0x20000,  0x60000,
ota_0,     app,  ota_0,    0x80000,  0x60000,
ota_1,     app,  ota_1,    0xe0000,  0x60000,
EOF
serial="FWS-$(date -u +%Y%m%d)-0042"
cat >factory_nvs.csv <<EOF
key,type,encoding,value
factory,namespace,,
serial,data,string,$serial
hw_rev,data,u8,3
dev_cert,data,string,-----BEGIN CERTIFICATE----- placeholder for the device certificate -----END CERTIFICATE-----
EOF
must nvsgen   "$FWSEAL" nvs generate factory_nvs.csv 0x6000 -o fctry.bin --keys nvs_keys.bin
must mk-v1    "$FWSEAL" mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project fwseal-demo --size 96K -o app_v1.bin
must sign-v1  "$FWSEAL" sign --key sign.pem app_v1.bin -o app_v1.signed.bin
must init     "$FWDEV" init "$DEV" --partitions partitions.csv --flash-size 4MB \
                --chip esp32c3 --flash-encryption xts-128 --flash-key flash_key.bin \
                --secure-boot-key sign_pub.pem --secure-version 1 \
                --decrypt-key enc.pem --nvs-keys nvs_keys.bin
must flash-f  "$FWDEV" flash "$DEV" --partition factory app_v1.signed.bin
must flash-n  "$FWDEV" flash "$DEV" --partition fctry fctry.bin
read -r rc label ver state sv < <(boot_info boot1)
if [ "$rc" = 0 ] && [ "$label" = factory ] && [ "$ver" = 1.0.0 ]; then
  good "bootloader verified and booted factory app $ver"
  record "provision + first boot" "booted factory v1.0.0" "signature verifies against the eFuse key digest" ok
else
  bad "first boot: exit $rc, label '$label', version '$ver'"
  record "provision + first boot" "exit $rc ($label $ver)" "$(head -1 "$W/log/boot1.err")" FAIL
fi
if run nvs-get "$FWDEV" nvs "$DEV" --partition fctry get factory serial && grep -q "$serial" "$W/log/nvs-get.out"; then
  good "factory NVS (encrypted) reads serial $serial"
else
  bad "factory NVS read: $(head -1 "$W/log/nvs-get.err")"
fi

# ---- 3. release v2 ------------------------------------------------------------
step "Release v2" "mkimage → sign (Secure Boot V2) and encrypt for distribution in one pass → verify offline, as a release pipeline would."
must mk-v2    "$FWSEAL" mkimage --chip esp32c3 --version 2.0.0 --secure-version 2 --project fwseal-demo --size 96K -o app_v2.bin
must release-v2 "$FWSEAL" encrypt --sign-key sign.pem --pubkey enc_pub.pem app_v2.bin -o app_v2.enc.bin
if run verify-v2 "$FWSEAL" verify app_v2.enc.bin --decrypt-key enc.pem --trust sign_pub.pem --min-secure-version 1 --chip esp32c3 --json; then
  say "JSON report (one line per check):"
  python3 - "$W/log/verify-v2.out" <<'PY' | sed 's/^/      | /' | head -24
import json, sys
d = json.load(open(sys.argv[1]))
for c in d.get("checks", []):
    print("%-4s %-24s %s" % (c.get("result", "?"), c.get("name", "?"), (c.get("detail") or "")[:70]))
print("valid: %s" % json.dumps(d.get("valid")))
PY
  good "offline verification: container, GCM tag, structure, SHA-256, signature, key digest, secure_version"
  record "release v2 (sign+encrypt, verify)" "-" "fwseal verify passed every check offline" ok
else
  bad "fwseal verify: $(head -1 "$W/log/verify-v2.err")"
  record "release v2 (sign+encrypt, verify)" "-" "verify failed: $(head -1 "$W/log/verify-v2.err")" FAIL
fi

# ---- 4. HTTPS OTA to v2 ------------------------------------------------------------
step "OTA v2 over HTTPS" "nginx serves the encrypted image with a certificate from a CA made here; the device pins that CA."
mkdir -p www nginx
cp app_v2.enc.bin www/
must ca   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=fwseal demo CA"
must csr  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout srv.key -out srv.csr -subj "/CN=localhost"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' >srv.ext
must cert openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile srv.ext
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Run as root (containers, CI), nginx would drop its workers to "nobody",
# who cannot enter this private work directory: keep them as ourselves.
nginx_user=""
[ "$(id -u)" = 0 ] && nginx_user="user $(id -un) $(id -gn);"
cat >nginx/nginx.conf <<EOF
$nginx_user
daemon off;
worker_processes 1;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log warn;
events { worker_connections 64; }
http {
  access_log $W/nginx/access.log;
  client_body_temp_path $W/nginx/tmp_body;
  proxy_temp_path $W/nginx/tmp_proxy;
  fastcgi_temp_path $W/nginx/tmp_fcgi;
  uwsgi_temp_path $W/nginx/tmp_uwsgi;
  scgi_temp_path $W/nginx/tmp_scgi;
  server {
    listen 127.0.0.1:$port ssl;
    server_name localhost;
    ssl_certificate $W/srv.pem;
    ssl_certificate_key $W/srv.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    root $W/www;
  }
}
EOF
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx_bin" -p "$W/nginx" -c "$W/nginx/nginx.conf" -e "$W/nginx/error.log" >"$W/log/nginx.out" 2>&1 &
NGINX_PID=$!
for _ in $(seq 50); do
  python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2)' "$port" 2>/dev/null && break
  sleep 0.1
done
if ! kill -0 "$NGINX_PID" 2>/dev/null; then bad "nginx did not start: $(tail -2 "$W/nginx/error.log" "$W/log/nginx.out" 2>/dev/null)"; exit_demo; fi
good "nginx (PID $NGINX_PID) serving https://localhost:$port/"
url=https://localhost:$port
if "$FWDEV" ota "$DEV" "$url/app_v2.enc.bin" --ca ca.pem 2>"$W/log/ota-v2.err" | sed 's/^/      | /'; [ "${PIPESTATUS[0]}" = 0 ]; then
  good "downloaded, decrypted on the fly, written through flash encryption, signature re-verified, boot slot switched"
  read -r rc label ver state sv < <(boot_info boot2)
  if [ "$rc" = 0 ] && [ "$ver" = 2.0.0 ]; then
    good "rebooted into $label v$ver, state $state (pending verify until the app confirms)"
    say "app self-test: NVS still readable, version as expected …"
    if run nvs-get2 "$FWDEV" nvs "$DEV" --partition fctry get factory serial && run confirm2 "$FWDEV" confirm "$DEV"; then
      read -r rc label ver state sv < <(boot_info boot2b)
      if [ "$sv" = 2 ] && [ "$state" = VALID ] && [ "$ver" = 2.0.0 ]; then
        good "self-test passed, confirmed (VALID), eFuse secure_version burned to $sv"
        record "HTTPS OTA to v2" "booted v2, confirmed" "tag + signature OK; self-test passed; secure_version 1→2" ok
      else
        bad "after confirm: $label v$ver state '$state', eFuse secure_version '$sv' (expected VALID, 2)"
        record "HTTPS OTA to v2" "booted v2, confirmed" "secure_version not burned ('$sv')" FAIL
      fi
    else
      bad "self-test/confirm failed: $(head -1 "$W/log/confirm2.err" 2>/dev/null)"
      record "HTTPS OTA to v2" "booted v2" "confirm failed" FAIL
    fi
  else
    bad "boot after OTA: exit $rc, '$label' '$ver' '$state'"
    record "HTTPS OTA to v2" "exit $rc ($label $ver)" "expected v2 pending verify" FAIL
  fi
else
  bad "OTA failed: $(tail -1 "$W/log/ota-v2.err")"
  record "HTTPS OTA to v2" "OTA failed" "$(tail -1 "$W/log/ota-v2.err")" FAIL
fi

# ---- 5. attacks -----------------------------------------------------------------------
step "Attacks" "An image encrypted with the device's public key (anyone can do that) but signed by an unknown key; then a downgrade to v1."
must keygen-evil "$FWSEAL" keygen rsa3072 -o evil.pem
must mk-evil   "$FWSEAL" mkimage --chip esp32c3 --version 6.6.6 --secure-version 9 --project fwseal-demo --size 96K -o evil.bin
must release-evil "$FWSEAL" encrypt --sign-key evil.pem --pubkey enc_pub.pem evil.bin -o www/evil.enc.bin
must enc-v1    "$FWSEAL" encrypt --pubkey enc_pub.pem app_v1.signed.bin -o www/app_v1.enc.bin
attack() { # attack NAME FILE WHAT
  local name=$1 file=$2 what=$3 rc
  run "ota-$name" "$FWDEV" ota "$DEV" "$url/$file" --ca ca.pem
  rc=$?
  local why; why=$(tail -1 "$W/log/ota-$name.err" | sed 's/^fwseal-device: //' | cut -c1-70)
  local r l v s e
  read -r r l v s e < <(boot_info "boot-$name")
  if [ "$rc" = 1 ] && [ "$r" = 0 ] && [ "$v" = 2.0.0 ]; then
    good "$what refused (exit 1: $why); device still boots v$v"
    record "$what" "refused, kept v2.0.0" "$why" ok
  else
    bad "$what: ota exit $rc ($why), boot '$l' '$v'"
    record "$what" "ota exit $rc, boots '$v'" "$why" FAIL
  fi
}
attack evil evil.enc.bin "attacker image (unknown signing key)"
attack downgrade app_v1.enc.bin "downgrade to v1 (secure_version 1)"

# ---- 6. v3 fails its self-test ----------------------------------------------------------
step "Release v3 fails its self-test" "The device boots v3 once (pending verify), the app does not confirm, the next boot rolls back to v2."
must mk-v3   "$FWSEAL" mkimage --chip esp32c3 --version 3.0.0 --secure-version 2 --project fwseal-demo --size 96K -o app_v3.bin
must release-v3 "$FWSEAL" encrypt --sign-key sign.pem --pubkey enc_pub.pem app_v3.bin -o www/app_v3.enc.bin
if run ota-v3 "$FWDEV" ota "$DEV" "$url/app_v3.enc.bin" --ca ca.pem; then
  read -r rc label ver state sv < <(boot_info boot3)
  if [ "$rc" = 0 ] && [ "$ver" = 3.0.0 ]; then
    good "booted $label v$ver ($state); self-test \"fails\": the app does not confirm and reboots"
    read -r rc label ver state sv < <(boot_info boot4)
    if [ "$rc" = 0 ] && [ "$ver" = 2.0.0 ]; then
      good "next boot: v3 marked ABORTED, rolled back to $label v$ver"
      record "OTA to v3 (self-test fails)" "booted v3 once, rolled back to v2" "v3 never confirmed: PENDING_VERIFY → ABORTED" ok
    else
      bad "after the unconfirmed boot: exit $rc '$label' '$ver'"
      record "OTA to v3 (self-test fails)" "boots '$ver'" "expected rollback to v2" FAIL
    fi
  else
    bad "v3 did not boot: exit $rc '$label' '$ver'"
    record "OTA to v3 (self-test fails)" "exit $rc" "expected v3 pending verify" FAIL
  fi
else
  bad "v3 OTA failed: $(tail -1 "$W/log/ota-v3.err")"
  record "OTA to v3 (self-test fails)" "OTA failed" "$(tail -1 "$W/log/ota-v3.err")" FAIL
fi
if [ "${sv:-}" = 2 ]; then good "eFuse secure_version still 2 (only a confirmed image burns it)"; else bad "eFuse secure_version '$sv', expected 2"; fi

cleanup_nginx_pid=$NGINX_PID
kill "$NGINX_PID" 2>/dev/null
for _ in $(seq 25); do kill -0 "$cleanup_nginx_pid" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$cleanup_nginx_pid" 2>/dev/null; then bad "nginx (PID $cleanup_nginx_pid) did not stop"; else NGINX_PID=""; good "nginx (PID $cleanup_nginx_pid) stopped"; fi

# ---- 7. summary ----------------------------------------------------------------------
exit_demo
