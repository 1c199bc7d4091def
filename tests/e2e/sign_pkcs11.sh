#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Signing through PKCS#11 (issue 16): a SoftHSM2 token made by this script in
# its temporary directory (SOFTHSM2_CONF), RSA-3072 and P-256 key pairs
# generated INSIDE the token (pkcs11-tool, sensitive, not extractable), used
# through --key pkcs11:... by sign, encrypt --sign-key, digest and pubkey.
# Every signature is checked by `fwseal verify --trust` with the public key
# read from the token, and independently with the openssl CLI. Failures: a
# wrong PIN, a missing object, a missing module, a bad URI; no PIN ever
# appears in any output.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/_sbv2_openssl.sh"
MOD=/usr/lib/softhsm/libsofthsm2.so
for tool in softhsm2-util pkcs11-tool; do
  command -v $tool >/dev/null || { fail "$tool installed (make deps: softhsm2, opensc)"; exit 1; }
done
[ -f "$MOD" ] || { fail "SoftHSM2 module $MOD (make deps: softhsm2)"; exit 1; }

PIN=735291 SOPIN=51836402 WRONG=999000
ALL=$T/all-output.log
# c NAME CMD / x CODE NAME CMD: check / expect_exit, outputs kept for the PIN grep.
c() { check "$@"; cat "$T/.out" "$T/.err" >>"$ALL"; }
x() { expect_exit "$@"; cat "$T/.out" "$T/.err" >>"$ALL"; }

mkdir -p "$T/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$T/tokens" >"$T/softhsm2.conf"
export SOFTHSM2_CONF=$T/softhsm2.conf
check "softhsm2-util creates a token in the temporary directory" \
  softhsm2-util --init-token --free --label fwseal-release --so-pin "$SOPIN" --pin "$PIN"
p11() { pkcs11-tool --module "$MOD" --token-label fwseal-release --login --pin "$PIN" "$@"; }
check "RSA-3072 key pair generated inside the token" \
  p11 --keypairgen --key-type rsa:3072 --label fw-rsa --id 01 --sensitive --usage-sign
check "P-256 key pair generated inside the token" \
  p11 --keypairgen --key-type EC:prime256v1 --label fw-ec --id 02 --sensitive --usage-sign
p11 --list-objects --type privkey >"$T/objs" 2>&1
check "private keys are sensitive (never leave the token)" grep -q "sensitive" "$T/objs"

echo "$PIN" >"$T/pin.txt"
APP=$T/app.bin
c "app image" "$FWSEAL" mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project p11 --size 40K -o "$APP"
DATA=$T/app_s3.bin
# mkimage makes esp32c3/esp32s3 images, whose ROMs verify RSA only: the ECDSA
# key signs a plain file (verified with --raw)
head -c 50000 /dev/urandom >"$DATA"
URSA="pkcs11:token=fwseal-release;object=fw-rsa;type=private?pin-source=file:$T/pin.txt"
UEC="pkcs11:token=fwseal-release;object=fw-ec?pin-source=env:FW_PIN"
export FW_PIN=$PIN

# public keys exported from the token (the private keys never are)
c "pubkey of the RSA key on the token" "$FWSEAL" pubkey "$URSA" --pkcs11-module "$MOD" -o "$T/rsa_pub.pem"
c "pubkey of the EC key on the token (module from FWSEAL_PKCS11_MODULE)" env FWSEAL_PKCS11_MODULE="$MOD" "$FWSEAL" pubkey "$UEC" -o "$T/ec_pub.pem"
c "exported RSA public key is RSA-3072" sh -c "openssl pkey -pubin -in '$T/rsa_pub.pem' -text -noout | grep -q '3072 bit'"
c "digest of the token key" "$FWSEAL" digest "$URSA" --pkcs11-module "$MOD"
tok_digest=$(cat "$T/.out")
c "digest of the exported public key" "$FWSEAL" digest "$T/rsa_pub.pem"
check "token digest equals the public key file's" test "$tok_digest" = "$(cat "$T/.out")"

# sign: RSA-3072 (CKM_RSA_PKCS_PSS over the local digest)
c "sign with the RSA key on the token" "$FWSEAL" sign --key "$URSA" --pkcs11-module "$MOD" "$APP" -o "$T/rsa.bin"
c "fwseal verify --trust (exported public key): RSA token signature" "$FWSEAL" verify "$T/rsa.bin" --trust "$T/rsa_pub.pem" --chip esp32c3
c "openssl CLI verifies the RSA token signature" sbv2_openssl_check "$T/rsa.bin" 0 "$T/rsa_pub.pem"
# ECDSA P-256 (CKM_ECDSA over the local digest: r||s -> block encoding)
c "sign with the P-256 key on the token" env FWSEAL_PKCS11_MODULE="$MOD" "$FWSEAL" sign --key "$UEC" "$DATA" -o "$T/ec.bin"
c "fwseal verify --trust: ECDSA token signature" "$FWSEAL" verify --raw "$T/ec.bin" --trust "$T/ec_pub.pem"
c "openssl CLI verifies the ECDSA token signature" sbv2_openssl_check "$T/ec.bin" 0 "$T/ec_pub.pem"
# id= instead of object= (percent-encoded CKA_ID), two token keys of one scheme
# is not possible here; --append a token signature to a file-key signature
c "file key for a second block" "$FWSEAL" keygen rsa3072 -o "$T/file.pem" --pub "$T/file_pub.pem"
c "sign with a key file" "$FWSEAL" sign --key "$T/file.pem" "$APP" -o "$T/one.bin"
c "--append a token signature (id=%01)" "$FWSEAL" sign --append --key "pkcs11:token=fwseal-release;id=%01?pin-source=env:FW_PIN" \
  --pkcs11-module "$MOD" "$T/one.bin" -o "$T/two.bin"
c "both blocks verify" "$FWSEAL" verify "$T/two.bin" --trust "$T/file_pub.pem" --trust "$T/rsa_pub.pem"
c "openssl CLI verifies the appended token block" sbv2_openssl_check "$T/two.bin" 1 "$T/rsa_pub.pem"

# two keys of one token in one sector (one module loaded twice, one login)
check "second RSA-3072 key pair inside the token" \
  p11 --keypairgen --key-type rsa:3072 --label fw-rsa2 --id 03 --sensitive --usage-sign
URSA2="pkcs11:token=fwseal-release;object=fw-rsa2?pin-source=env:FW_PIN"
c "pubkey of the second token key" "$FWSEAL" pubkey "$URSA2" --pkcs11-module "$MOD" -o "$T/rsa2_pub.pem"
c "sign with two token keys at once" "$FWSEAL" sign --key "$URSA" --key "$URSA2" --pkcs11-module "$MOD" "$APP" -o "$T/twotok.bin"
c "openssl CLI: block 0 (first token key)" sbv2_openssl_check "$T/twotok.bin" 0 "$T/rsa_pub.pem"
c "openssl CLI: block 1 (second token key)" sbv2_openssl_check "$T/twotok.bin" 1 "$T/rsa2_pub.pem"
c "fwseal verify trusts either token key" "$FWSEAL" verify "$T/twotok.bin" --trust "$T/rsa2_pub.pem"

# encrypt --sign-key pkcs11:... (one pass), checked by decrypting verify
c "device key" "$FWSEAL" keygen rsa3072 -o "$T/dev.pem" --pub "$T/dev_pub.pem"
c "encrypt --sign-key with the token key" "$FWSEAL" encrypt --sign-key "$URSA" --pkcs11-module "$MOD" \
  --pubkey "$T/dev_pub.pem" "$APP" -o "$T/app.enc.bin"
c "the encrypted release verifies with the token's public key" "$FWSEAL" verify "$T/app.enc.bin" \
  --decrypt-key "$T/dev.pem" --trust "$T/rsa_pub.pem"

# hash-and-sign fallback: a token without the digest-input mechanisms gets
# CKM_SHA256_RSA_PKCS_PSS and the signed region through C_SignUpdate
c "hash-and-sign fallback (CKM_SHA256_RSA_PKCS_PSS, data streamed)" env FWSEAL_TEST_P11_HASH_AND_SIGN=1 \
  "$FWSEAL" sign --key "$URSA" --pkcs11-module "$MOD" "$APP" -o "$T/hs.bin"
c "fallback signature verifies (fwseal)" "$FWSEAL" verify "$T/hs.bin" --trust "$T/rsa_pub.pem"
c "fallback signature verifies (openssl)" sbv2_openssl_check "$T/hs.bin" 0 "$T/rsa_pub.pem"
c "hash-and-sign fallback in encrypt --sign-key" env FWSEAL_TEST_P11_HASH_AND_SIGN=1 "$FWSEAL" encrypt --sign-key "$URSA" \
  --pkcs11-module "$MOD" --pubkey "$T/dev_pub.pem" "$APP" -o "$T/hs.enc.bin"
c "encrypted fallback release verifies" "$FWSEAL" verify "$T/hs.enc.bin" --decrypt-key "$T/dev.pem" --trust "$T/rsa_pub.pem"
# SoftHSM2 has no CKM_ECDSA_SHA256: the EC key then has no mechanism at all
x 1 "no usable mechanism: refused, names the mechanisms and the token" env FWSEAL_TEST_P11_HASH_AND_SIGN=1 \
  "$FWSEAL" sign --key "$UEC" --pkcs11-module "$MOD" "$DATA" -o "$T/none.bin"
expect_stderr "token 'fwseal-release'.*CKM_ECDSA" "message names the token and the mechanisms"

# failures
echo "$WRONG" >"$T/wrong.txt"
x 1 "wrong PIN: exit 1" "$FWSEAL" sign --key "pkcs11:token=fwseal-release;object=fw-rsa?pin-source=file:$T/wrong.txt" \
  --pkcs11-module "$MOD" "$APP" -o "$T/w.bin"
expect_stderr "token 'fwseal-release' \(slot [0-9]+\), object 'fw-rsa'.*(CKR_PIN_INCORRECT|wrong)" "wrong PIN: message names token, slot and object"
check "wrong PIN: no output file" test ! -e "$T/w.bin"
x 1 "wrong pin-value in the URI: exit 1" "$FWSEAL" sign --key "pkcs11:token=fwseal-release;object=fw-rsa?pin-value=$WRONG" \
  --pkcs11-module "$MOD" "$APP" -o "$T/w.bin"
x 1 "missing object: exit 1" "$FWSEAL" sign --key "pkcs11:token=fwseal-release;object=no-such-key?pin-source=env:FW_PIN" \
  --pkcs11-module "$MOD" "$APP" -o "$T/w.bin"
expect_stderr "token 'fwseal-release'.*object 'no-such-key'.*no such private key" "missing object: named, with its token"
x 1 "missing token: exit 1" "$FWSEAL" pubkey "pkcs11:token=other;object=fw-rsa?pin-source=env:FW_PIN" --pkcs11-module "$MOD"
expect_stderr "no token 'other'" "missing token: named"
x 3 "missing module: exit 3" "$FWSEAL" sign --key "$URSA" --pkcs11-module "$T/no-such-module.so" "$APP" -o "$T/w.bin"
expect_stderr "no-such-module.so cannot be loaded" "missing module: named"
x 3 "missing module in encrypt --sign-key: exit 3" "$FWSEAL" encrypt --sign-key "$URSA" --pkcs11-module "$T/no-such-module.so" \
  --pubkey "$T/dev_pub.pem" "$APP" -o "$T/w.bin"
x 1 "wrong PIN in encrypt --sign-key: exit 1" "$FWSEAL" encrypt --sign-key "pkcs11:token=fwseal-release;object=fw-rsa?pin-source=file:$T/wrong.txt" \
  --pkcs11-module "$MOD" --pubkey "$T/dev_pub.pem" "$APP" -o "$T/w.bin"
x 3 "no module given: exit 3" env -u FWSEAL_PKCS11_MODULE "$FWSEAL" digest "$URSA"
expect_stderr "FWSEAL_PKCS11_MODULE" "no module: says how to give one"
x 3 "a file that is not a PKCS#11 module: exit 3" "$FWSEAL" digest "$URSA" --pkcs11-module /bin/true
x 1 "no PIN for a login token: exit 1" "$FWSEAL" sign --key "pkcs11:token=fwseal-release;object=fw-rsa" --pkcs11-module "$MOD" "$APP" -o "$T/w.bin"
expect_stderr "needs a PIN" "no PIN: says how to give one"
x 1 "misspelt URI attribute refused" "$FWSEAL" digest "pkcs11:token=fwseal-release;objcet=fw-rsa?pin-source=env:FW_PIN" --pkcs11-module "$MOD"
expect_stderr "unknown path attribute 'objcet'" "misspelt attribute named"
x 1 "bad percent-encoding refused" "$FWSEAL" digest "pkcs11:token=fwseal-release;object=fw%2" --pkcs11-module "$MOD"
c "percent-decoded label (fw%2Drsa)" "$FWSEAL" digest "pkcs11:token=fwseal%2Drelease;object=fw%2drsa?pin-source=env:FW_PIN" --pkcs11-module "$MOD"
check "percent-decoded URI names the same key" test "$(cat "$T/.out")" = "$tok_digest"
x 1 "object label with a control byte: refused" "$FWSEAL" digest "pkcs11:token=fwseal-release;object=a%0Ab?pin-source=env:FW_PIN" --pkcs11-module "$MOD"
expect_stderr "object 'a\?b'" "control byte shown as '?' in the message"
x 1 "non-numeric slot-id refused" "$FWSEAL" digest "pkcs11:slot-id=x;object=fw-rsa?pin-source=env:FW_PIN" --pkcs11-module "$MOD"
c "slot-id selects the token" "$FWSEAL" digest "pkcs11:slot-id=$(softhsm2-util --show-slots | awk '/^Slot [0-9]+/{s=$2} /Label: *fwseal-release/{print s; exit}');object=fw-rsa?pin-source=env:FW_PIN" --pkcs11-module "$MOD"
check "no output file after any failure" test ! -e "$T/w.bin" -a ! -e "$T/none.bin"

# the PIN (right or wrong) never appears in any output
if grep -qE "$PIN|$WRONG|$SOPIN" "$ALL"; then fail "no PIN in any output" "$(grep -nE "$PIN|$WRONG" "$ALL" | head -3)"
else ok "no PIN in any output ($(wc -l <"$ALL") lines checked)"; fi

# --help covers every key source (issue 16 acceptance: fwseal --help and the commands' help)
"$FWSEAL" --help >"$T/h.main"
for w in "pkcs11:" "--pkcs11-module" "FWSEAL_PKCS11_MODULE" "--pass env:VAR" "--digest-out" "--signature-in" "keygen --encrypt"; do
  check "fwseal --help mentions $w" grep -qF -- "$w" "$T/h.main"
done
"$FWSEAL" sign --help >"$T/h.sign"
for w in "pkcs11:" "--pkcs11-module" "--pass" "--digest-out" "--signature-in" "--pub" "--json" "big-endian"; do
  check "fwseal sign --help mentions $w" grep -qF -- "$w" "$T/h.sign"
done
for cmd in encrypt digest pubkey; do
  "$FWSEAL" $cmd --help >"$T/h.$cmd"
  check "fwseal $cmd --help mentions pkcs11: and --pass" sh -c "grep -qF 'pkcs11:' '$T/h.$cmd' && grep -qF -- '--pass' '$T/h.$cmd'"
done
"$FWSEAL" keygen --help >"$T/h.keygen"
check "fwseal keygen --help mentions --encrypt and --pass" sh -c "grep -qF -- '--encrypt' '$T/h.keygen' && grep -qF -- '--pass' '$T/h.keygen'"
