#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Key material of the encryption side: keygen outputs are 0600 and usable;
# no key byte (raw, or hex in either case) ever appears on stdout/stderr of
# any encryption command, on success or failure.
. "$(dirname "$0")/lib.sh"
P=$V/pre_encrypted
umask 022  # the 0600 must come from the tool, not from the umask

expect_exit 0 "keygen ecies-p256" "$FWSEAL" keygen ecies-p256 -o "$T/hmac.bin" --pub "$T/dev_pub.pem"
expect_exit 0 "keygen flash-xts-128" "$FWSEAL" keygen flash-xts-128 -o "$T/xts128.bin"
expect_exit 0 "keygen flash-xts-256" "$FWSEAL" keygen flash-xts-256 -o "$T/xts256.bin"
expect_exit 0 "keygen nvs-keys" "$FWSEAL" keygen nvs-keys -o "$T/nvskeys.bin"
for f in hmac.bin xts128.bin xts256.bin nvskeys.bin; do
  [ "$(stat -c %a "$T/$f")" = 600 ] && ok "$f mode 0600" || fail "$f mode 0600" "$(stat -c %a "$T/$f")"
done
[ "$(stat -c %s "$T/hmac.bin")" = 32 ] && ok "HMAC key 32 bytes" || fail "HMAC key size"
[ "$(stat -c %s "$T/xts128.bin")" = 32 ] && ok "XTS-128 key 32 bytes" || fail "XTS-128 key size"
[ "$(stat -c %s "$T/xts256.bin")" = 64 ] && ok "XTS-256 key 64 bytes" || fail "XTS-256 key size"
[ "$(stat -c %s "$T/nvskeys.bin")" = 4096 ] && ok "nvs_keys image 4096 bytes" || fail "nvs_keys size"
# nvs_keys: CRC32-ESP (zlib crc32(keys, 0xFFFFFFFF)) at 64, 0xFF fill.
python3 - "$T/nvskeys.bin" <<'PY' && ok "nvs_keys CRC32-ESP and 0xFF fill" || fail "nvs_keys layout"
import sys, zlib, struct
d = open(sys.argv[1], "rb").read()
assert struct.unpack("<I", d[64:68])[0] == zlib.crc32(d[:64], 0xFFFFFFFF)
assert d[68:] == b"\xff" * (4096 - 68)
PY
grep -q "BEGIN PUBLIC KEY" "$T/dev_pub.pem" && ! grep -q PRIVATE "$T/dev_pub.pem" && ok "device public key PEM only" || fail "device public key PEM"
expect_exit 1 "keygen refuses to overwrite" "$FWSEAL" keygen flash-xts-128 -o "$T/xts128.bin"
expect_exit 2 "ecies-p256 without --pub refused" "$FWSEAL" keygen ecies-p256 -o "$T/h2.bin"

# The generated ECIES pair works: encrypt to the public key, decrypt with the HMAC key.
head -c 3008 /dev/urandom >"$T/plain"
expect_exit 0 "encrypt to generated device key" "$FWSEAL" encrypt --pubkey "$T/dev_pub.pem" "$T/plain" -o "$T/e.bin"
expect_exit 0 "decrypt with generated HMAC key" "$FWSEAL" decrypt --hmac-key "$T/hmac.bin" "$T/e.bin" -o "$T/d.bin"
same_file "$T/plain" "$T/d.bin" "generated ECIES key round trip"
expect_exit 0 "flash-encrypt with generated XTS-256 key" "$FWSEAL" flash-encrypt --key "$T/xts256.bin" --address 0x10000 "$T/plain" -o "$T/fe.bin"
expect_exit 0 "flash-decrypt with generated XTS-256 key" "$FWSEAL" flash-decrypt --key "$T/xts256.bin" --address 0x10000 "$T/fe.bin" -o "$T/fd.bin"
same_file "$T/plain" "$T/fd.bin" "generated XTS key round trip"
[ "$(stat -c %a "$T/d.bin")" = 600 ] && ok "decrypted plaintext 0600" || fail "decrypted plaintext mode"
[ "$(stat -c %a "$T/fd.bin")" = 600 ] && ok "flash-decrypted plaintext 0600" || fail "flash-decrypted mode"

# Run every command (good and bad inputs) capturing all output, then look
# for any 16-byte window of any secret, raw or as hex.
cap=$T/captured
: >"$cap"
run() { "$FWSEAL" "$@" >>"$cap" 2>&1; echo "[exit $?]" >>"$cap"; }
run keygen ecies-p256 -o "$T/h3.bin" --pub "$T/p3.pem"
run keygen flash-xts-256 -o "$T/x3.bin"
run keygen nvs-keys -o "$T/n3.bin"
run encrypt --pubkey "$P/rsa/rsa_pub_key.pem" "$T/plain" -o "$T/r.bin"
run decrypt --key "$P/rsa/rsa_priv_key.pem" "$T/r.bin" -o "$T/r.out"
run decrypt --key "$P/rsa/rsa_priv_key.pem" "$P/rsa/neg_flip_enc_gcm_key.enc.bin" -o "$T/bad"
run decrypt --key "$P/rsa/wrong_rsa_priv_key.pem" "$T/r.bin" -o "$T/bad"
run decrypt --hmac-key "$T/hmac.bin" "$T/e.bin" -o "$T/e.out"
run decrypt --hmac-key "$P/ecc/wrong_device_hmac_key.bin" "$T/e.bin" -o "$T/bad"
run decrypt --hmac-key "$T/xts256.bin" "$T/e.bin" -o "$T/bad"
run decrypt --hmac-key "$T/nvskeys.bin" "$T/e.bin" -o "$T/bad"
run decrypt --key "$T/hmac.bin" "$T/e.bin" -o "$T/bad"
run encrypt --pubkey "$P/rsa/rsa_priv_key.pem" "$T/plain" -o "$T/r2.bin"
run flash-encrypt --key "$T/xts256.bin" --address 0x10000 "$T/plain" -o "$T/f2"
run flash-encrypt --key "$T/xts128.bin" --address 0x10008 "$T/plain" -o "$T/bad"
run flash-encrypt --key "$T/hmac.bin" --scheme esp32 --address 0x10000 "$T/plain" -o "$T/f3"
run flash-decrypt --key "$T/nvskeys.bin" --address 0x10000 "$T/plain" -o "$T/bad"
run flash-encrypt --key "$T/xts128.bin" --address 0x10000 "$T/hmac.bin" -o "$T/f4"
run verify "$T/e.bin" --decrypt-hmac-key "$T/hmac.bin" --allow-untrusted --raw
run verify "$T/e.bin" --decrypt-hmac-key "$T/hmac.bin" --json
run verify "$T/e.bin" --decrypt-hmac-key "$T/xts128.bin"
run verify "$T/r.bin" --decrypt-key "$P/rsa/rsa_priv_key.pem" --json
run info --json "$T/e.bin"
run encrypt --sign-key "$V/secure_boot_v2/sb_rsa3072_key1.pem" --pubkey "$T/dev_pub.pem" "$T/plain" -o "$T/s.bin"
grep -q "exit 1" "$cap" && grep -q "exit 0" "$cap" && ok "captured successes and failures" || fail "capture ran"
python3 - "$cap" "$T/hmac.bin" "$T/h3.bin" "$T/xts128.bin" "$T/xts256.bin" "$T/x3.bin" "$T/nvskeys.bin" "$T/n3.bin" \
  "$P/ecc/device_hmac_key.bin" "$P/ecc/wrong_device_hmac_key.bin" <<'PY' && ok "no secret byte sequence on stdout/stderr" || fail "secret leaked"
import sys
out = open(sys.argv[1], "rb").read()
low = out.lower()
for path in sys.argv[2:]:
    key = open(path, "rb").read()[:64]
    for i in range(0, len(key) - 15):
        w = key[i:i + 16]
        if w in out or w.hex().encode() in low:
            sys.exit(f"{path}: bytes {i}..{i+15} appear in the output")
PY
# The RSA private key's PEM body and the device private scalar never appear either.
! grep -q "PRIVATE KEY" "$cap" && ok "no PEM private key on output" || fail "PEM on output"
