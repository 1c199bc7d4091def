#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal encrypt -> fwseal decrypt round trips (RSA-3072 and ECIES-P256) for
# edge sizes; a flipped bit in any header field or in the body makes decrypt
# fail with no output (through the CLI for size 1 MiB + 3; the full
# size x position matrix runs in-process in tests/unit/test_enc_image.c);
# wrong key types are refused clearly.
. "$(dirname "$0")/lib.sh"
P=$V/pre_encrypted

# flips FILE OFFSET...: writes FILE.OFFSET copies, each with bit (OFFSET % 8)
# of the byte at OFFSET flipped (one process for all copies).
flips() {
  python3 - "$@" <<'PY'
import sys
src = sys.argv[1]; data = bytearray(open(src, "rb").read())
for pos in map(int, sys.argv[2:]):
    d = bytearray(data); d[pos] ^= 1 << (pos % 8)
    open(f"{src}.{pos}", "wb").write(d)
PY
}

for scheme in rsa ecies; do
  if [ $scheme = rsa ]; then pub=$P/rsa/rsa_pub_key.pem; key=(--key "$P/rsa/rsa_priv_key.pem")
  else pub=$P/ecc/device_pub_key.pem; key=(--hmac-key "$P/ecc/device_hmac_key.bin"); fi
  for size in 0 1 15 16 17 4095 4096 4097 1048579; do
    head -c "$size" /dev/urandom >"$T/p"
    "$FWSEAL" encrypt --pubkey "$pub" "$T/p" -o "$T/c" 2>"$T/.err" || { fail "$scheme $size encrypt" "$(cat "$T/.err")"; continue; }
    [ "$(stat -c %s "$T/c")" -eq $((size + 512)) ] && ok "$scheme $size: container is 512 + size bytes" || fail "$scheme $size container size"
    expect_exit 0 "$scheme $size decrypts" "$FWSEAL" decrypt "${key[@]}" "$T/c" -o "$T/d"
    same_file "$T/p" "$T/d" "$scheme $size round trip exact"
    rm -f "$T/d"
    # magic, key area (start, ECIES salt, ECIES zero area, end), iv, each
    # bin_size byte, tag, reserved, first/middle/last body byte.
    positions="0 5 70 150 387 388 403 404 405 406 407 408 423 424 511"
    [ "$size" -gt 0 ] && positions=$(echo $positions 512 $((512 + size / 2)) $((511 + size)) | tr " " "\n" | sort -nu | tr "\n" " ")
    case $size in 1048579) ;; *) continue ;; esac
    bad=0
    flips "$T/c" $positions
    for pos in $positions; do
      "$FWSEAL" decrypt "${key[@]}" "$T/c.$pos" -o "$T/d" 2>"$T/.err"
      rc=$?
      if [ $rc -ne 1 ] || [ -e "$T/d" ] || [ "$(wc -l <"$T/.err")" -ne 1 ]; then
        bad=1; fail "$scheme $size: flipped bit at $pos rejected" "exit $rc: $(cat "$T/.err")"
      fi
      rm -f "$T/d" "$T/c.$pos"
    done
    [ $bad -eq 0 ] && ok "$scheme $size: every flipped bit ($(echo $positions | wc -w) positions) rejected, no output"
  done
done

# The encryptor output is also what Espressif's format says (checked bytes).
head -c 100 /dev/urandom >"$T/p"
"$FWSEAL" encrypt --pubkey "$P/ecc/device_pub_key.pem" "$T/p" -o "$T/c"
[ "$(od -An -tx1 -N4 "$T/c" | tr -d ' ')" = cfb68807 ] && ok "magic bytes CF B6 88 07" || fail "magic bytes"
[ "$(od -An -tu4 -j404 -N4 --endian=little "$T/c" | tr -d ' ')" = 100 ] && ok "bin_size LE32" || fail "bin_size LE32"
[ "$(od -An -v -tx1 -j100 -N288 "$T/c" | tr -d ' \n' | tr -d 0)" = "" ] && ok "ECIES zero area" || fail "ECIES zero area"
[ "$(od -An -v -tx1 -j424 -N88 "$T/c" | tr -d ' \n' | tr -d 0)" = "" ] && ok "reserved zero" || fail "reserved zero"

# Streaming input from a pipe.
expect_exit 0 "encrypt from stdin" sh -c "head -c 5000 /dev/zero | \"$FWSEAL\" encrypt --pubkey \"$P/rsa/rsa_pub_key.pem\" - -o \"$T/pipe.enc\""
expect_exit 0 "decrypt the piped one" "$FWSEAL" decrypt --key "$P/rsa/rsa_priv_key.pem" "$T/pipe.enc" -o "$T/pipe.out"
[ "$(stat -c %s "$T/pipe.out")" = 5000 ] && ok "piped round trip size" || fail "piped round trip size"

# Wrong key types and sizes are refused clearly (exit 1, no output).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa2048.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$T/p384.pem" 2>/dev/null
openssl genpkey -algorithm ED25519 -out "$T/ed.pem" 2>/dev/null
expect_exit 1 "RSA-2048 refused" "$FWSEAL" encrypt --pubkey "$T/rsa2048.pem" "$T/p" -o "$T/x"
expect_stderr "RSA-2048 key.*RSA-3072 or EC P-256" "RSA-2048 reason"
expect_exit 1 "P-384 refused" "$FWSEAL" encrypt --pubkey "$T/p384.pem" "$T/p" -o "$T/x"
expect_stderr "other than P-256" "P-384 reason"
expect_exit 1 "Ed25519 refused" "$FWSEAL" encrypt --pubkey "$T/ed.pem" "$T/p" -o "$T/x"
expect_stderr "ED25519 key" "Ed25519 reason"
echo "not a key" >"$T/junk.pem"
expect_exit 1 "non-PEM refused" "$FWSEAL" encrypt --pubkey "$T/junk.pem" "$T/p" -o "$T/x"
expect_stderr "not a PEM public key" "non-PEM reason"
expect_exit 1 "RSA-2048 private key refused for decrypt" "$FWSEAL" decrypt --key "$T/rsa2048.pem" "$T/c" -o "$T/x"
expect_stderr "RSA-2048" "RSA-2048 decrypt reason"
head -c 31 /dev/urandom >"$T/hmac31"
expect_exit 1 "31-byte HMAC key refused" "$FWSEAL" decrypt --hmac-key "$T/hmac31" "$T/c" -o "$T/x"
expect_stderr "31 bytes: an ECIES device HMAC key must be 32 bytes" "31-byte HMAC reason"
[ -e "$T/x" ] && fail "no output after key refusals" || ok "no output after key refusals"
expect_exit 2 "encrypt refuses stdout" "$FWSEAL" encrypt --pubkey "$P/rsa/rsa_pub_key.pem" "$T/p" -o -

# One-pass sign + encrypt: the decrypted container is what `fwseal sign`
# writes (same data, padding and sector; only the randomized PSS signature
# and its CRC, block bytes 812..1199, differ).
A=$V/app/app_esp32c3_64k.bin SK=$V/secure_boot_v2/sb_rsa3072_key1.pem
expect_exit 0 "encrypt --sign-key" "$FWSEAL" encrypt --sign-key "$SK" --pubkey "$P/ecc/device_pub_key.pem" "$A" -o "$T/se.bin"
expect_exit 0 "decrypt the signed+encrypted image" "$FWSEAL" decrypt --hmac-key "$P/ecc/device_hmac_key.bin" "$T/se.bin" -o "$T/sd.bin"
expect_exit 0 "fwseal sign of the same input" "$FWSEAL" sign --key "$SK" "$A" -o "$T/s1.bin"
sz=$(stat -c %s "$T/s1.bin"); sec=$((sz - 4096))
[ "$(stat -c %s "$T/sd.bin")" = "$sz" ] && ok "same length as fwseal sign output" || fail "signed+encrypted length"
cmp -s -n $((sec + 812)) "$T/s1.bin" "$T/sd.bin" && ok "image, padding and block header/key identical" || fail "prefix differs"
cmp -s -i $((sec + 1200)) "$T/s1.bin" "$T/sd.bin" && ok "rest of the sector identical" || fail "sector tail differs"
expect_exit 1 "--sign-key with a P-384 key refused" "$FWSEAL" encrypt --sign-key "$T/p384.pem" --pubkey "$P/ecc/device_pub_key.pem" "$A" -o "$T/x"
expect_exit 2 "at most 3 --sign-key" "$FWSEAL" encrypt --sign-key "$SK" --sign-key "$SK" --sign-key "$SK" --sign-key "$SK" --pubkey "$P/ecc/device_pub_key.pem" "$A" -o "$T/x"

# bin_size is LE32: a 4 GiB input is refused up front (sparse file, not read).
truncate -s 4G "$T/big4g"
expect_exit 1 "4 GiB input refused" "$FWSEAL" encrypt --pubkey "$P/rsa/rsa_pub_key.pem" "$T/big4g" -o "$T/x4"
expect_stderr "too large, bin_size is 32-bit" "4 GiB reason"
rm -f "$T/big4g"
