#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Encrypted OTA end to end against a real nginx: mkimage -> sign -> encrypt ->
# serve over HTTPS -> fwseal-device ota URL -> boot (PENDING_VERIFY) ->
# confirm (VALID); Espressif's own encrypted image; the tamper matrix (every
# case rejected, the old image still boots, no plaintext of the rejected image
# left in the passive slot); network faults (resume with Range, wrong CA,
# wrong host name, stall, over-send) with no flash write before the refusal.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_nginx_lib.sh"
PE=$V/pre_encrypted/rsa
cd "$T" || exit 3

# ---- keys, images ---------------------------------------------------------
$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null || { fail "keygen"; exit 1; }
$FWSEAL keygen rsa3072 -o rogue.pem --pub rogue_pub.pem >/dev/null
mkimg() { # VERSION SECURE_VERSION OUT [SIZE]
  $FWSEAL mkimage --chip esp32c3 --version "$1" --secure-version "$2" --project fwseal_demo --size "${4:-48K}" -o "$3" >/dev/null
}
mkimg 1.0.0 2 v1.bin && $FWSEAL sign --key sb.pem v1.bin -o v1.s.bin >/dev/null || { fail "mkimage/sign"; exit 1; }
$FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" v1.s.bin -o v1.0.0.enc >/dev/null
for v in 2.0.0:2 3.0.0:3 3.1.0:3 0.9.0:1; do
  mkimg "${v%:*}" "${v#*:}" "v${v%:*}.bin"
  $FWSEAL sign --key sb.pem "v${v%:*}.bin" -o "v${v%:*}.s.bin" >/dev/null
  $FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" "v${v%:*}.s.bin" -o "v${v%:*}.enc" >/dev/null
done
$FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" v2.0.0.bin -o unsigned.enc >/dev/null
$FWSEAL sign --key rogue.pem v2.0.0.bin -o rogue.s.bin >/dev/null
$FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" rogue.s.bin -o rogue.enc >/dev/null
$FWSEAL encrypt --pubkey "$PE/wrong_rsa_pub_key.pem" v2.0.0.s.bin -o wrongkey.enc >/dev/null
check "test images built" test -s v2.0.0.enc -a -s unsigned.enc -a -s rogue.enc -a -s wrongkey.enc

# ---- nginx ----------------------------------------------------------------
mkdir -p www ca2
ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost,IP:127.0.0.1" && ng_cert "$T" other other "DNS:otherhost.example"
ng_ca "$T/ca2"
ng_start main "$T/www" "$T/srv.crt" "$T/srv.key" || { fail "nginx"; exit 1; }
P=$NG_PORT
ng_start other "$T/www" "$T/other.crt" "$T/other.key" || { fail "nginx other"; exit 1; }
PO=$NG_PORT
cp ./*.enc www/
cp "$PE/app_esp32c3_64k.enc.bin" www/esp.enc
U=https://localhost:$P

# ---- device ---------------------------------------------------------------
$FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null
newdev() { # DIR [EFUSE_SECURE_VERSION [APP]]: provisioned device running APP (v1.s.bin) from ota_0, from a cached template
  local sv=${2:-2} app=${3:-v1.s.bin} tpl=$T/tpl.${2:-2}.${3:-v1.s.bin}
  if [ ! -d "$tpl" ]; then
    $FWDEV init "$tpl" --partitions "$V/partition_table/partitions_two_ota.csv" --flash-encryption xts-128 \
      --flash-key fe.bin --secure-boot-key sb_pub.pem --secure-version "$sv" --decrypt-key "$PE/rsa_priv_key.pem" >/dev/null &&
      $FWDEV flash "$tpl" --partition ota_0 "$app" >/dev/null && $FWDEV boot "$tpl" >/dev/null || return 1
  fi
  rm -rf "$1" && cp -a "$tpl" "$1"
}
check "device provisioned with a decryption key and v1 running" newdev dev
secret_stored() { # DIR FILE: raw mode: FILE is 0600; hardware keys: only keystore.bin (0600), no FILE
  if grep -qx 'key_mode=hardware' "$1/device.conf"; then
    test "$(stat -c %a "$1/keystore.bin")" = 600 && test ! -e "$1/$2"
  else
    test "$(stat -c %a "$1/$2")" = 600
  fi
}
check "decryption secret stored 0600" secret_stored dev secret_decrypt_rsa.pem
booted_version() { $FWDEV boot "$1" --json | grep -o '"version": *"[^"]*"' | head -1 | sed 's/.*"\([^"]*\)"$/\1/'; }

no_plaintext() { # DIR REJECTED_PLAINTEXT: the passive slot holds none of it
  $FWDEV read "$1" --partition ota_1 -o slot.dec >/dev/null 2>&1 || return 1
  local off n=$(stat -c %s "$2")
  for off in 0 4096 $((n / 2 / 4096 * 4096)) $(((n - 4096) / 4096 * 4096)); do
    cmp -s <(dd if=slot.dec bs=4096 skip=$((off / 4096)) count=1 2>/dev/null) \
      <(dd if="$2" bs=4096 skip=$((off / 4096)) count=1 2>/dev/null) && return 1
  done
  return 0
}
# ---- 1. happy path ----------------------------------------------------------
expect_exit 0 "ota over https: encrypted signed v2" $FWDEV ota dev "$U/v2.0.0.enc" --ca ca.crt --json
for ev in start connected header_verified app_desc writing verifying boot_updated finished; do
  expect_stdout "\"event\":\"$ev\"" "event $ev emitted"
done
cp "$T/.out" events.json
check "every --json line is one valid JSON object" python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines and all(isinstance(json.loads(l), dict) for l in lines)' events.json
$FWDEV boot dev --json >boot.json 2>&1
check "new image boots as PENDING_VERIFY" grep -Eq '"version": *"2.0.0"' boot.json
check "state is PENDING_VERIFY" grep -Eiq 'pending_verify' boot.json
check "confirm" $FWDEV confirm dev
$FWDEV boot dev --json >boot2.json 2>&1
check "v2 still runs after confirm, state VALID" grep -Eq '"version": *"2.0.0"' boot2.json
check "state VALID after confirm" grep -Eiq '"valid"' boot2.json

# ---- ECIES-P256 device key (HMAC key provisioned at init) ----------------------
EC=$V/pre_encrypted/ecc
$FWSEAL encrypt --pubkey "$EC/device_pub_key.pem" v2.0.0.s.bin -o ecc.enc >/dev/null
$FWSEAL encrypt --pubkey "$EC/wrong_device_pub_key.pem" v2.0.0.s.bin -o ecc_wrong.enc >/dev/null
rm -rf edev
$FWDEV init edev --partitions "$V/partition_table/partitions_two_ota.csv" --flash-encryption xts-128 \
  --flash-key fe.bin --secure-boot-key sb_pub.pem --secure-version 2 --decrypt-hmac-key "$EC/device_hmac_key.bin" >/dev/null &&
  $FWDEV flash edev --partition ota_0 v1.s.bin >/dev/null && $FWDEV boot edev >/dev/null
check "ECIES: HMAC key stored 0600" secret_stored edev secret_decrypt_hmac.bin
cp -a edev edev2
expect_exit 1 "ECIES: image for another device key refused" $FWDEV ota edev2 --file ecc_wrong.enc
expect_stderr "not an app image|GCM tag" "ECIES: wrong key = garbage plaintext or tag mismatch"
check "ECIES: encrypted OTA accepted" $FWDEV ota edev --file ecc.enc
check "ECIES: new image boots" test "$(booted_version edev)" = 2.0.0

# ---- Espressif-encrypted image (unsigned: decrypts, streams, refused by signature) ----
# the Espressif image has secure_version 1: the device runs a secure_version 1
# app too (the boot of a VALID app raises the eFuse to its secure_version)
mkimg 1.0.0 1 v1sv1.bin && $FWSEAL sign --key sb.pem v1sv1.bin -o v1sv1.s.bin >/dev/null || fail "mkimage/sign v1 at secure_version 1"
newdev esp 1 v1sv1.s.bin
expect_exit 1 "Espressif-encrypted unsigned image refused" $FWDEV ota esp "$U/esp.enc" --ca ca.crt --json --allow-same-version
expect_stdout '"event":"header_verified"' "esp image header verified (RSA unwrap ok)"
expect_stdout '"version":"1.0.0".*"project":"fw_update_demo"' "esp image app descriptor decrypted"
expect_stdout '"event":"verifying"' "esp image: GCM tag passed, verification reached"
expect_stdout '"event":"writing".*"done":104784,"total":104784' "esp image: all plaintext streamed into the slot"
expect_stdout '"event":"aborted".*"reason":"[^"]*signature' "refused by the signature check, not by decryption"
check "esp image: no plaintext left in the passive slot" no_plaintext esp "$V/app/app_esp32c3_64k.bin"
check "old image still boots after the esp image" test "$(booted_version esp)" = 1.0.0

# ---- 3. tamper matrix (file and URL) ---------------------------------------------
flip() { # IN OFFSET OUT
  cp "$1" "$3"
  local b
  b=$(xxd -p -s "$2" -l 1 "$1")
  printf "%02x" $((0x$b ^ 0x01)) | xxd -r -p | dd of="$3" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
E=v2.0.0.enc
SZ=$(stat -c %s $E)
flip $E 0 t_magic.enc
flip $E 100 t_wrapkey.enc
flip $E 390 t_iv.enc
flip $E 404 t_size.enc
flip $E 410 t_tag.enc
flip $E 512 t_body0.enc
flip $E 5000 t_body1.enc
flip $E $((SZ / 2)) t_body2.enc
flip $E $((SZ - 1)) t_bodylast.enc
head -c $((SZ - 100)) $E >t_trunc.enc
cat $E >t_trail.enc && head -c 16 /dev/zero >>t_trail.enc
tamper() { # NAME FILE PLAINTEXT REASON-REGEX
  local name=$1 f=$2 plain=$3 why=$4
  newdev tdev
  expect_exit 1 "$name: rejected" $FWDEV ota tdev --file "$f"
  expect_stderr "$why" "$name: reason"
  check "$name: old image still boots" test "$(booted_version tdev)" = 1.0.0
  check "$name: no plaintext left in the passive slot" no_plaintext tdev "$plain"
}
# A flipped magic is not a container any more: the plaintext path refuses it.
tamper "magic flipped" t_magic.enc v2.0.0.s.bin "magic|header|not an"
# Implicit rejection: a broken RSA wrap yields a pseudo-random key, so the
# first plaintext block is garbage and the early check refuses it.
tamper "wrapped key flipped" t_wrapkey.enc v2.0.0.s.bin "not an app image"
tamper "IV flipped" t_iv.enc v2.0.0.s.bin "not an app image"
tamper "size flipped" t_size.enc v2.0.0.s.bin "trailing|truncated"
tamper "tag flipped" t_tag.enc v2.0.0.s.bin "GCM tag"
tamper "first body byte flipped" t_body0.enc v2.0.0.s.bin "not an app image"
tamper "body byte 5000 flipped" t_body1.enc v2.0.0.s.bin "GCM tag"
tamper "middle body byte flipped" t_body2.enc v2.0.0.s.bin "GCM tag"
tamper "last body byte flipped" t_bodylast.enc v2.0.0.s.bin "GCM tag"
tamper "truncated" t_trunc.enc v2.0.0.s.bin "truncated"
tamper "trailing bytes" t_trail.enc v2.0.0.s.bin "trailing"
tamper "wrong device key" wrongkey.enc v2.0.0.s.bin "not an app image|GCM tag"
tamper "encrypted but unsigned" unsigned.enc v2.0.0.bin "signature"
tamper "signed by an untrusted key" rogue.enc rogue.s.bin "trusted|key"
tamper "downgrade (secure_version 1 < eFuse 2)" v0.9.0.enc v0.9.0.s.bin "secure_version|downgrade"
tamper "same version as running" v1.0.0.enc v1.s.bin "same version as the running"
newdev sdev
check "same version accepted with --allow-same-version" $FWDEV ota sdev --file v1.0.0.enc --allow-same-version
newdev tdev
expect_exit 1 "stdin: tag flipped rejected" sh -c "$FWDEV ota tdev --file - <t_tag.enc"
expect_stderr "GCM tag" "stdin: reason"
check "stdin: old image still boots" test "$(booted_version tdev)" = 1.0.0
check "stdin: no plaintext left in the passive slot" no_plaintext tdev v2.0.0.s.bin
newdev tdev
check "stdin: good encrypted image accepted" sh -c "$FWDEV ota tdev --file - <v2.0.0.enc"

# same version as the last invalid app
newdev inv
check "v3 installed" $FWDEV ota inv --file v3.0.0.enc
check "v3 boots (pending)" $FWDEV boot inv
check "v3 rejected by the app (rollback)" $FWDEV rollback inv
check "back on v1" test "$(booted_version inv)" = 1.0.0
expect_exit 1 "same version as the last invalid app refused" $FWDEV ota inv --file v3.0.0.enc --allow-same-version
expect_stderr "last invalid" "last-invalid reason"
check "other version still accepted" $FWDEV ota inv --file v3.1.0.enc

# ---- 4. network ----------------------------------------------------------------
trace_writes() { local n; n=$(grep -cE '^(write|erase)' "$1" 2>/dev/null); echo "${n:-0}"; }
newdev ndev
FWSEAL_SIM_TRACE=$T/trace.ca expect_exit 1 "wrong CA refused" $FWDEV ota ndev "$U/v2.0.0.enc" --ca ca2/ca.crt
expect_stderr "not trusted" "wrong CA reported"
check "wrong CA: no flash write or erase" test "$(trace_writes trace.ca)" -eq 0
FWSEAL_SIM_TRACE=$T/trace.host expect_exit 1 "wrong host name refused" $FWDEV ota ndev "https://localhost:$PO/v2.0.0.enc" --ca ca.crt
expect_stderr "host name" "host name mismatch reported"
check "wrong host: no flash write or erase" test "$(trace_writes trace.host)" -eq 0

ng_bg "$(ng_tool tcp_proxy)" "$T/pcut" "$P" cut 30000
PC=$(ng_wait_portfile "$T/pcut")
expect_exit 0 "connection cut mid-body: resumed with Range" $FWDEV ota ndev "https://localhost:$PC/v2.0.0.enc" --ca ca.crt --json
expect_stdout '"event":"retry".*"resume_at":[1-9]' "retry event with a resume offset"
check "resumed image boots" test "$(booted_version ndev)" = 2.0.0
grep -c '"206' www/../nginx-main/logs/access.log >/dev/null 2>&1
check "nginx served a 206 partial response" grep -q '" 206 ' "$T/nginx-main/logs/access.log"

newdev ndev
ng_bg "$(ng_tool tcp_proxy)" "$T/pstall" "$P" stall 20000 -1
PS=$(ng_wait_portfile "$T/pstall")
expect_exit 3 "stalling server: timeout" $FWDEV ota ndev "https://localhost:$PS/v2.0.0.enc" --ca ca.crt --timeout-ms 300 --retries 1
expect_stderr "timed out" "timeout reported"
check "after the timeout the old image boots" test "$(booted_version ndev)" = 1.0.0

ng_bg "$(ng_tool http_liar)" "$T/pover" "$T/srv.crt" "$T/srv.key" oversend "$T/v2.0.0.enc"
expect_exit 1 "server sending more than announced refused" $FWDEV ota ndev "https://localhost:$(ng_wait_portfile "$T/pover")/x" --ca ca.crt
check "after the over-send the old image boots" test "$(booted_version ndev)" = 1.0.0
