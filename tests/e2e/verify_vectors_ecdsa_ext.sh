#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 16: espsecure's ECDSA P-384 and P-192 vectors (vectors/secure_boot_v2_ecdsa_ext,
# README there) on the host, each with its documented result:
#   fwseal verify --trust KEY_pub.pem and --trust-digest (the eFuse digest file)
#   accept signed_ecdsa{384,192}.bin; the wrong key and its digest do not; the
#   negatives (byte sector+100 set to 0x55) are rejected;
#   fwseal digest of each key (private and public PEM) equals its .digest.bin;
#   fwseal pubkey of the private key gives the _pub.pem key; fwseal info
#   matches the block's digest (SHA-384 for P-384); verify --chip esp32c3
#   refuses both (the c3 ROM verifies RSA only, FORMATS 2.8).
. "$(dirname "$0")/lib.sh"
E=$V/secure_boot_v2_ecdsa_ext
hex() { xxd -p -c 64 "$1"; }

for c in 384 192; do
  s=$E/signed_ecdsa$c.bin n=$E/neg_ecdsa${c}_signature_flipped.bin
  check "P-$c signed: --trust key" "$FWSEAL" verify --trust "$E/sb_ecdsa${c}_key_pub.pem" "$s"
  expect_stdout "1 valid ECDSA-P$c block" "P-$c: block recognised"
  expect_stdout "block0.signature +ECDSA-P$c signature verifies" "P-$c: signature verified"
  check "P-$c signed: --trust private key" "$FWSEAL" verify --trust "$E/sb_ecdsa${c}_key.pem" "$s"
  check "P-$c signed: --trust-digest" "$FWSEAL" verify --trust-digest "$(hex "$E/sb_ecdsa${c}_key.digest.bin")" "$s"
  expect_exit 1 "P-$c signed: wrong key refused" "$FWSEAL" verify --trust "$E/sb_ecdsa${c}_wrong_pub.pem" "$s"
  expect_stderr "not trusted" "P-$c wrong key: reason"
  expect_exit 1 "P-$c signed: wrong digest refused" "$FWSEAL" verify \
    --trust-digest "$(hex "$E/sb_ecdsa${c}_wrong.digest.bin")" "$s"
  expect_exit 1 "P-$c negative rejected (--trust)" "$FWSEAL" verify --trust "$E/sb_ecdsa${c}_key_pub.pem" "$n"
  expect_stderr "no valid signature block" "P-$c negative: reason"
  expect_exit 1 "P-$c negative rejected (--trust-digest)" "$FWSEAL" verify \
    --trust-digest "$(hex "$E/sb_ecdsa${c}_key.digest.bin")" "$n"
  # --json names the scheme and, for P-384, a 48-byte image digest
  "$FWSEAL" verify --json --trust "$E/sb_ecdsa${c}_key_pub.pem" "$s" >"$T/v.json"
  want=$( [ $c = 384 ] && openssl dgst -sha384 -binary <(head -c 208896 "$s") | xxd -p -c 64 \
          || openssl dgst -sha256 -binary <(head -c 208896 "$s") | xxd -p -c 64 )
  grep -q "$want" "$T/v.json" && ok "P-$c: image digest is $( [ $c = 384 ] && echo SHA-384 || echo SHA-256) of [0, S)" \
    || fail "P-$c image digest" "$want not in $(head -c 300 "$T/v.json")"
  check "P-$c: fwseal info" "$FWSEAL" info "$s"
  expect_stdout "block 0: ECDSA-P$c, valid, key digest $(hex "$E/sb_ecdsa${c}_key.digest.bin"), image digest matches" \
    "P-$c: info names the scheme, key digest, and the matching image digest"
  for k in key key_pub wrong wrong_pub; do
    f=${k%_pub}
    check "digest sb_ecdsa${c}_$k.pem" "$FWSEAL" digest "$E/sb_ecdsa${c}_$k.pem" -o "$T/d.bin"
    same_file "$T/d.bin" "$E/sb_ecdsa${c}_$f.digest.bin" "digest sb_ecdsa${c}_$k = espsecure's"
  done
  check "pubkey of the P-$c private key" "$FWSEAL" pubkey "$E/sb_ecdsa${c}_key.pem" -o "$T/pub.pem"
  [ "$(openssl pkey -pubin -in "$T/pub.pem" -outform DER | xxd -p)" = \
    "$(openssl pkey -pubin -in "$E/sb_ecdsa${c}_key_pub.pem" -outform DER | xxd -p)" ] \
    && ok "P-$c pubkey = the vector's public key" || fail "P-$c pubkey"
  expect_exit 1 "P-$c: esp32c3's ROM does not verify it" "$FWSEAL" verify --chip esp32c3 \
    --trust "$E/sb_ecdsa${c}_key_pub.pem" "$s"
  expect_stderr "esp32c3 does not verify ECDSA-P$c" "P-$c: chip reason"
done

# The host verifier hashes SHA-384 only when an anchor may sign it (a P-384 key
# file, or a bare digest whose scheme it cannot know); with SHA-256 anchors only,
# a P-384 block is reported "not checked" and never passes.
check "RSA-3072 anchor key" "$FWSEAL" keygen rsa3072 -o "$T/rsa.pem" --pub "$T/rsa_pub.pem"
expect_exit 1 "P-384 image, only an RSA-3072 anchor: rejected" "$FWSEAL" verify "$E/signed_ecdsa384.bin" \
  --trust "$T/rsa_pub.pem" --json
expect_stdout '"block0.image_digest".*not checked' "P-384 block: image digest not checked without a SHA-384 anchor"
check "P-384 image, the P-384 anchor and an RSA-3072 one: valid" "$FWSEAL" verify "$E/signed_ecdsa384.bin" \
  --trust "$T/rsa_pub.pem" --trust "$E/sb_ecdsa384_key_pub.pem"
check "P-384 image, a bare digest anchor: valid (SHA-384 computed)" "$FWSEAL" verify "$E/signed_ecdsa384.bin" \
  --trust-digest "$(xxd -p -c 64 "$E/sb_ecdsa384_key.digest.bin")"
