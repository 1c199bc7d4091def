#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every --json output of both CLIs is strict JSON in valid UTF-8, also when
# the input carries non-ASCII text and bytes that are not UTF-8 (issue 13):
# valid UTF-8 comes out as the same characters, invalid bytes as U+FFFD with
# a "<key>_hex" member holding the raw bytes (host/fwh_json.h).
# Before: info --json double-encoded UTF-8 (\u00c3\u00a9), nvs dump --json
# wrote the raw invalid bytes.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 3

UTF=$'v\xc3\xa9-\xe2\x9c\x93'   # "vé-✓"
BAD=$'p\xff\xfeq'                 # invalid UTF-8 in the middle
NAME=$'app-\xc3\xa9\xff.bin'       # a file name with both

# strict FILE [PYTHON-CHECK]: bytes decode as strict UTF-8, every line or the
# whole file parses with json (no NaN/Infinity), then the extra check runs on
# `docs` (list of parsed documents).
strict() {
  python3 - "$1" "${2:-True}" <<'PY'
import json, sys
raw = open(sys.argv[1], 'rb').read()
text = raw.decode('utf-8', errors='strict')
def no_const(x): raise ValueError('non-standard constant ' + x)
try:
    docs = [json.loads(text, parse_constant=no_const)]
except json.JSONDecodeError:
    docs = [json.loads(l, parse_constant=no_const) for l in text.splitlines() if l.strip()]
def walk(o):
    if isinstance(o, dict):
        for k, v in o.items(): yield k, v; yield from walk(v)
    elif isinstance(o, list):
        for v in o: yield from walk(v)
pairs = list(walk(docs))
values = [v for _, v in pairs if isinstance(v, str)]
UTF = 'v\u00e9-\u2713'
ok = eval(sys.argv[2])
sys.exit(0 if ok else 1)
PY
}

check "prepare signing key" "$FWSEAL" keygen rsa3072 -o s.pem --pub s_pub.pem
check "prepare device key" "$FWSEAL" keygen rsa3072 -o d.pem --pub d_pub.pem
check "mkimage: UTF-8 version, invalid project bytes" "$FWSEAL" mkimage --chip esp32c3 --version "$UTF" --secure-version 1 --project "$BAD" --size 8K -o "$NAME"
check "sign it" "$FWSEAL" sign --key s.pem "$NAME" -o signed.bin
check "encrypt it" "$FWSEAL" encrypt --sign-key s.pem --pubkey d_pub.pem "$NAME" -o "enc-$NAME"

"$FWSEAL" info --json "$NAME" >info.json 2>/dev/null
check "info --json: strict UTF-8 JSON" strict info.json
check "info --json: the UTF-8 version as characters (not double-encoded)" strict info.json "docs[0]['app_desc']['version'] == UTF"
check "info --json: invalid project bytes as U+FFFD + project_name_hex" strict info.json \
  "docs[0]['app_desc']['project_name'] == 'p\ufffd\ufffdq' and docs[0]['app_desc']['project_name_hex'] == '70fffe71'"
check "info --json: the file name too" strict info.json "docs[0]['file_hex'] == '$(printf '%s' "$NAME" | xxd -p | tr -d '\n')'"
"$FWSEAL" info --json "enc-$NAME" >infoc.json 2>/dev/null
check "info --json (encrypted container)" strict infoc.json "docs[0]['format'] == 'esp_encrypted_image'"
"$FWSEAL" verify --json signed.bin --trust s_pub.pem >verify.json 2>/dev/null
check "verify --json" strict verify.json "docs[0]['valid'] is True"
"$FWSEAL" verify --json "enc-$NAME" --decrypt-key d.pem --trust s_pub.pem >verifyc.json 2>/dev/null
check "verify --json (container, odd file name)" strict verifyc.json "docs[0]['valid'] is True and 'file_hex' in docs[0]"
"$FWSEAL" verify --json "$NAME" --trust s_pub.pem >verifyu.json 2>/dev/null
check "verify --json of an invalid (unsigned) image" strict verifyu.json "docs[0]['valid'] is False"

# NVS: strings with UTF-8 and invalid bytes, namespace and key non-ASCII too
printf 'key,type,encoding,value\n%s,namespace,,\nu,data,string,%s\nb,data,string,%s\n' $'n\xc3\xa9' "$UTF" "$BAD" >nvs.csv
check "nvs generate" "$FWSEAL" nvs generate nvs.csv 0x6000 -o nvs.bin
"$FWSEAL" nvs dump nvs.bin --json >nvs.json 2>/dev/null
check "nvs dump --json: strict" strict nvs.json
check "nvs dump --json: UTF-8 string and namespace as characters" strict nvs.json \
  "any(d.get('key') == 'u' and d['value'] == UTF and d['namespace'] == 'n\u00e9' for d in docs[0])"
check "nvs dump --json: invalid bytes as U+FFFD + value_hex" strict nvs.json \
  "any(d.get('key') == 'b' and d['value'] == 'p\ufffd\ufffdq' and d['value_hex'] == '70fffe71' for d in docs[0])"

# the device CLI
printf '%s\n' "nvs, data, nvs, 0x9000, 0x6000," "otadata, data, ota, 0xf000, 0x2000," \
  "ota_0, app, ota_0, 0x20000, 0x60000," "ota_1, app, ota_1, 0x80000, 0x60000," >parts.csv
check "device init" "$FWDEV" init dev --partitions parts.csv --secure-boot-key s_pub.pem --decrypt-key d.pem --secure-version 1
check "device flash" "$FWDEV" flash dev --partition ota_0 signed.bin
"$FWDEV" boot dev --json >boot.json 2>/dev/null
check "fwseal-device boot --json" strict boot.json "docs[0]['version'] == UTF and docs[0]['project_hex'] == '70fffe71'"
"$FWDEV" status dev --json >status.json 2>/dev/null
check "fwseal-device status --json" strict status.json "any(a.get('version') == UTF for a in docs[0]['apps'])"
check "device nvs set (UTF-8)" "$FWDEV" nvs dev set "$(printf 'n\xc3\xa9')" u string "$UTF"
check "device nvs set (invalid bytes)" "$FWDEV" nvs dev set "$(printf 'n\xc3\xa9')" b string "$BAD"
"$FWDEV" nvs dev list --json >dnvs.json 2>/dev/null
check "fwseal-device nvs list --json" strict dnvs.json \
  "any(d['value'] == UTF for d in docs[0]) and any(d.get('value_hex') == '70fffe71' for d in docs[0])"
"$FWDEV" ota dev --file "enc-$NAME" --allow-same-version --json >ota.json 2>/dev/null
check "fwseal-device ota --json (JSON lines)" strict ota.json \
  "any(d.get('event') == 'app_desc' and d['version'] == UTF and d['project_hex'] == '70fffe71' for d in docs)"
check "a container for another device" "$FWSEAL" keygen rsa3072 -o o.pem --pub o_pub.pem
check "  encrypted for it" "$FWSEAL" encrypt --pubkey o_pub.pem signed.bin -o "other-$NAME"
"$FWDEV" ota dev --file "other-$NAME" --json >ota2.json 2>/dev/null
check "fwseal-device ota --json of a refused image" strict ota2.json "any(d.get('event') == 'aborted' for d in docs)"
