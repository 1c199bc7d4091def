#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal verify and fwseal info on ESP encrypted image containers: with a
# key the container is decrypted in a stream into the verifier (tag AND every
# inner check must pass); without a key only the header is checked and the
# inner image is reported as not checked (exit 1 unless --header-only).
. "$(dirname "$0")/lib.sh"
P=$V/pre_encrypted
A=$V/app/app_esp32c3_64k.bin
SK=$V/secure_boot_v2/sb_rsa3072_key1.pem SPUB=$V/secure_boot_v2/sb_rsa3072_key1_pub.pem
OTHER=$V/secure_boot_v2/sb_rsa3072_key2_pub.pem
RSAK=(--decrypt-key "$P/rsa/rsa_priv_key.pem") ECK=(--decrypt-hmac-key "$P/ecc/device_hmac_key.bin")

"$FWSEAL" encrypt --sign-key "$SK" --pubkey "$P/rsa/rsa_pub_key.pem" "$A" -o "$T/rsa.enc" >/dev/null 2>&1
"$FWSEAL" encrypt --sign-key "$SK" --pubkey "$P/ecc/device_pub_key.pem" "$A" -o "$T/ecc.enc" >/dev/null 2>&1

expect_exit 0 "RSA container, trusted signer: valid" "$FWSEAL" verify "$T/rsa.enc" "${RSAK[@]}" --trust "$SPUB"
expect_stdout "container.decrypt +GCM tag verified" "tag check reported"
expect_stdout "block0.signature" "inner signature checked"
expect_exit 0 "ECIES container, trusted signer: valid" "$FWSEAL" verify "$T/ecc.enc" "${ECK[@]}" --trust "$SPUB" --chip esp32c3 --min-secure-version 1
expect_exit 1 "untrusted signer rejected" "$FWSEAL" verify "$T/rsa.enc" "${RSAK[@]}" --trust "$OTHER"
expect_stderr "signature.trusted" "untrusted: first failure named"
expect_exit 1 "anti-rollback floor applies inside" "$FWSEAL" verify "$T/ecc.enc" "${ECK[@]}" --trust "$SPUB" --min-secure-version 2
expect_stderr "image.secure_version" "secure_version failure named"
expect_exit 0 "--json report" "$FWSEAL" verify "$T/rsa.enc" "${RSAK[@]}" --trust "$SPUB" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["valid"] and d["checks"][0]["name"]=="container.decrypt"' "$T/.out" \
  && ok "JSON valid with container.decrypt first" || fail "JSON report"

# Tampering: the tag fails, inner checks are not reported as passed.
# (XOR, not a fixed value: a byte that already held it would change nothing)
python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[9000]^=1; open(sys.argv[2],"wb").write(b)' "$T/rsa.enc" "$T/bad.enc"
expect_exit 1 "flipped ciphertext rejected" "$FWSEAL" verify "$T/bad.enc" "${RSAK[@]}" --trust "$SPUB"
expect_stderr "container.decrypt: GCM tag mismatch" "tag failure named"
grep -q "block0.signature" "$T/.out" && fail "no inner verdict after tag failure" || ok "no inner verdict after tag failure"
expect_exit 1 "wrong HMAC key rejected" "$FWSEAL" verify "$T/ecc.enc" --decrypt-hmac-key "$P/ecc/wrong_device_hmac_key.bin" --trust "$SPUB"
expect_exit 1 "truncated vector rejected" "$FWSEAL" verify "$P/rsa/neg_truncated.enc.bin" "${RSAK[@]}" --allow-untrusted
expect_stderr "truncated body" "truncation named"
# An Espressif-encrypted unsigned app: decrypts, but has no signature sector.
expect_exit 1 "unsigned inner image rejected" "$FWSEAL" verify "$P/rsa/app_esp32c3_64k.enc.bin" "${RSAK[@]}" --trust "$SPUB"

# No key: header only.
expect_exit 1 "no key: exit 1, inner not checked" "$FWSEAL" verify "$T/rsa.enc"
expect_stderr "inner.image: NOT checked" "says the inner image was not checked"
expect_exit 0 "--header-only accepts a well-formed header" "$FWSEAL" verify "$T/ecc.enc" --header-only
expect_stdout "inner.image +NOT checked" "--header-only still says not checked"
expect_stdout "scheme guess ecies-p256" "scheme guessed"
expect_exit 1 "bad magic with a key rejected" "$FWSEAL" verify "$P/rsa/neg_bad_magic.enc.bin" "${RSAK[@]}" --trust "$SPUB"
expect_stderr "container.decrypt: bad magic" "bad magic named"
expect_exit 2 "--header-only with a key is a usage error" "$FWSEAL" verify "$T/rsa.enc" --header-only "${RSAK[@]}"
expect_exit 1 "--header-only: trailing bytes" "$FWSEAL" verify "$P/rsa/neg_size_minus16.enc.bin" --header-only
expect_stderr "container.length" "length failure named"
expect_exit 0 "verify --help mentions containers" "$FWSEAL" verify --help
expect_stdout "decrypt-hmac-key" "help lists --decrypt-hmac-key"
# A plain signed image still goes through the normal path.
"$FWSEAL" sign --key "$SK" "$A" -o "$T/signed.bin" >/dev/null 2>&1
expect_exit 0 "plain signed image unaffected" "$FWSEAL" verify "$T/signed.bin" --trust "$SPUB"

# info shows the container fields.
expect_exit 0 "info on an ECIES container" "$FWSEAL" info "$T/ecc.enc"
expect_stdout "scheme: +ecies-p256 \(guessed" "info: scheme guessed"
expect_stdout "bin_size: [0-9]+ \(matches the file\)" "info: bin_size"
expect_stdout "iv: +[0-9a-f]{32}" "info: iv"
expect_stdout "tag: +[0-9a-f]{32}" "info: tag"
expect_exit 0 "info --json on an RSA vector" "$FWSEAL" info --json "$P/rsa/app_esp32c3_64k.enc.bin"
python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))["encrypted_header"]; assert h["scheme_guess"]=="rsa3072" and h["bin_size"]==104784 and len(h["iv"])==32 and len(h["tag"])==32' "$T/.out" \
  && ok "info JSON fields" || fail "info JSON fields"
expect_exit 1 "info: size field off by 16" "$FWSEAL" info "$P/rsa/neg_size_plus16.enc.bin"
expect_stdout "file is SHORTER" "info: shorter file explained"
