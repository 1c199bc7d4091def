#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Hostile input for keygen/pubkey/digest/sign/verify: truncated, oversized,
# garbage, wrong key types, missing files, unwritable outputs. Every failure:
# right exit code, one line on stderr naming the file, no output file left.
. "$(dirname "$0")/lib.sh"
SB=$V/secure_boot_v2
K1=$SB/sb_rsa3072_key1.pem
APP=$V/app/app_esp32c3_64k.bin

one_line() { [ "$(wc -l <"$T/.err")" -eq 1 ] && ok "$1: one stderr line" || fail "$1: one stderr line" "$(cat "$T/.err")"; }
no_output() {   # no_output NAME PATH: neither PATH nor a temp file next to it
  if [ -e "$2" ] || ls "$2".tmp.* "$(dirname "$2")/.$(basename "$2")".fwseal-tmp.* >/dev/null 2>&1; then fail "$1: no output left" "$(ls -d "$2"*)"; else ok "$1: no output left"; fi
}
# rejected CODE NAME PATTERN OUT CMD...: exit code, reason, one line, no OUT.
rejected() {
  local code=$1 name=$2 pat=$3 out=$4; shift 4
  expect_exit "$code" "$name: exit $code" "$@"
  expect_stderr "^fwseal: .*$pat" "$name: reason"
  one_line "$name"
  no_output "$name" "$out"
}

# wrong key types, made with the openssl CLI
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa2048.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out "$T/p521.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$T/p384.pem" 2>/dev/null
openssl pkey -in "$T/p521.pem" -pubout -out "$T/p521_pub.pem" 2>/dev/null
openssl genpkey -algorithm ED25519 -out "$T/ed25519.pem" 2>/dev/null
openssl pkey -in "$T/p384.pem" -pubout -out "$T/p384_pub.pem" 2>/dev/null
openssl pkey -in "$T/rsa2048.pem" -pubout -out "$T/rsa2048_pub.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -aes-128-cbc -pass pass:x -out "$T/enc.pem" 2>/dev/null
head -c 3000 /dev/urandom >"$T/garbage.pem"
head -c 100000 /dev/zero | tr '\0' 'A' >"$T/huge.pem"
O=$T/out.bin

rejected 1 "sign with RSA-2048" "rsa2048.pem: unsupported key type RSA-2048" "$O" "$FWSEAL" sign --key "$T/rsa2048.pem" "$APP" -o "$O"
rejected 1 "sign with P-521" "p521.pem: unsupported key type EC secp521r1" "$O" "$FWSEAL" sign --key "$T/p521.pem" "$APP" -o "$O"
# P-384 is a scheme (issue 16) but not one the esp32c3 ROM verifies (FORMATS 2.8)
rejected 1 "sign an esp32c3 image with P-384" "esp32c3 does not verify ECDSA-P384" "$O" "$FWSEAL" sign --key "$T/p384.pem" "$APP" -o "$O"
rejected 1 "sign with Ed25519" "unsupported key type ED25519" "$O" "$FWSEAL" sign --key "$T/ed25519.pem" "$APP" -o "$O"
rejected 1 "sign with an encrypted key, no --pass (batch)" "enc.pem: key is encrypted: give --pass" "$O" "$FWSEAL" sign --key "$T/enc.pem" "$APP" -o "$O" </dev/null
rejected 1 "sign with a garbage key" "garbage.pem: not a PEM private or public key" "$O" "$FWSEAL" sign --key "$T/garbage.pem" "$APP" -o "$O"
rejected 1 "sign with an oversized key file" "huge.pem: too large" "$O" "$FWSEAL" sign --key "$T/huge.pem" "$APP" -o "$O"
rejected 1 "sign with a public key" "public key; signing needs the private key" "$O" "$FWSEAL" sign --key "$SB/sb_rsa3072_key1_pub.pem" "$APP" -o "$O"
rejected 1 "second key of the wrong type" "unsupported key type RSA-2048" "$O" "$FWSEAL" sign --key "$K1" --key "$T/rsa2048.pem" "$APP" -o "$O"
rejected 3 "sign with a missing key" "nope.pem: No such file" "$O" "$FWSEAL" sign --key "$T/nope.pem" "$APP" -o "$O"
rejected 3 "sign a missing input" "nope.bin: No such file" "$O" "$FWSEAL" sign --key "$K1" "$T/nope.bin" -o "$O"
rejected 3 "sign a directory" "not a regular file" "$O" "$FWSEAL" sign --key "$K1" "$T" -o "$O"
: >"$T/empty.bin"
rejected 1 "sign an empty file" "empty file" "$O" "$FWSEAL" sign --key "$K1" "$T/empty.bin" -o "$O"
head -c 5000 "$SB/signed_rsa_1key.bin" >"$T/trunc.bin"
rejected 1 "--append to a truncated image" "--append needs a signed image" "$O" "$FWSEAL" sign --append --key "$K1" "$T/trunc.bin" -o "$O"
rejected 1 "--append to a truncated signed vector" "--append needs a signed image" "$O" "$FWSEAL" sign --append --key "$K1" "$SB/neg_truncated.bin" -o "$O"
rejected 1 "--append to an image with a bad block" "no valid signature block" "$O" "$FWSEAL" sign --append --key "$K1" "$SB/neg_sig_bad_crc.bin" -o "$O"
rejected 1 "--append to a tampered image" "signs a different image digest" "$O" "$FWSEAL" sign --append --key "$SB/sb_rsa3072_key2.pem" "$SB/neg_image_byte_changed.bin" -o "$O"
: >"$T/afile"
rejected 3 "sign to an unwritable place" "cannot create" "$T/afile/out.bin" "$FWSEAL" sign --key "$K1" "$APP" -o "$T/afile/out.bin"
rejected 3 "sign to a missing directory" "cannot create" "$T/nodir/out.bin" "$FWSEAL" sign --key "$K1" "$APP" -o "$T/nodir/out.bin"
expect_exit 2 "sign without -o is a usage error" "$FWSEAL" sign --key "$K1" "$APP"
expect_exit 2 "sign without --key is a usage error" "$FWSEAL" sign "$APP" -o "$O"
expect_exit 2 "sign with an unknown option" "$FWSEAL" sign --key "$K1" --frob "$APP" -o "$O"
no_output "usage errors" "$O"

# keygen / pubkey / digest
rejected 3 "keygen to an unwritable place" "cannot create" "$T/afile/k.pem" "$FWSEAL" keygen ecdsa-p256 -o "$T/afile/k.pem"
expect_exit 2 "keygen of an unknown type" "$FWSEAL" keygen rsa2048 -o "$T/k.pem"
no_output "keygen unknown type" "$T/k.pem"
check "keygen ecdsa-p256" "$FWSEAL" keygen ecdsa-p256 -o "$T/k.pem"
cp "$T/k.pem" "$T/k.before"
expect_exit 1 "keygen does not overwrite a key" "$FWSEAL" keygen ecdsa-p256 -o "$T/k.pem"
same_file "$T/k.pem" "$T/k.before" "existing key untouched"
check "keygen --force overwrites" "$FWSEAL" keygen ecdsa-p256 -o "$T/k.pem" --force
check "forced key is 0600" test "$(stat -c %a "$T/k.pem")" = 600
rejected 1 "digest of RSA-2048" "unsupported key type RSA-2048" "$T/d.bin" "$FWSEAL" digest "$T/rsa2048_pub.pem" -o "$T/d.bin"
rejected 1 "digest of P-521" "unsupported key type EC secp521r1" "$T/d.bin" "$FWSEAL" digest "$T/p521_pub.pem" -o "$T/d.bin"
rejected 3 "digest of a missing key" "No such file" "$T/d.bin" "$FWSEAL" digest "$T/nope.pem" -o "$T/d.bin"
rejected 3 "digest to an unwritable place" "cannot create" "$T/afile/d.bin" "$FWSEAL" digest "$K1" -o "$T/afile/d.bin"
rejected 1 "pubkey of garbage" "not a PEM" "$T/p.pem" "$FWSEAL" pubkey "$T/garbage.pem" -o "$T/p.pem"
rejected 3 "pubkey to an unwritable place" "cannot create" "$T/afile/p.pem" "$FWSEAL" pubkey "$K1" -o "$T/afile/p.pem"

# verify
S1=$SB/signed_rsa_1key.bin
TR=(--trust "$SB/sb_rsa3072_key1_pub.pem")
head -c 8192 /dev/urandom >"$T/garbage.bin"
cat "$S1" <(head -c 4096 /dev/zero) >"$T/oversized.bin"
head -c 100 "$S1" >"$T/short.bin"
expect_exit 1 "verify garbage" "$FWSEAL" verify "$T/garbage.bin" "${TR[@]}"
expect_stderr "image.header: bad image magic" "verify garbage: reason"; one_line "verify garbage"
expect_exit 1 "verify oversized (4 KiB appended)" "$FWSEAL" verify "$T/oversized.bin" "${TR[@]}"
expect_stderr "image.sector_offset" "verify oversized: reason"; one_line "verify oversized"
expect_exit 1 "verify 100-byte file" "$FWSEAL" verify "$T/short.bin" "${TR[@]}"
expect_stderr "file.length" "verify short: reason"
expect_exit 1 "verify empty file" "$FWSEAL" verify "$T/empty.bin" "${TR[@]}"
expect_exit 3 "verify a directory" "$FWSEAL" verify "$T" "${TR[@]}"; one_line "verify a directory"
expect_exit 1 "verify trusting an RSA-2048 key" "$FWSEAL" verify "$S1" --trust "$T/rsa2048_pub.pem"
expect_stderr "unsupported key type RSA-2048" "verify RSA-2048 anchor: reason"
expect_exit 1 "verify trusting a P-521 key" "$FWSEAL" verify "$S1" --trust "$T/p521_pub.pem"
expect_stderr "unsupported key type EC secp521r1" "verify P-521 anchor: reason"
expect_exit 1 "verify an RSA image trusting only a P-384 key" "$FWSEAL" verify "$S1" --trust "$T/p384_pub.pem"
expect_exit 2 "verify --raw with --chip is a usage error" "$FWSEAL" verify --raw "$S1" --chip esp32c3
expect_exit 2 "verify with a bad --min-secure-version" "$FWSEAL" verify "$S1" "${TR[@]}" --min-secure-version -1
# a signed image whose signature sector is replaced by random bytes
{ head -c $((200704 - 4096)) "$S1"; head -c 4096 /dev/urandom; } >"$T/rndsector.bin"
expect_exit 1 "verify random signature sector" "$FWSEAL" verify "$T/rndsector.bin" "${TR[@]}"
expect_stderr "sector.blocks" "random sector: reason"
