#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 17: the one-pass release (`fwseal encrypt --sign-key`) is the path the
# docs lead with: `fwseal --help` shows it before the command list, `fwseal
# encrypt --help` puts it in the first usage line and the first example, and
# in README.md and docs/guide.md the first `fwseal encrypt` command is the
# one-pass one and comes before any `fwseal sign` (the two-step flow stays,
# after it). The two flows give containers that decrypt to the same padded
# image and a signature sector that verifies (PSS signatures are randomised,
# so the sectors themselves differ).
. "$(dirname "$0")/lib.sh"

"$FWSEAL" --help >"$T/top" 2>&1
awk '/^commands:/{exit} /fwseal encrypt --sign-key/{f=1} END{exit !f}' "$T/top" \
  && ok "fwseal --help shows encrypt --sign-key before the command list" \
  || fail "fwseal --help does not lead with encrypt --sign-key"

"$FWSEAL" encrypt --help >"$T/enc" 2>&1
head -1 "$T/enc" | grep -q -- '--sign-key' && ok "encrypt --help: first usage line has --sign-key" \
  || fail "encrypt --help usage" "$(head -1 "$T/enc")"
first_ex=$(awk '/^examples?:/{on=1; next} on && /fwseal /{print; exit}' "$T/enc")
case "$first_ex" in *"--sign-key"*) ok "encrypt --help: first example is the one-pass release" ;;
  *) fail "encrypt --help first example" "$first_ex" ;; esac

# First `fwseal encrypt` of a document's command blocks is one-pass and comes
# before its first `fwseal sign`.
doc_leads() { # NAME FILE
  python3 - "$2" <<'PY' >"$T/lead" 2>&1
import re, sys
text = open(sys.argv[1]).read()
cmds = [l.strip() for b in re.findall(r"```(?:sh|bash|shell)\n(.*?)```", text, re.S) for l in b.splitlines()]
enc = next((i for i, c in enumerate(cmds) if c.startswith("fwseal encrypt ")), None)
sign = next((i for i, c in enumerate(cmds) if c.startswith("fwseal sign ")), len(cmds))
if enc is None: sys.exit("no fwseal encrypt command")
if "--sign-key" not in cmds[enc]: sys.exit("first encrypt is not one-pass: " + cmds[enc])
if sign < enc: sys.exit("fwseal sign comes first: " + cmds[sign])
if not any(c.startswith("fwseal encrypt --pubkey") for c in cmds[enc + 1:]): sys.exit("the two-step flow is gone")
PY
  [ $? -eq 0 ] && ok "$1 leads with the one-pass release, two-step after it" || fail "$1" "$(cat "$T/lead")"
}
doc_leads README.md "$FWSEAL_ROOT/README.md"
doc_leads docs/guide.md "$FWSEAL_ROOT/docs/guide.md"

# One pass == sign then encrypt, once decrypted.
K=$V/secure_boot_v2/sb_rsa3072_key1.pem
P=$V/pre_encrypted/rsa
expect_exit 0 "one-pass release" "$FWSEAL" encrypt --sign-key "$K" --pubkey "$P/rsa_pub_key.pem" "$V/app/app_esp32c3_64k.bin" -o "$T/one.enc"
expect_exit 0 "two-step: sign" "$FWSEAL" sign --key "$K" "$V/app/app_esp32c3_64k.bin" -o "$T/s.bin"
expect_exit 0 "two-step: encrypt" "$FWSEAL" encrypt --pubkey "$P/rsa_pub_key.pem" "$T/s.bin" -o "$T/two.enc"
expect_exit 0 "decrypt one-pass" "$FWSEAL" decrypt --key "$P/rsa_priv_key.pem" "$T/one.enc" -o "$T/one.bin"
expect_exit 0 "decrypt two-step" "$FWSEAL" decrypt --key "$P/rsa_priv_key.pem" "$T/two.enc" -o "$T/two.bin"
n=$(stat -c %s "$T/s.bin")
[ "$(stat -c %s "$T/one.bin")" = "$n" ] && [ "$(stat -c %s "$T/two.bin")" = "$n" ] && ok "same length as fwseal sign's output" \
  || fail "lengths" "$(stat -c %s "$T/one.bin") $(stat -c %s "$T/two.bin") $n"
head -c $((n - 4096)) "$T/one.bin" >"$T/one.img"; head -c $((n - 4096)) "$T/s.bin" >"$T/s.img"
same_file "$T/one.img" "$T/s.img" "one-pass container holds the same padded image as fwseal sign writes"
expect_exit 0 "one-pass container verifies" "$FWSEAL" verify "$T/one.enc" --decrypt-key "$P/rsa_priv_key.pem" --trust "${K%.pem}_pub.pem"
