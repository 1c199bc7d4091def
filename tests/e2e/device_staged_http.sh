#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 18: a staged update comes from an https URL like any OTA (pinned CA,
# Range resume after a cut connection, encrypted or plain): a bootloader as
# an encrypted container, a signed NVS data image through a proxy that cuts
# the connection mid-body; each verified by the next boot and by status.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_nginx_lib.sh"

S=$V/secure_boot_v2
K1=$S/sb_rsa3072_key1.pem
W=$T/www
mkdir -p "$W" "$T/other"
ng_ca "$T" && ng_cert "$T" srv localhost "DNS:localhost,IP:127.0.0.1" || exit 1

"$FWSEAL" mkimage --bootloader --chip esp32c3 --version 1 --secure-version 0 --project bl --size 20K -o "$T/bl1.u" >/dev/null &&
  "$FWSEAL" sign --key "$K1" "$T/bl1.u" -o "$T/bl1.bin" >/dev/null &&
  "$FWSEAL" mkimage --bootloader --chip esp32c3 --version 7 --secure-version 0 --project bl --size 20K -o "$T/bl7.u" >/dev/null &&
  "$FWSEAL" sign --key "$K1" "$T/bl7.u" -o "$T/bl7.bin" >/dev/null &&
  "$FWSEAL" encrypt --pubkey "$V/pre_encrypted/rsa/rsa_pub_key.pem" "$T/bl7.bin" -o "$W/bl7.enc" >/dev/null || exit 1
"$FWSEAL" mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project app --size 64K -o "$T/a1.u" >/dev/null &&
  "$FWSEAL" sign --key "$K1" "$T/a1.u" -o "$T/a1.bin" >/dev/null || exit 1
printf 'key,type,encoding,value\nnet,namespace,,\nssid,data,string,factory-floor\n' >"$T/n.csv"
"$FWSEAL" nvs generate "$T/n.csv" 0x5000 -o "$T/n.bin" >/dev/null &&
  "$FWSEAL" sign --data --key "$K1" "$T/n.bin" -o "$W/nvs.signed" >/dev/null || exit 1

cat >"$T/p.csv" <<'CSV'
nvs,      data, nvs,        0x9000,  0x6000,
otadata,  data, ota,        0xf000,  0x2000,
journal,  data, undefined,  0x11000, 0x1000,
ota_0,    app,  ota_0,      0x20000, 0x100000,
ota_1,    app,  ota_1,      0x120000,0x100000,
CSV
D=$T/dev
"$FWDEV" init "$D" --partitions "$T/p.csv" --flash-encryption xts-128 --flash-key "$V/flash_encryption/fe_key_xts_256.bin" \
  --secure-boot-key "$S/sb_rsa3072_key1_pub.pem" --bootloader "$T/bl1.bin" --copy-journal journal \
  --decrypt-key "$V/pre_encrypted/rsa/rsa_priv_key.pem" >/dev/null &&
  "$FWDEV" flash "$D" --partition ota_0 "$T/a1.bin" >/dev/null && "$FWDEV" boot "$D" >/dev/null || exit 1

ng_start main "$W" "$T/srv.crt" "$T/srv.key" || { fail "nginx start"; exit 1; }
P=$NG_PORT
check "ota --target bootloader from an https URL (encrypted container)" \
  "$FWDEV" ota "$D" --target bootloader "https://localhost:$P/bl7.enc" --ca "$T/ca.crt"
check "boot" "$FWDEV" boot "$D"
expect_stdout '^ROM: bootloader at 0x0 verified \(version 7' "the next boot runs bootloader 7"
ng_ca "$T/other"
expect_exit 1 "a server not certified by the pinned CA is refused" "$FWDEV" ota "$D" --target bootloader "https://localhost:$P/bl7.enc" --ca "$T/other/ca.crt"
expect_stderr 'certificate|trusted' "the TLS refusal says why"

ng_bg "$(ng_tool tcp_proxy)" "$T/pcut" "$P" cut 9000
PC=$(ng_wait_portfile "$T/pcut")
check "ota --target nvs through a connection cut mid-body (Range resume)" \
  "$FWDEV" ota "$D" --target nvs "https://localhost:$PC/nvs.signed" --ca "$T/ca.crt" --json
expect_stdout '"event":"finished"' "finished after the resume"
check "boot after the NVS update" "$FWDEV" boot "$D"
check "nvs get" "$FWDEV" nvs "$D" get net ssid
expect_stdout '^factory-floor$' "the NVS partition holds the downloaded data"
"$FWDEV" status "$D" --json >"$T/s.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if [s for s in d["signed_data"] if s["partition"]=="nvs" and s["verified"]] and not d["copy_journal"]["pending"] else 1)' "$T/s.json" &&
  ok "status: the NVS signature verifies, no copy pending" || fail "status after the NVS download" "$(cat "$T/s.json")"
