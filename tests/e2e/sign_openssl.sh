#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal sign, checked by an independent implementation: every block we write
# is cut out with dd, its little-endian numbers are reversed (FORMATS 2.3/2.4),
# the public key and signature are rebuilt as DER by a few lines of python
# and the signature is verified with the openssl CLI. Also: 1, 2, 3 keys,
# --append, a 4th block and mixed schemes refused, espsecure's image digests.
. "$(dirname "$0")/lib.sh"
SB=$V/secure_boot_v2
APP=$V/app/app_esp32c3_64k.bin          # not 4 KiB aligned: 0xFF padding
APPPAD=$V/app/app_esp32c3_128k_sbpad.bin  # secure-padded: no gap

# blk FILE SLOT OUT: signature block SLOT of FILE's last 4096 bytes.
blk() {
  tail -c $((4096 - $2 * 1216)) "$1" | head -c 1216 >"$3"
}

# Independent checks are queued (ov NAME EXPECT FILE SLOT KEY.pem) and run by
# ov_run in one sbv2_check.py process (python start-up is slow here), which for
# each block: cuts it out of the last 4096 bytes, checks CRC32/zero padding and the
# image_digest field against sha256 of [0, S), reverses the little-endian
# numbers, rebuilds the SPKI public key and the signature as DER, compares the
# key with `openssl pkey -pubout` of KEY.pem and runs `openssl pkeyutl -verify`.
OVQ=()
ov() { OVQ+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$4"$'\t'"$5"); }
ov_run() {
  local line name rest
  printf '%s\n' "${OVQ[@]}" >"$T/ovq"
  python3 "$(dirname "$0")/sbv2_check.py" --queue "$T/ovq" "$T" >"$T/ovres" 2>&1
  while IFS=$'\t' read -r res name rest; do
    if [ "$res" = OK ]; then ok "$name"; else fail "$name" "$rest"; fi
  done <"$T/ovres"
  [ "$(wc -l <"$T/ovres")" -eq ${#OVQ[@]} ] || fail "independent checker ran every check" "$(tail -3 "$T/ovres")"
}

# the openssl check itself accepts espsecure's blocks and rejects a bad one
ov "independent check accepts espsecure RSA block" valid "$SB/signed_rsa_1key.bin" 0 "$SB/sb_rsa3072_key1.pem"
ov "independent check accepts espsecure ECDSA block" valid "$SB/signed_ecdsa256.bin" 0 "$SB/sb_ecdsa256_key.pem"
ov "independent check rejects a flipped RSA signature" invalid "$SB/neg_sig_signature_flipped.bin" 0 "$SB/sb_rsa3072_key1.pem"

K1=$SB/sb_rsa3072_key1.pem K2=$SB/sb_rsa3072_key2.pem K3=$SB/sb_rsa3072_key3.pem KE=$SB/sb_ecdsa256_key.pem

# 1 key, unaligned input: same layout and image digest as espsecure's vector
check "sign 1 RSA key (unaligned input)" "$FWSEAL" sign --key "$K1" "$APP" -o "$T/r1.bin"
cp "$T/.err" "$T/err1"; check "app image input: no warning" test ! -s "$T/err1"
same_file <(head -c 106496 "$T/r1.bin") <(head -c 106496 "$SB/signed_rsa_1key_unpadded.bin") "padded data equals espsecure's"
check "size equals espsecure's" test "$(stat -c %s "$T/r1.bin")" = "$(stat -c %s "$SB/signed_rsa_1key_unpadded.bin")"
same_file <(tail -c 4096 "$T/r1.bin" | head -c 36) <(tail -c 4096 "$SB/signed_rsa_1key_unpadded.bin" | head -c 36) "block header and image digest equal espsecure's"
same_file <(tail -c 4096 "$T/r1.bin" | head -c 812 | tail -c +37) <(tail -c 4096 "$SB/signed_rsa_1key_unpadded.bin" | head -c 812 | tail -c +37) "n, e, rinv, m' equal espsecure's"
same_file <(tail -c $((4096 - 1216)) "$T/r1.bin") <(tail -c $((4096 - 1216)) "$SB/signed_rsa_1key_unpadded.bin") "unused slots are 0xFF as espsecure's"
ov "openssl verifies our RSA block" valid "$T/r1.bin" 0 "$K1"
check "fwseal verify accepts it" "$FWSEAL" verify "$T/r1.bin" --trust "$SB/sb_rsa3072_key1_pub.pem"

# 2 and 3 keys in one call
check "sign 2 RSA keys" "$FWSEAL" sign --key "$K1" --key "$K2" "$APPPAD" -o "$T/r2.bin"
ov "openssl verifies block 0 of 2" valid "$T/r2.bin" 0 "$K1"
ov "openssl verifies block 1 of 2" valid "$T/r2.bin" 1 "$K2"
check "sign 3 RSA keys" "$FWSEAL" sign --key "$K1" --key "$K2" --key "$K3" "$APPPAD" -o "$T/r3.bin"
keys3=("$K1" "$K2" "$K3")
for s in 0 1 2; do
  ov "openssl verifies block $s of 3" valid "$T/r3.bin" $s "${keys3[$s]}"
done
same_file <(head -c 196608 "$T/r3.bin") "$APPPAD" "secure-padded input is signed with no gap"
for k in key1 key2 key3; do
  check "fwseal verify 3-key image with $k" "$FWSEAL" verify "$T/r3.bin" --trust "$SB/sb_rsa3072_${k}_pub.pem"
done
same_file <(tail -c 4096 "$T/r3.bin" | head -c 36) <(tail -c 4096 "$SB/signed_rsa_1key.bin" | head -c 36) "image digest equals espsecure's signed_rsa_1key"

# --append: 1 -> 2 -> 3 blocks, 4th refused, keeps earlier blocks byte for byte
check "sign 1 key" "$FWSEAL" sign --key "$K1" "$APPPAD" -o "$T/a1.bin"
check "append key2" "$FWSEAL" sign --append --key "$K2" "$T/a1.bin" -o "$T/a2.bin"
same_file <(tail -c 4096 "$T/a1.bin" | head -c 1216) <(tail -c 4096 "$T/a2.bin" | head -c 1216) "append keeps block 0"
check "append key3" "$FWSEAL" sign --append --key "$K3" "$T/a2.bin" -o "$T/a3.bin"
check "appended image is the same size" test "$(stat -c %s "$T/a3.bin")" = 200704
ov "openssl verifies appended block 2" valid "$T/a3.bin" 2 "$K3"
ov "openssl verifies appended block 1" valid "$T/a3.bin" 1 "$K2"
expect_exit 1 "a 4th block is refused" "$FWSEAL" sign --append --key "$SB/sb_rsa3072_wrong.pem" "$T/a3.bin" -o "$T/a4.bin"
expect_stderr "at most 3" "4th block: reason on stderr"
check "4th block: no output left" test ! -e "$T/a4.bin"
expect_exit 1 "4 keys at once are refused" "$FWSEAL" sign --key "$K1" --key "$K2" --key "$K3" --key "$SB/sb_rsa3072_wrong.pem" "$APPPAD" -o "$T/a4.bin"
check "4 keys: no output left" test ! -e "$T/a4.bin"
check "append to espsecure's 2-key vector" "$FWSEAL" sign --append --key "$K3" "$SB/signed_rsa_2keys.bin" -o "$T/v3.bin"
same_file <(head -c $((200704 - 4096 + 2432)) "$T/v3.bin") <(head -c $((200704 - 4096 + 2432)) "$SB/signed_rsa_3keys_append.bin") "matches espsecure's 3-key append up to the new block"
ov "openssl verifies our block appended to espsecure's" valid "$T/v3.bin" 2 "$K3"
expect_exit 1 "append to an unsigned aligned file is refused" "$FWSEAL" sign --append --key "$K1" "$APPPAD" -o "$T/x.bin"
expect_stderr "no valid signature block" "append to unsigned: reason"
expect_exit 1 "append to an unaligned file is refused" "$FWSEAL" sign --append --key "$K1" "$APP" -o "$T/x.bin"

# mixed schemes
expect_exit 1 "mixed RSA + ECDSA keys refused" "$FWSEAL" sign --key "$K1" --key "$KE" "$APPPAD" -o "$T/x.bin"
expect_stderr "mixed" "mixed keys: reason"
expect_exit 1 "appending ECDSA to an RSA sector refused" "$FWSEAL" sign --append --key "$KE" "$T/a1.bin" -o "$T/x.bin"
expect_stderr "mixed" "mixed append: reason"
check "mixed: no output left" test ! -e "$T/x.bin"

# ECDSA
# esp32c3 images: its ROM verifies RSA only, so ECDSA format tests say --no-chip-check
check "sign ECDSA P-256" "$FWSEAL" sign --no-chip-check --key "$KE" "$APPPAD" -o "$T/e1.bin"
ov "openssl verifies our ECDSA block" valid "$T/e1.bin" 0 "$KE"
check "append a second ECDSA key" "$FWSEAL" sign --no-chip-check --append --key "$SB/sb_ecdsa256_wrong.pem" "$T/e1.bin" -o "$T/e2.bin"
ov "openssl verifies appended ECDSA block" valid "$T/e2.bin" 1 "$SB/sb_ecdsa256_wrong.pem"
check "fwseal verify ECDSA image" "$FWSEAL" verify "$T/e2.bin" --trust "$SB/sb_ecdsa256_key_pub.pem"

# freshly generated keys, both schemes
check "keygen rsa3072" "$FWSEAL" keygen rsa3072 -o "$T/g.pem" --pub "$T/g_pub.pem"
check "keygen ecdsa-p256" "$FWSEAL" keygen ecdsa-p256 -o "$T/ge.pem" --pub "$T/ge_pub.pem"
check "private key is 0600" test "$(stat -c %a "$T/g.pem")" = 600
check "openssl reads the private key" openssl pkey -in "$T/g.pem" -noout
check "openssl reads the EC private key" openssl pkey -in "$T/ge.pem" -noout
check "sign with generated RSA key" "$FWSEAL" sign --key "$T/g.pem" "$APP" -o "$T/g.bin"
ov "openssl verifies generated-key block" valid "$T/g.bin" 0 "$T/g.pem"
check "sign with generated EC key" "$FWSEAL" sign --no-chip-check --key "$T/ge.pem" "$APP" -o "$T/ge.bin"
ov "openssl verifies generated EC block" valid "$T/ge.bin" 0 "$T/ge.pem"
check "pubkey equals keygen --pub" "$FWSEAL" pubkey "$T/g.pem" -o "$T/g_pub2.pem"
same_file "$T/g_pub.pem" "$T/g_pub2.pem" "pubkey output identical"
check "digest of generated key" "$FWSEAL" digest "$T/g_pub.pem"
want=$(blk "$T/g.bin" 0 "$T/gb" && dd if="$T/gb" bs=1 skip=36 count=776 status=none | sha256sum | cut -c1-64)
expect_stdout "^$want\$" "digest = SHA-256 of block bytes 36..811"

# any file can be signed, with a warning
head -c 5000 /dev/urandom >"$T/blob"
check "sign a non-image file" "$FWSEAL" sign --key "$K1" "$T/blob" -o "$T/blob.signed"
expect_stderr "warning: .*not an ESP app image" "non-image: warning on stderr"
ov "openssl verifies the non-image signature" valid "$T/blob.signed" 0 "$K1"
check "verify --raw accepts it" "$FWSEAL" verify --raw "$T/blob.signed" --trust "$SB/sb_rsa3072_key1_pub.pem"
expect_exit 1 "verify without --raw rejects it (not an app image)" "$FWSEAL" verify "$T/blob.signed" --trust "$SB/sb_rsa3072_key1_pub.pem"
expect_stderr "image.header: bad image magic" "non-image: reason"

# OUT may be IN (atomic rename)
cp "$APP" "$T/inplace.bin"
check "sign in place" "$FWSEAL" sign --key "$K1" "$T/inplace.bin" -o "$T/inplace.bin"
check "in-place result verifies" "$FWSEAL" verify "$T/inplace.bin" --trust "$SB/sb_rsa3072_key1_pub.pem"

ov_run
