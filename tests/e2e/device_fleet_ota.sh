#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fleet release on the simulated device (issue 19): header_i + the shared
# body of `fwseal release` is OTA-installed by fwseal-device ota --file on a
# device holding device i's key, for RSA-3072 (stock header) and ECIES-P256
# (FWSX shared header, docs/formats.md §9; device/fwd_decrypt.c through the
# crypto seam, so this also runs on mbedTLS 3.6 as e2e36). Another device's
# header is refused with its slot untouched.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 3
PT=$V/partition_table/partitions_two_ota.csv

$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null || { fail "keygen"; exit 1; }
for v in 1.0.0 2.0.0; do
  $FWSEAL mkimage --chip esp32c3 --version $v --secure-version 1 --project fleet_demo --size 60K -o "v$v.bin" >/dev/null
  $FWSEAL sign --key sb.pem "v$v.bin" -o "v$v.s.bin" >/dev/null
done
{ echo "id,pubkey"
  for i in 1 2; do $FWSEAL keygen ecies-p256 -o "e$i.bin" --pub "e${i}_pub.pem" >/dev/null; echo "ec-$i,e${i}_pub.pem"; done
} >ecies.csv
{ echo "id,pubkey"
  for i in 1 2; do $FWSEAL keygen rsa3072 -o "r$i.pem" --pub "r${i}_pub.pem" >/dev/null; echo "rsa-$i,r${i}_pub.pem"; done
} >rsa.csv
check "ECIES fleet release" "$FWSEAL" release --image v2.0.0.s.bin --devices ecies.csv --sign-key sb.pem --out wec
check "RSA fleet release" "$FWSEAL" release --image v2.0.0.s.bin --devices rsa.csv --sign-key sb.pem --out wrsa

newdev() { # DIR KEYOPT KEYFILE: provisioned device running v1.0.0 from ota_0
  rm -rf "$1"
  $FWDEV init "$1" --partitions "$PT" --secure-boot-key sb_pub.pem "$2" "$3" >/dev/null &&
    $FWDEV flash "$1" --partition ota_0 v1.0.0.s.bin >/dev/null && $FWDEV boot "$1" >/dev/null
}
ota_ok() { # DIR CONTAINER: installs, boots 2.0.0
  $FWDEV ota "$1" --file "$2" >"$T/.out" 2>"$T/.err" && $FWDEV boot "$1" >"$T/.out" 2>>"$T/.err" &&
    grep -q "version 2.0.0" "$T/.out"
}
for i in 1 2; do
  cat "wec/1/hdr/ec-$i.hdr" wec/1/body.bin >"ec$i.enc"
  cat "wrsa/1/hdr/rsa-$i.hdr" wrsa/1/body.bin >"rsa$i.enc"
done
check "ECIES device ec-1 provisioned (running 1.0.0)" newdev dev_ec1 --decrypt-hmac-key e1.bin
check "ec-1 installs FWSX header + shared body and boots 2.0.0" ota_ok dev_ec1 ec1.enc
check "ECIES device ec-2 provisioned" newdev dev_ec2 --decrypt-hmac-key e2.bin
expect_exit 1 "ec-2 refuses ec-1's header (wrap tag)" "$FWDEV" ota dev_ec2 --file ec1.enc
expect_stdout "not touched" "  ... before touching the slot"
check "ec-2 installs its own" ota_ok dev_ec2 ec2.enc
check "RSA device rsa-2 provisioned" newdev dev_rsa2 --decrypt-key r2.pem
expect_exit 1 "rsa-2 refuses rsa-1's header" "$FWDEV" ota dev_rsa2 --file rsa1.enc
check "rsa-2 installs its stock container (header + shared body)" ota_ok dev_rsa2 rsa2.enc
check "RSA device refuses an ECIES FWSX container" newdev dev_rsa1 --decrypt-key r1.pem
expect_exit 1 "  ... (wrong key type for the header)" "$FWDEV" ota dev_rsa1 --file ec1.enc
