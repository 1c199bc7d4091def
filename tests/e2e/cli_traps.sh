#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 13 §4 "a CLI without traps": each block below fails on the CLI before
# that issue (signing a signed image appended a second sector, encrypt took
# anything, no GNU forms, no stdin for sign, no --version in fwseal-device,
# no hints for espsecure habits).
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 3
SB=$V/secure_boot_v2

check "prepare c3 app" "$FWSEAL" mkimage --chip esp32c3 --version 1.0.0 --secure-version 0 --project traps --size 8K -o app.bin
# mkimage makes c3/s3 images only: an esp32c6 header for the sign-time check
# (sign does not look at the appended SHA-256, which this byte breaks)
cp app.bin app6.bin && printf '\x0d' | dd of=app6.bin bs=1 seek=12 conv=notrunc status=none
check "prepare signing key" "$FWSEAL" keygen rsa3072 -o sign.pem --pub sign_pub.pem
check "prepare device key" "$FWSEAL" keygen rsa3072 -o dev.pem --pub dev_pub.pem
check "sign once" "$FWSEAL" sign --key sign.pem app.bin -o signed.bin

# ---- sign on a signed image ---------------------------------------------------
expect_exit 1 "sign of a signed image refused" "$FWSEAL" sign --key sign.pem signed.bin -o twice.bin
expect_stderr "already signed.*--append.*--resign" "refusal names --append and --resign"
check "nothing written" test ! -e twice.bin
check "--resign replaces the sector" "$FWSEAL" sign --resign --key sign.pem signed.bin -o resigned.bin
check "resigned size = signed size (one sector)" test "$(stat -c %s resigned.bin)" = "$(stat -c %s signed.bin)"
check "resigned image verifies" "$FWSEAL" verify resigned.bin --trust sign_pub.pem --chip esp32c3
same_file <(head -c $(($(stat -c %s signed.bin) - 4096)) signed.bin) <(head -c $(($(stat -c %s signed.bin) - 4096)) resigned.bin) "resign keeps the image bytes"
# a file signed twice by the old bug: --resign strips both sectors
cat signed.bin <(tail -c 4096 signed.bin) >double.bin
check "--resign strips every trailing sector" "$FWSEAL" sign --resign --key sign.pem double.bin -o fixed.bin
check "  to one" test "$(stat -c %s fixed.bin)" = "$(stat -c %s signed.bin)"
check "--append still adds a block" "$FWSEAL" sign --append --key "$SB/sb_rsa3072_key2.pem" signed.bin -o two.bin
expect_exit 2 "--append with --resign is a usage error" "$FWSEAL" sign --append --resign --key sign.pem signed.bin -o x.bin

# ---- sign: scheme the chip does not verify ------------------------------------
expect_exit 1 "ECDSA for esp32c3 refused at sign time" "$FWSEAL" sign --key "$SB/sb_ecdsa256_key.pem" app.bin -o e.bin
expect_stderr "esp32c3 does not verify ECDSA" "reason names chip and scheme"
check "ECDSA for esp32c6 signs" "$FWSEAL" sign --key "$SB/sb_ecdsa256_key.pem" app6.bin -o e6.bin
check "--no-chip-check signs it anyway (explicit)" "$FWSEAL" sign --no-chip-check --key "$SB/sb_ecdsa256_key.pem" app.bin -o e.bin

# ---- sign: stdin / stdout ----------------------------------------------------
"$FWSEAL" sign --key sign.pem - -o - <app.bin >piped.bin 2>"$T/.err"
check "sign - -o - : exit 0" test $? -eq 0
check "piped output verifies" "$FWSEAL" verify piped.bin --trust sign_pub.pem
"$FWSEAL" sign --key sign.pem - -o x.bin <signed.bin 2>"$T/.err"
check "signed image on stdin refused too" test $? -eq 1
check "stdin key: --key -" bash -c "'$FWSEAL' sign --key - app.bin -o k.bin <sign.pem"

# ---- GNU option forms ----------------------------------------------------------
check "--key=FILE -oFILE" "$FWSEAL" sign --key=sign.pem app.bin -ognu.bin
check "  verifies" "$FWSEAL" verify gnu.bin --trust=sign_pub.pem
cp app.bin ./-app.bin
check "-- ends options (file named -app.bin)" "$FWSEAL" sign --key sign.pem -o dash.bin -- -app.bin
expect_exit 2 "without --, -app.bin is an unknown option" "$FWSEAL" sign --key sign.pem -o dash2.bin -app.bin
check "--opt=VALUE for every option" "$FWSEAL" mkimage --chip=esp32c3 --version=2.0.0 --secure-version=0 --project=traps --size=8K --output=v2.bin

# ---- encrypt --------------------------------------------------------------------
check "encrypt an unsigned image: accepted" "$FWSEAL" encrypt --pubkey dev_pub.pem app.bin -o u.enc
expect_stderr "warning: .*not signed" "  with a warning"
expect_exit 1 "--require-signed refuses it" "$FWSEAL" encrypt --require-signed --pubkey dev_pub.pem app.bin -o r.enc
check "  nothing written" test ! -e r.enc
check "--require-signed accepts a signed image" "$FWSEAL" encrypt --require-signed --pubkey dev_pub.pem signed.bin -o s.enc
check "--require-signed on stdin" bash -c "'$FWSEAL' encrypt --require-signed --pubkey dev_pub.pem - -o p.enc <signed.bin"
expect_exit 1 "the signing key as --pubkey (matches IN's block) refused" "$FWSEAL" encrypt --pubkey sign_pub.pem signed.bin -o k.enc
expect_stderr "Secure Boot V2 signing key" "  reason"
expect_exit 1 "--pubkey = public half of --sign-key refused" "$FWSEAL" encrypt --sign-key sign.pem --pubkey sign_pub.pem app.bin -o k.enc
check "  nothing written" test ! -e k.enc
expect_exit 1 "--sign-key on a signed image refused" "$FWSEAL" encrypt --sign-key sign.pem --pubkey dev_pub.pem signed.bin -o k.enc
expect_stderr "already signed" "  reason"
expect_exit 1 "--sign-key ECDSA for esp32c3 refused" "$FWSEAL" encrypt --sign-key "$SB/sb_ecdsa256_key.pem" --pubkey dev_pub.pem app.bin -o k.enc
check "  nothing written" test ! -e k.enc

# ---- --version and hints --------------------------------------------------------
expect_exit 0 "fwseal-device --version" "$FWDEV" --version
expect_stdout "^fwseal-device [0-9]+\.[0-9]+\.[0-9]+$" "  prints the version"
ver=$(grep -o '"[0-9]*\.[0-9]*\.[0-9]*"' "$FWSEAL_ROOT/common/fw_version.h" | tr -d '"')
expect_exit 0 "fwseal --version" "$FWSEAL" --version
expect_stdout "^fwseal $ver$" "  the version of common/fw_version.h"
expect_exit 2 "sign_data" "$FWSEAL" sign_data --keyfile sign.pem app.bin
expect_stderr "did you mean: fwseal sign --key" "sign_data -> fwseal sign"
expect_exit 2 "encrypt_flash_data" "$FWSEAL" encrypt_flash_data
expect_stderr "did you mean: fwseal flash-encrypt" "encrypt_flash_data -> flash-encrypt"
expect_exit 2 "digest_sbv2_public_key" "$FWSEAL" digest_sbv2_public_key
expect_stderr "did you mean: fwseal digest" "digest_sbv2_public_key -> digest"
expect_exit 2 "generate_signing_key" "$FWSEAL" generate_signing_key
expect_stderr "did you mean: fwseal keygen" "generate_signing_key -> keygen"
expect_exit 2 "verify_signature" "$FWSEAL" verify_signature
expect_stderr "did you mean: fwseal verify" "verify_signature -> verify"
expect_exit 2 "sign --keyfile" "$FWSEAL" sign --keyfile sign.pem app.bin -o x.bin
expect_stderr "did you mean: --key" "--keyfile -> --key"
expect_exit 2 "sign --output" "$FWSEAL" sign --key sign.pem app.bin --output x.bin
expect_stderr "did you mean: -o" "--output -> -o"
expect_exit 2 "sign --keyfile=FILE form" "$FWSEAL" sign --keyfile=sign.pem app.bin -o x.bin
expect_stderr "did you mean: --key" "--keyfile=FILE -> --key"
expect_exit 2 "typo" "$FWSEAL" sing
expect_stderr "did you mean: fwseal sign" "sing -> sign"
expect_exit 2 "flash-encrypt --flash_crypt_conf" "$FWSEAL" flash-encrypt --flash_crypt_conf 0xf --key k app.bin -o x
expect_stderr "did you mean: --flash-crypt-conf" "underscores -> dashes"
expect_exit 2 "encrypt --pubky (typo)" "$FWSEAL" encrypt --pubky dev_pub.pem app.bin -o x.enc
expect_stderr "did you mean: --pubkey$" "  nearest option of encrypt --help"
expect_exit 2 "fwseal-device init --partiton (typo)" "$FWDEV" init d --partiton parts.csv
expect_stderr "did you mean: --partitions$" "  nearest option of init --help"
expect_exit 2 "fwseal-device write_flash" "$FWDEV" write_flash
expect_stderr "did you mean: fwseal-device flash" "write_flash -> flash"

# ---- DER keys next to PEM --------------------------------------------------------
openssl pkey -in sign.pem -outform DER -out sign.der
openssl pkey -in sign.pem -pubout -outform DER -out sign_pub.der
openssl rsa -in sign.pem -traditional -outform DER -out sign_trad.der 2>/dev/null
openssl pkey -in dev.pem -outform DER -out dev.der
openssl pkey -pubin -in dev_pub.pem -outform DER -out dev_pub.der
openssl pkey -in "$SB/sb_ecdsa256_key.pem" -outform DER -out ec.der
check "sign with a PKCS#8 DER key" "$FWSEAL" sign --key sign.der app.bin -o der1.bin
check "sign with a traditional RSA DER key" "$FWSEAL" sign --key sign_trad.der app.bin -o der2.bin
check "verify --trust DER public key" "$FWSEAL" verify der1.bin --trust sign_pub.der
check "ECDSA DER key (esp32c6 image)" "$FWSEAL" sign --key ec.der app6.bin -o der3.bin
"$FWSEAL" digest sign.pem >d_pem.txt; "$FWSEAL" digest sign_pub.der >d_der.txt
same_file d_pem.txt d_der.txt "digest of the DER public key = digest of the PEM key"
check "pubkey of a DER key" "$FWSEAL" pubkey sign.der -o from_der.pem
same_file sign_pub.pem from_der.pem "  same PEM as keygen --pub"
check "encrypt --pubkey DER device key" "$FWSEAL" encrypt --require-signed --pubkey dev_pub.der signed.bin -o der.enc
check "verify --decrypt-key DER device key" "$FWSEAL" verify der.enc --decrypt-key dev.der --trust sign_pub.der
check "decrypt --key DER" "$FWSEAL" decrypt --key dev.der der.enc -o der.plain
same_file der.plain signed.bin "  round trip"
printf '%s\n' "nvs, data, nvs, 0x9000, 0x6000," "otadata, data, ota, 0xf000, 0x2000," \
  "ota_0, app, ota_0, 0x20000, 0x60000," "ota_1, app, ota_1, 0x80000, 0x60000," >parts.csv
check "fwseal-device init with DER keys" "$FWDEV" init dev --partitions parts.csv --secure-boot-key sign_pub.der --decrypt-key dev.der
check "  flash" "$FWDEV" flash dev --partition ota_0 signed.bin
check "  OTA of a container for the DER device key" "$FWDEV" ota dev --file der.enc --allow-same-version
printf 'not a key at all' >junk.der
expect_exit 1 "garbage DER refused" "$FWSEAL" sign --key junk.der app.bin -o j.bin
expect_stderr "not a PEM private or public key \(nor DER\)" "  reason"

# ---- fwseal info: every format it knows ----------------------------------------
info_is() { # info_is FILE FORMAT NAME
  "$FWSEAL" info --json "$1" >"$T/i.json" 2>"$T/.err"
  if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["format"]==sys.argv[2] and d["valid"] else 1)' "$T/i.json" "$2"
  then ok "$3"; else fail "$3" "$(head -c 300 "$T/i.json")"; fi
}
check "prepare partition table" "$FWSEAL" partition-table parts.csv -o pt.bin
info_is pt.bin partition_table "info: partition table"
"$FWSEAL" info pt.bin >"$T/.out"; expect_stdout "ota_1 +app +ota_1 +0x080000" "  text lists the entries"
check "prepare otadata" "$FWDEV" read dev --partition otadata --raw -o od.bin
info_is od.bin otadata "info: otadata"
printf 'key,type,encoding,value\nns,namespace,,\nk,data,u8,1\n' >n.csv
check "prepare NVS" "$FWSEAL" nvs generate n.csv 0x3000 -o nvs.bin
info_is nvs.bin nvs_partition "info: NVS partition"
check "prepare nvs_keys" "$FWSEAL" keygen nvs-keys -o nk.bin
info_is nk.bin nvs_keys "info: nvs_keys image"
# key bytes are random: 1 image in 256 starts with the app image magic 0xE9
python3 -c 'import os,struct,sys,zlib
k=b"\xe9"+os.urandom(63)
sys.stdout.buffer.write(k+struct.pack("<I",zlib.crc32(k,0xFFFFFFFF))+b"\xff"*(4096-68))' >nk_e9.bin
info_is nk_e9.bin nvs_keys "info: an nvs_keys image whose first key byte is 0xE9 is still nvs_keys"
info_is sign.pem key "info: PEM private key"
info_is sign_pub.der key "info: DER public key"
info_is dev.der key "info: DER private device key"
"$FWSEAL" info sign.pem >"$T/.out"; expect_stdout "private \(secret: not printed\)" "  private key named, not printed"
check "  no key bytes in the output" bash -c "! grep -q 'BEGIN' '$T/.out'"
head -c 10000 /dev/urandom >data.bin
check "prepare signed data" "$FWSEAL" sign --key sign.pem data.bin -o data.signed
info_is data.signed signed_data "info: data signed with Secure Boot V2"
info_is signed.bin esp_app_image "info: app image still an app image"
info_is u.enc esp_encrypted_image "info: encrypted container"
expect_exit 1 "info: random bytes" "$FWSEAL" info data.bin
expect_stdout "Format: unknown" "  reported as unknown, not as an app image"

# ---- '-' for stdin / stdout wherever a file is read or written --------------------
"$FWSEAL" info - <signed.bin >"$T/.out" 2>"$T/.err"; expect_stdout "Format: ESP app image" "info - (stdin)"
"$FWSEAL" info - <pt.bin >"$T/.out" 2>"$T/.err"; expect_stdout "partition table" "info - recognises a table on stdin"
check "digest - (key on stdin)" bash -c "'$FWSEAL' digest - <sign.pem"
check "verify - (image on stdin)" bash -c "'$FWSEAL' verify - --trust sign_pub.pem <signed.bin"
check "partition-table - -o -" bash -c "'$FWSEAL' partition-table - -o - <pt.bin | grep -q ota_1"
check "nvs dump -" bash -c "'$FWSEAL' nvs dump - <nvs.bin | grep -q 'ns:k'"
check "keygen -o - into a pipe" bash -c "'$FWSEAL' keygen rsa3072 -o - | grep -q 'BEGIN PRIVATE KEY'"
if command -v script >/dev/null; then
  script -qec "'$FWSEAL' keygen rsa3072 -o -" /dev/null >tty.out 2>&1
  check "keygen -o - on a terminal refused (secret)" grep -q "refusing to write a secret to a terminal" tty.out
  check "  no key on the terminal" bash -c "! grep -q 'BEGIN' tty.out"
fi
cp signed.bin ./--json
"$FWSEAL" info -- --json >"$T/.out" 2>&1
expect_stdout "^File: --json " "-- : an operand spelled like an option is an operand"
