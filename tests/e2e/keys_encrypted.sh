#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Passphrase-protected key files (issue 16): keygen --encrypt writes PKCS#8
# encrypted PEM (AES-256-CBC, mode 0600) that OpenSSL reads; encrypted keys
# (ours and openssl's) sign with --pass env:VAR / file:PATH or a terminal
# prompt that does not echo; batch mode without --pass and a wrong passphrase
# are refused at once (exit 1, clear message, no output file); the
# passphrase never appears in any output.
. "$(dirname "$0")/lib.sh"
PASS='tr0ub4dor&3-horse' WRONGP='not-the-passphrase'
ALL=$T/all-output.log
c() { check "$@"; cat "$T/.out" "$T/.err" >>"$ALL"; }
x() { expect_exit "$@"; cat "$T/.out" "$T/.err" >>"$ALL"; }
printf '%s\n' "$PASS" >"$T/pass.txt"
printf '%s\n' "$WRONGP" >"$T/wrong.txt"
export KEYPASS=$PASS BADPASS=$WRONGP
APP=$T/app.bin
c "app image" "$FWSEAL" mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project enc --size 40K -o "$APP"

for t in rsa3072 ecdsa-p256; do
  c "keygen $t --encrypt --pass file:" "$FWSEAL" keygen $t --encrypt --pass "file:$T/pass.txt" -o "$T/$t.pem" --pub "$T/${t}_pub.pem"
  c "$t: PKCS#8 ENCRYPTED PRIVATE KEY" grep -q "^-----BEGIN ENCRYPTED PRIVATE KEY-----" "$T/$t.pem"
  c "$t: mode 0600" test "$(stat -c %a "$T/$t.pem")" = 600
  c "$t: openssl reads it with the passphrase" openssl pkey -in "$T/$t.pem" -passin "file:$T/pass.txt" -noout
  c "$t: AES-256-CBC" sh -c "openssl asn1parse -in '$T/$t.pem' | grep -q aes-256-cbc"
  x 1 "$t: openssl refuses a wrong passphrase" openssl pkey -in "$T/$t.pem" -passin "file:$T/wrong.txt" -noout
done
x 2 "keygen --encrypt without --pass in batch mode: usage error" "$FWSEAL" keygen rsa3072 --encrypt -o "$T/nopass.pem" </dev/null
check "no key file written" test ! -e "$T/nopass.pem"
x 2 "--encrypt is for signing keys only" "$FWSEAL" keygen flash-xts-128 --encrypt --pass env:KEYPASS -o "$T/x.key"

K=$T/rsa3072.pem
c "sign with --pass env:VAR" "$FWSEAL" sign --key "$K" --pass env:KEYPASS "$APP" -o "$T/s1.bin"
c "signed image verifies" "$FWSEAL" verify "$T/s1.bin" --trust "$T/rsa3072_pub.pem"
c "sign with --pass file:PATH" "$FWSEAL" sign --key "$K" --pass "file:$T/pass.txt" "$APP" -o "$T/s2.bin"
c "digest of an encrypted key" "$FWSEAL" digest "$K" --pass env:KEYPASS
d1=$(cat "$T/.out")
c "digest of its public key" "$FWSEAL" digest "$T/rsa3072_pub.pem"
check "same digest" test "$d1" = "$(cat "$T/.out")"
c "pubkey of an encrypted key" "$FWSEAL" pubkey "$K" --pass env:KEYPASS -o "$T/pub_again.pem"
same_file "$T/pub_again.pem" "$T/rsa3072_pub.pem" "pubkey equals keygen's --pub"
c "device key" "$FWSEAL" keygen rsa3072 -o "$T/dev.pem" --pub "$T/dev_pub.pem"
c "encrypt --sign-key ENCRYPTED --pass" "$FWSEAL" encrypt --sign-key "$K" --pass env:KEYPASS --pubkey "$T/dev_pub.pem" "$APP" -o "$T/a.enc"
c "the release verifies" "$FWSEAL" verify "$T/a.enc" --decrypt-key "$T/dev.pem" --trust "$T/rsa3072_pub.pem"

# an encrypted key made by openssl itself (PBES2 AES-256-CBC, scrypt too)
c "openssl genpkey -aes-256-cbc" openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-256-cbc \
  -pass "file:$T/pass.txt" -out "$T/ossl.pem"
c "openssl's encrypted key signs (plain file, --raw verify)" sh -c "head -c 9999 /dev/urandom >'$T/d.bin' && \
  '$FWSEAL' sign --key '$T/ossl.pem' --pass env:KEYPASS '$T/d.bin' -o '$T/s3.bin'"
c "its public key" openssl pkey -in "$T/ossl.pem" -passin "file:$T/pass.txt" -pubout -out "$T/ossl_pub.pem"
c "openssl-encrypted key's signature verifies" "$FWSEAL" verify --raw "$T/s3.bin" --trust "$T/ossl_pub.pem"

# refusals: no --pass in batch mode, wrong passphrase; no output, no retry
x 1 "batch mode without --pass: exit 1" "$FWSEAL" sign --key "$K" "$APP" -o "$T/f1.bin" </dev/null
expect_stderr "key is encrypted: give --pass" "says: key is encrypted: give --pass"
x 1 "wrong passphrase: exit 1" "$FWSEAL" sign --key "$K" --pass env:BADPASS "$APP" -o "$T/f2.bin" </dev/null
expect_stderr "wrong passphrase" "says: wrong passphrase"
check "wrong passphrase: one message, no retry" test "$(grep -c . "$T/.err")" = 1
x 1 "wrong passphrase from a file: exit 1" "$FWSEAL" digest "$K" --pass "file:$T/wrong.txt"
x 3 "--pass env: of an unset variable: exit 3" env -u NOPE "$FWSEAL" digest "$K" --pass env:NOPE
x 2 "--pass with a literal passphrase refused (usage)" "$FWSEAL" digest "$K" --pass "pass:$PASS"
check "no output file after a refusal" test ! -e "$T/f1.bin" -a ! -e "$T/f2.bin"

# interactive: the prompt appears on the terminal, the passphrase is not echoed
# tty_sign LOG OUT PASS: fwseal on a pseudo-terminal (script(1)); PASS is
# typed only once the prompt is on the screen (echo is off by then).
tty_sign() {
  rm -f "$T/ttyin"; mkfifo "$T/ttyin"
  script -qefc "'$FWSEAL' sign --key '$K' '$APP' -o '$2'" /dev/null <"$T/ttyin" >"$1" 2>&1 &
  local pid=$! i
  exec 7>"$T/ttyin"
  for i in $(seq 300); do grep -q "Passphrase for the key" "$1" && break; sleep 0.1; done
  printf '%s\n' "$3" >&7
  exec 7>&-
  wait $pid
}
if command -v script >/dev/null; then
  tty_sign "$T/tty.log" "$T/tty.bin" "$PASS"
  check "terminal prompt shown" grep -q "Passphrase for the key" "$T/tty.log"
  check "terminal prompt: signed with the typed passphrase" test -s "$T/tty.bin"
  check "terminal prompt: the passphrase is not echoed" sh -c "! grep -qF -e '$PASS' '$T/tty.log'"
  tty_sign "$T/tty2.log" "$T/tty2.bin" "$WRONGP"
  check "terminal, wrong passphrase: refused, no output" test ! -e "$T/tty2.bin"
  check "terminal, wrong passphrase: clear message" grep -q "wrong passphrase" "$T/tty2.log"
  check "terminal, wrong passphrase: asked once (no retry loop)" test "$(grep -c "Passphrase for the key" "$T/tty2.log")" = 1
  cat "$T/tty.log" "$T/tty2.log" >>"$ALL"
else
  fail "script(1) for the terminal prompt test (util-linux)"
fi

if grep -qF -e "$PASS" -e "$WRONGP" "$ALL"; then fail "no passphrase in any output" "$(grep -nF -e "$PASS" -e "$WRONGP" "$ALL" | head -3)"
else ok "no passphrase in any output ($(wc -l <"$ALL") lines checked)"; fi
