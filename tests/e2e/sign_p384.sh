#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 16: ECDSA P-384 signing round trip on the host. fwseal keygen
# ecdsa-p384 -> fwseal sign -> fwseal verify (--trust, --trust-digest of
# fwseal digest) -> an independent check: the block is cut out with dd by a
# few lines of python, its little-endian numbers reversed (FORMATS 2.4, P-384
# layout: digest 4..52, curve id 52, X,Y 53..149, r,s 149..245), the public key
# rebuilt as DER and compared with `openssl pkey -pubout`, the signature
# verified by `openssl pkeyutl -verify` over `openssl dgst -sha384` of the
# signed region. Also: the image_digest field equals espsecure's for the same
# input, --append of P-384 keys, mixed schemes refused, P-192 keys refused for
# signing (verify-only) and by keygen.
. "$(dirname "$0")/lib.sh"
E=$V/secure_boot_v2_ecdsa_ext
APP=$E/app_c3.bin
NC=--no-chip-check    # esp32c3 images; the c3 ROM verifies RSA only (FORMATS 2.8)

check "keygen ecdsa-p384" "$FWSEAL" keygen ecdsa-p384 -o "$T/k1.pem" --pub "$T/k1_pub.pem"
[ "$(stat -c %a "$T/k1.pem")" = 600 ] && ok "P-384 private key is 0600" || fail "key mode"
openssl pkey -in "$T/k1.pem" -noout -text 2>/dev/null | grep -q "NIST CURVE: P-384" && ok "openssl reads a P-384 key" \
  || fail "openssl reads the key"
check "keygen a second P-384 key" "$FWSEAL" keygen ecdsa-p384 -o "$T/k2.pem"
expect_exit 2 "keygen ecdsa-p192 refused" "$FWSEAL" keygen ecdsa-p192 -o "$T/k192.pem"
expect_stderr "does not make ECDSA P-192 keys" "keygen ecdsa-p192: reason"
[ -e "$T/k192.pem" ] && fail "no P-192 key written" || ok "no P-192 key written"

check "sign with P-384" "$FWSEAL" sign $NC --key "$T/k1.pem" "$APP" -o "$T/s1.bin"
expect_stdout "1 block\(s\) ECDSA-P384, image digest [0-9a-f]{96}$" "sign prints the 48-byte digest"
check "verify --trust pub" "$FWSEAL" verify --trust "$T/k1_pub.pem" "$T/s1.bin"
check "fwseal digest of the key" "$FWSEAL" digest "$T/k1.pem" -o "$T/k1.digest.bin"
check "verify --trust-digest" "$FWSEAL" verify --trust-digest "$(xxd -p -c 64 "$T/k1.digest.bin")" "$T/s1.bin"
expect_exit 1 "verify with the other P-384 key refused" "$FWSEAL" verify --trust "$T/k2.pem" "$T/s1.bin"
# espsecure's image digest for the same input (the signature differs: ECDSA is randomised)
cmp -s <(tail -c 4096 "$T/s1.bin" | head -c 52) <(tail -c 4096 "$E/signed_ecdsa384.bin" | head -c 52) \
  && ok "block header and SHA-384 field equal espsecure's" || fail "block header differs from espsecure's"
[ "$(head -c 208896 "$T/s1.bin" | sha256sum)" = "$(head -c 208896 "$E/signed_ecdsa384.bin" | sha256sum)" ] \
  && ok "signed region equals espsecure's (0xFF padding)" || fail "signed region differs"
check "sign with espsecure's P-384 key" "$FWSEAL" sign $NC --key "$E/sb_ecdsa384_key.pem" "$APP" -o "$T/s2.bin"
check "verify it with espsecure's key digest" "$FWSEAL" verify \
  --trust-digest "$(xxd -p -c 64 "$E/sb_ecdsa384_key.digest.bin")" "$T/s2.bin"

# --append: a second P-384 block; mixing schemes refused
check "append a second P-384 key" "$FWSEAL" sign $NC --append --key "$T/k2.pem" "$T/s1.bin" -o "$T/s12.bin"
expect_stdout "2 block\(s\) ECDSA-P384" "two P-384 blocks"
check "verify block 1 by the second key" "$FWSEAL" verify --trust "$T/k2.pem" "$T/s12.bin"
"$FWSEAL" keygen ecdsa-p256 -o "$T/p256.pem" >/dev/null
expect_exit 1 "P-256 appended to P-384 refused" "$FWSEAL" sign $NC --append --key "$T/p256.pem" "$T/s1.bin" -o "$T/x.bin"
expect_stderr "mix" "mixed append: reason"
expect_exit 1 "P-384 + P-256 in one sector refused" "$FWSEAL" sign $NC --key "$T/k1.pem" --key "$T/p256.pem" "$APP" -o "$T/x.bin"
expect_stderr "mixed signature schemes" "mixed keys: reason"
check "two P-384 keys at once" "$FWSEAL" sign $NC --key "$T/k1.pem" --key "$T/k2.pem" "$APP" -o "$T/s3.bin"

# encrypt --sign-key with P-384 (the release command): signs SHA-384 inside the
# encrypted container; an esp32c5 image (the chip check of encrypt has no override)
PE=$V/pre_encrypted/rsa
"$FWSEAL_BUILD/tools/app_patch" "$APP" "$T/c5.u" --chip-id 23 || exit 1
check "encrypt --sign-key P-384 (esp32c5 image)" "$FWSEAL" encrypt --sign-key "$T/k1.pem" \
  --pubkey "$PE/rsa_pub_key.pem" "$T/c5.u" -o "$T/c5.enc"
check "decrypt it" "$FWSEAL" decrypt --key "$PE/rsa_priv_key.pem" "$T/c5.enc" -o "$T/c5.dec"
check "the decrypted image verifies (P-384)" "$FWSEAL" verify --chip esp32c5 --trust "$T/k1_pub.pem" "$T/c5.dec"
expect_stdout "ECDSA-P384 signature verifies" "encrypt signed with P-384"
expect_exit 1 "encrypt --sign-key P-384 of an esp32c3 image refused (chip table)" "$FWSEAL" encrypt \
  --sign-key "$T/k1.pem" --pubkey "$PE/rsa_pub_key.pem" "$APP" -o "$T/c3.enc"

# raw data (not an app image) signed with P-384: fwseal info compares SHA-384
head -c 8192 /dev/urandom >"$T/raw.bin"
check "sign raw data with P-384" "$FWSEAL" sign --key "$T/k1.pem" "$T/raw.bin" -o "$T/raw.s.bin"
check "info of P-384-signed data" "$FWSEAL" info "$T/raw.s.bin"
expect_stdout "block 0: +ECDSA-P384, key digest $(xxd -p -c 64 "$T/k1.digest.bin"), digest matches" "info: digest matches"
check "verify --raw" "$FWSEAL" verify --raw --trust "$T/k1_pub.pem" "$T/raw.s.bin"

# P-192: verify-only
expect_exit 1 "sign with a P-192 key refused" "$FWSEAL" sign --key "$E/sb_ecdsa192_key.pem" "$APP" -o "$T/x192.bin"
expect_exit 1 "sign with a P-192 key refused (no chip check)" "$FWSEAL" sign $NC --key "$E/sb_ecdsa192_key.pem" \
  "$APP" -o "$T/x192.bin"
expect_stderr "does not sign with ECDSA P-192 keys" "P-192 signing: reason"
[ -e "$T/x192.bin" ] && fail "no output for P-192" || ok "no output for P-192"

# independent check with python + the openssl CLI
python3 - "$T" "$T/s1.bin:0:$T/k1.pem" "$T/s12.bin:0:$T/k1.pem" "$T/s12.bin:1:$T/k2.pem" \
  "$T/s3.bin:1:$T/k2.pem" "$T/s2.bin:0:$E/sb_ecdsa384_key.pem" >"$T/ov.out" 2>&1 <<'PY'
import hashlib, subprocess, sys, zlib
def ln(n): return bytes([n]) if n < 128 else bytes([0x81, n])
def tlv(t, v): return bytes([t]) + ln(len(v)) + v
def integer(be):
    be = be.lstrip(b"\0") or b"\0"
    return tlv(2, (b"\0" + be) if be[0] & 0x80 else be)
le = lambda x: bytes(reversed(x))
tmp = sys.argv[1]
for arg in sys.argv[2:]:
    path, slot, key = arg.split(":"); slot = int(slot)
    data = open(path, "rb").read()
    b = data[len(data) - 4096 + slot * 1216:][:1216]
    name = f"{path.split('/')[-1]} block {slot}"
    assert b[0] == 0xE7 and b[1] == 3 and b[2] == 1 and b[3] == 0 and b[52] == 3, name + ": header"
    assert zlib.crc32(b[:1196]).to_bytes(4, "little") == b[1196:1200], name + ": CRC"
    assert b[245:1196] == bytes(951) and b[1200:] == bytes(16), name + ": reserved bytes"
    open(f"{tmp}/region", "wb").write(data[:len(data) - 4096])
    dg = subprocess.run(["openssl", "dgst", "-sha384", "-binary", f"{tmp}/region"], capture_output=True, check=True).stdout
    assert b[4:52] == dg, name + ": image_digest != openssl dgst -sha384"
    x, y, r, s = le(b[53:101]), le(b[101:149]), le(b[149:197]), le(b[197:245])
    # SPKI: id-ecPublicKey + secp384r1
    alg = tlv(0x30, bytes.fromhex("06072a8648ce3d0201") + bytes.fromhex("06052b81040022"))
    spki = tlv(0x30, alg + tlv(3, b"\0\x04" + x + y))
    want = subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"], capture_output=True, check=True).stdout
    assert spki == want, name + ": block key != openssl pkey -pubout"
    open(f"{tmp}/pub.der", "wb").write(spki)
    open(f"{tmp}/sig.der", "wb").write(tlv(0x30, integer(r) + integer(s)))
    open(f"{tmp}/dg.bin", "wb").write(dg)
    v = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", f"{tmp}/pub.der",
                        "-in", f"{tmp}/dg.bin", "-sigfile", f"{tmp}/sig.der"], capture_output=True, text=True)
    assert v.returncode == 0 and "Success" in v.stdout, name + ": openssl pkeyutl -verify: " + v.stdout + v.stderr
    print("ok", name)
PY
rc=$?
while read -r l; do case $l in ok\ *) ok "openssl: ${l#ok }";; *) fail "openssl check" "$l";; esac; done <"$T/ov.out"
[ $rc -eq 0 ] && ok "independent check ran" || fail "independent check" "$(tail -3 "$T/ov.out")"
