#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every row of pre_encrypted/cases.tsv through `fwseal decrypt`: Espressif's
# images decrypt to the exact plaintext; negatives are rejected (exit 1) with
# a precise reason on stderr and no output file.
. "$(dirname "$0")/lib.sh"

# The reason each negative must give (by file name).
reason_for() {
  case "$1" in
    *neg_bad_magic*) echo "bad magic" ;;
    *neg_truncated_header*) echo "truncated header: 300 of 512" ;;
    *neg_truncated*|*neg_size_plus16*) echo "truncated body" ;;
    *neg_size_minus16*) echo "16 trailing bytes" ;;
    *neg_flip_server_pubkey*) echo "not a valid P-256 point" ;;
    *) echo "GCM tag mismatch" ;;
  esac
}

rows=0
while IFS=$'\t' read -r expect scheme enc priv pub plain; do
  case "$expect" in \#*|"") continue ;; esac
  rows=$((rows + 1))
  if [ "$scheme" = rsa ]; then key=(--key "$V/$priv"); else key=(--hmac-key "$V/${priv%priv_key.pem}hmac_key.bin"); fi
  out="$T/out.$rows"
  name="$scheme $(basename "$enc") with $(basename "${key[1]}")"
  if [ "$expect" = decrypts ]; then
    expect_exit 0 "$name decrypts" "$FWSEAL" decrypt "${key[@]}" "$V/$enc" -o "$out"
    same_file "$out" "$V/$plain" "$name gives the exact plaintext"
    perm=$(stat -c %a "$out" 2>/dev/null)
    [ "$perm" = 600 ] && ok "$name plaintext mode 0600" || fail "$name plaintext mode" "$perm"
  else
    expect_exit 1 "$name rejected" "$FWSEAL" decrypt "${key[@]}" "$V/$enc" -o "$out"
    expect_stderr "^fwseal: .*$(reason_for "$enc")" "$name: precise reason"
    [ "$(wc -l <"$T/.err")" -eq 1 ] && ok "$name: one stderr line" || fail "$name: one stderr line" "$(cat "$T/.err")"
    if [ -e "$out" ] || ls "$out".tmp.* "$(dirname "$out")/.$(basename "$out")".fwseal-tmp.* >/dev/null 2>&1; then fail "$name leaves no output" "$(ls "$out"*)"; else ok "$name leaves no output"; fi
  fi
done <"$V/pre_encrypted/cases.tsv"
[ "$rows" -eq 29 ] && ok "all 29 cases.tsv rows ran" || fail "cases.tsv rows" "$rows"

# The README's extra wrong-key case for ECIES, and the scheme mismatch hints.
expect_exit 1 "ecc image with wrong_device_hmac_key rejected" "$FWSEAL" decrypt --hmac-key "$V/pre_encrypted/ecc/wrong_device_hmac_key.bin" "$V/pre_encrypted/ecc/app_esp32c3_64k.enc.bin" -o "$T/w"
expect_stderr "GCM tag mismatch" "wrong HMAC key: tag mismatch reason"
expect_exit 1 "ECIES container with an RSA key refused" "$FWSEAL" decrypt --key "$V/pre_encrypted/rsa/rsa_priv_key.pem" "$V/pre_encrypted/ecc/one_1.enc.bin" -o "$T/w"
expect_stderr "ECIES-P256 container.*--hmac-key" "scheme mismatch explained"
expect_exit 1 "RSA container with an HMAC key refused" "$FWSEAL" decrypt --hmac-key "$V/pre_encrypted/ecc/device_hmac_key.bin" "$V/pre_encrypted/rsa/one_1.enc.bin" -o "$T/w"
expect_stderr "not an ECIES container" "RSA container with HMAC key explained"
[ -e "$T/w" ] && fail "no output after refusals" || ok "no output after refusals"

# Streaming from stdin works too.
expect_exit 0 "decrypt from stdin" sh -c "\"$FWSEAL\" decrypt --key \"$V/pre_encrypted/rsa/rsa_priv_key.pem\" - -o \"$T/stdin.out\" <\"$V/pre_encrypted/rsa/blob_1000.enc.bin\""
same_file "$T/stdin.out" "$V/pre_encrypted/plain/blob_1000.bin" "stdin decrypt exact"

# Usage errors.
expect_exit 2 "decrypt needs a key" "$FWSEAL" decrypt "$V/pre_encrypted/rsa/one_1.enc.bin" -o "$T/u"
expect_exit 2 "decrypt refuses both keys" "$FWSEAL" decrypt --key "$V/pre_encrypted/rsa/rsa_priv_key.pem" --hmac-key "$V/pre_encrypted/ecc/device_hmac_key.bin" "$V/pre_encrypted/rsa/one_1.enc.bin" -o "$T/u"
expect_exit 2 "decrypt refuses stdout" "$FWSEAL" decrypt --key "$V/pre_encrypted/rsa/rsa_priv_key.pem" "$V/pre_encrypted/rsa/one_1.enc.bin" -o -
expect_exit 0 "decrypt --help" "$FWSEAL" decrypt --help
expect_stdout "example:" "decrypt --help has an example"
expect_exit 0 "encrypt --help" "$FWSEAL" encrypt --help
expect_stdout "example:" "encrypt --help has an example"
expect_exit 3 "missing input is an I/O error" "$FWSEAL" decrypt --key "$V/pre_encrypted/rsa/rsa_priv_key.pem" "$T/nonexistent" -o "$T/u"
