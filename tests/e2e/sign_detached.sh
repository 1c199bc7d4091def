#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Detached signing for a cloud KMS or signing service (issue 16): `sign
# --digest-out` writes the digest the service signs and says how; `openssl
# pkeyutl` stands in for the service; `sign --signature-in --pub` verifies the
# returned signature and only then writes the signed image. ECDSA signatures
# as DER, raw r||s big-endian (KMS APIs) and little-endian; RSA-PSS as
# big-endian bytes. Wrong signature / wrong key: exit 1 and no output file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_sbv2_openssl.sh"
APP=$T/app.bin
check "app image" "$FWSEAL" mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project kms --size 70K -o "$APP"
head -c 50000 /dev/urandom >"$T/data.bin"
check "RSA-3072 service key" "$FWSEAL" keygen rsa3072 -o "$T/rsa.pem" --pub "$T/rsa_pub.pem"
check "P-256 service key" "$FWSEAL" keygen ecdsa-p256 -o "$T/ec.pem" --pub "$T/ec_pub.pem"

# step 1: the digest, and what the signer must do
check "sign --digest-out" "$FWSEAL" sign --digest-out "$T/d.bin" "$APP"
expect_stdout "RSASSA-PSS.*SHA-256" "says RSA: RSASSA-PSS with SHA-256"
expect_stdout "MGF1-SHA-256, salt length 32" "says the PSS padding (MGF1-SHA-256, salt 32)"
expect_stdout "ECDSA P-256 key: ECDSA over the SHA-256 digest" "says ECDSA over the SHA-256 digest"
check "the digest is 32 bytes" test "$(stat -c %s "$T/d.bin")" = 32
want=$(python3 -c 'import hashlib,sys; d=open(sys.argv[1],"rb").read(); d+=b"\xff"*((-len(d))%4096); print(hashlib.sha256(d).hexdigest())' "$APP")
check "digest = SHA-256 of the image padded to 4096 (as signing hashes it)" test "$(xxd -p -c 64 "$T/d.bin")" = "$want"
check "--digest-out --json" "$FWSEAL" sign --digest-out "$T/d2.bin" --pub "$T/rsa_pub.pem" --json "$APP"
cp "$T/.out" "$T/d2.json"
check "JSON: digest, algorithm, padding for the given key only" python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
assert d["digest"]==sys.argv[2] and d["digest_algorithm"]=="sha256", d
assert [s["key_type"] for s in d["signers"]]==["rsa3072"], d
assert "PSS" in d["signers"][0]["algorithm"] and "salt length 32" in d["signers"][0]["padding"], d' "$T/d2.json" "$want"
expect_exit 2 "--digest-out with -o: usage error" "$FWSEAL" sign --digest-out "$T/d3.bin" "$APP" -o "$T/x.bin"
expect_exit 2 "--signature-in without --pub: usage error" "$FWSEAL" sign --signature-in "$T/d.bin" "$APP" -o "$T/x.bin"

# step 2: the service signs (openssl pkeyutl on the digest, no re-hashing)
check "service signs RSA-PSS" openssl pkeyutl -sign -inkey "$T/rsa.pem" -in "$T/d.bin" -out "$T/rsa.sig" \
  -pkeyopt digest:sha256 -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:32 -pkeyopt rsa_mgf1_md:sha256
check "sign --signature-in (RSA, big-endian)" "$FWSEAL" sign --signature-in "$T/rsa.sig" --pub "$T/rsa_pub.pem" "$APP" -o "$T/rsa.bin"
check "fwseal verify: detached RSA" "$FWSEAL" verify "$T/rsa.bin" --trust "$T/rsa_pub.pem" --chip esp32c3
check "openssl CLI: detached RSA" sbv2_openssl_check "$T/rsa.bin" 0 "$T/rsa_pub.pem"
check "same image as signing with the key file (all but the PSS-randomised signature)" \
  "$FWSEAL" sign --key "$T/rsa.pem" "$APP" -o "$T/rsa_local.bin"
same_file <(head -c $(($(stat -c %s "$T/rsa.bin") - 4096 + 812)) "$T/rsa.bin") \
  <(head -c $(($(stat -c %s "$T/rsa_local.bin") - 4096 + 812)) "$T/rsa_local.bin") "data, padding and block key fields identical"

check "digest of the data file" "$FWSEAL" sign --digest-out "$T/dd.bin" --pub "$T/ec_pub.pem" "$T/data.bin"
check "service signs ECDSA (DER)" openssl pkeyutl -sign -inkey "$T/ec.pem" -in "$T/dd.bin" -out "$T/ec.der" -pkeyopt digest:sha256
python3 - "$T/ec.der" "$T/ec.be" "$T/ec.le" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
def rd(p):                                  # one DER INTEGER at p -> (value, next)
    assert d[p] == 2; n = d[p + 1]; return int.from_bytes(d[p + 2:p + 2 + n], "big"), p + 2 + n
assert d[0] == 0x30
r, p = rd(2); s, _ = rd(p)
open(sys.argv[2], "wb").write(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
open(sys.argv[3], "wb").write(r.to_bytes(32, "little") + s.to_bytes(32, "little"))
PY
for f in der be le; do
  check "sign --signature-in ECDSA ($f)" "$FWSEAL" sign --signature-in "$T/ec.$f" --pub "$T/ec_pub.pem" "$T/data.bin" -o "$T/ec_$f.bin"
  check "fwseal verify: detached ECDSA ($f)" "$FWSEAL" verify --raw "$T/ec_$f.bin" --trust "$T/ec_pub.pem"
  check "openssl CLI: detached ECDSA ($f)" sbv2_openssl_check "$T/ec_$f.bin" 0 "$T/ec_pub.pem"
done
same_file "$T/ec_der.bin" "$T/ec_be.bin" "DER and raw big-endian give the same image"
same_file "$T/ec_der.bin" "$T/ec_le.bin" "raw little-endian gives the same image"

# --append: a detached signature added to an image signed with a key file
check "second key" "$FWSEAL" keygen rsa3072 -o "$T/k2.pem" --pub "$T/k2_pub.pem"
check "digest of a signed image for --append" "$FWSEAL" sign --append --digest-out "$T/da.bin" "$T/rsa.bin"
check "--append digest equals the first signature's digest" cmp -s "$T/da.bin" "$T/d.bin"
openssl pkeyutl -sign -inkey "$T/k2.pem" -in "$T/da.bin" -out "$T/k2.sig" -pkeyopt digest:sha256 \
  -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:32 -pkeyopt rsa_mgf1_md:sha256
check "sign --append --signature-in" "$FWSEAL" sign --append --signature-in "$T/k2.sig" --pub "$T/k2_pub.pem" "$T/rsa.bin" -o "$T/rsa2.bin"
check "both blocks verify" "$FWSEAL" verify "$T/rsa2.bin" --trust "$T/rsa_pub.pem" --trust "$T/k2_pub.pem"
check "openssl CLI: appended detached block" sbv2_openssl_check "$T/rsa2.bin" 1 "$T/k2_pub.pem"

# ECDSA P-384 (SHA-384): --digest-out with its --pub writes the 48-byte SHA-384
# digest; the data is raw (no chip table applies to a data file)
check "P-384 service key" "$FWSEAL" keygen ecdsa-p384 -o "$T/ec384.pem" --pub "$T/ec384_pub.pem"
check "sign --digest-out --pub P-384" "$FWSEAL" sign --digest-out "$T/d384.bin" --pub "$T/ec384_pub.pem" "$T/data.bin"
expect_stdout "SHA-384" "says SHA-384 for a P-384 key"
check "the P-384 digest is 48 bytes" test "$(stat -c %s "$T/d384.bin")" = 48
want384=$(python3 -c 'import hashlib,sys; d=open(sys.argv[1],"rb").read(); d+=b"\xff"*((-len(d))%4096); print(hashlib.sha384(d).hexdigest())' "$T/data.bin")
check "P-384 digest = SHA-384 of the data padded to 4096" test "$(xxd -p -c 64 "$T/d384.bin")" = "$want384"
check "service signs ECDSA P-384" openssl pkeyutl -sign -inkey "$T/ec384.pem" -in "$T/d384.bin" -out "$T/ec384.der"
check "sign --signature-in (P-384, DER)" "$FWSEAL" sign --signature-in "$T/ec384.der" --pub "$T/ec384_pub.pem" "$T/data.bin" -o "$T/ec384.signed.bin"
check "fwseal verify: detached P-384" "$FWSEAL" verify --raw "$T/ec384.signed.bin" --trust "$T/ec384_pub.pem"

# refused: nothing written
expect_exit 1 "signature by another key: exit 1" "$FWSEAL" sign --signature-in "$T/k2.sig" --pub "$T/rsa_pub.pem" "$APP" -o "$T/bad1.bin"
expect_stderr "does not verify with the public key" "says the signature does not verify"
expect_exit 1 "right signature, wrong --pub: exit 1" "$FWSEAL" sign --signature-in "$T/rsa.sig" --pub "$T/k2_pub.pem" "$APP" -o "$T/bad2.bin"
head -c 10000 /dev/urandom >"$T/other.bin"
expect_exit 1 "signature over another image: exit 1" "$FWSEAL" sign --signature-in "$T/rsa.sig" --pub "$T/rsa_pub.pem" "$T/other.bin" -o "$T/bad3.bin"
cp "$T/ec.be" "$T/ec.flip"; flip_byte "$T/ec.flip" 40 0x01
expect_exit 1 "flipped ECDSA byte: exit 1" "$FWSEAL" sign --signature-in "$T/ec.flip" --pub "$T/ec_pub.pem" "$T/data.bin" -o "$T/bad4.bin"
expect_exit 1 "ECDSA signature for an RSA key: exit 1" "$FWSEAL" sign --signature-in "$T/ec.der" --pub "$T/rsa_pub.pem" "$APP" -o "$T/bad5.bin"
expect_stderr "RSA-3072 signature is 384 bytes" "says the RSA signature length"
: >"$T/empty.sig"
expect_exit 1 "empty signature file: exit 1" "$FWSEAL" sign --signature-in "$T/empty.sig" --pub "$T/ec_pub.pem" "$T/data.bin" -o "$T/bad6.bin"
check "no output file for any refused signature" sh -c "! ls '$T'/bad*.bin 2>/dev/null | grep -q ."
