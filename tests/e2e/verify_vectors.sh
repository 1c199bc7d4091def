#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal verify / digest against espsecure's vectors (secure_boot_v2/cases.tsv,
# keys.tsv): every case with --trust PUB.pem and with --trust-digest, wrong and
# revoked keys, negative vectors with their reason, trust anchor rules,
# anti-rollback, chip, JSON report.
. "$(dirname "$0")/lib.sh"
SB=$V/secure_boot_v2

declare -A DIGEST
while IFS=$'\t' read -r name scheme priv pub digest; do
  case $name in '#'*|'') continue ;; esac
  DIGEST[$name]=$digest
  check "digest $name (private key) = keys.tsv" "$FWSEAL" digest "$V/$priv"
  expect_stdout "^$digest\$" "digest $name private: value"
  check "digest $name (public key) -o" "$FWSEAL" digest "$V/$pub" -o "$T/$name.digest.bin"
  expect_stdout "^$digest\$" "digest $name public: value"
  same_file "$T/$name.digest.bin" "$V/${priv%.pem}.digest.bin" "digest $name -o equals espsecure's .digest.bin"
done <"$SB/keys.tsv"

wrong_for() { case $1 in ecdsa*) echo ecdsa256_wrong ;; *) echo rsa3072_wrong ;; esac; }
pub_of() { grep -P "^$1\t" "$SB/keys.tsv" | cut -f4; }

while IFS=$'\t' read -r expect file pub key; do
  case $expect in '#'*|'') continue ;; esac
  want=$([ "$expect" = valid ] && echo 0 || echo 1)
  b=$(basename "$file")
  expect_exit "$want" "$b with $key (--trust): $expect" "$FWSEAL" verify "$V/$file" --trust "$V/$pub"
  expect_exit "$want" "$b with $key (--trust-digest): $expect" "$FWSEAL" verify "$V/$file" --trust-digest "${DIGEST[$key]}"
  if [ "$expect" = valid ]; then
    expect_exit 1 "$b with $key revoked: rejected" "$FWSEAL" verify "$V/$file" --trust "$V/$pub" --revoked-digest "${DIGEST[$key]}"
    expect_stderr "revoked" "$b revoked: reason"
    w=$(wrong_for "$key")
    expect_exit 1 "$b with $w only: rejected" "$FWSEAL" verify "$V/$file" --trust "$V/$(pub_of "$w")"
    expect_stderr "signature.trusted: .*(not trusted|block 1 format: CRC mismatch)" "$b wrong key: reason"
    expect_exit 0 "$b with $key among other anchors: valid" "$FWSEAL" verify "$V/$file" \
      --trust-digest "${DIGEST[$w]}" --trust "$V/$pub"
  else
    [ -s "$T/.err" ] && [ "$(wc -l <"$T/.err")" -eq 1 ] && ok "$b with $key: one-line error" || fail "$b with $key: one-line error" "$(cat "$T/.err")"
  fi
done <"$SB/cases.tsv"

# Negative vectors: rejected for the right reason (first failing check on stderr).
reason() {
  expect_exit 1 "$1 rejected" "$FWSEAL" verify "$SB/$1" --trust "$SB/sb_rsa3072_key1_pub.pem" --trust "$SB/sb_ecdsa256_key_pub.pem"
  expect_stderr "$2" "$1: reason matches /$2/"
}
reason neg_sig_bad_crc.bin "sector.blocks: .*CRC mismatch"
reason neg_sig_block_modified_crc_stale.bin "sector.blocks: .*CRC mismatch"
reason neg_sig_bad_magic.bin "sector.blocks: .*bad magic 0xe8"
reason neg_sig_bad_version.bin "sector.blocks: .*unknown version 0x07"
reason neg_sig_signature_flipped.bin "signature.trusted: .*RSA-3072 signature does not verify"
reason neg_ecdsa256_signature_flipped.bin "signature.trusted: .*ECDSA-P256 signature does not verify"
reason neg_sig_digest_field_modified.bin "signature.trusted: .*image digest mismatch"
reason neg_image_byte_changed.bin "image.checksum: checksum mismatch"
reason neg_image_appdesc_changed.bin "image.checksum: checksum mismatch"
reason neg_image_last_byte_changed.bin "image.sha256: .*does not match"
reason neg_truncated.bin "file.length: 200688 bytes is not a multiple of 4096"
reason neg_sig_sector_erased.bin "sector.blocks: no signature block: .*erased"
# a block carrying a trusted key but a bad CRC is skipped, never trusted
expect_exit 1 "block 1 with bad CRC is not used for key2" "$FWSEAL" verify "$SB/neg_2keys_block1_bad_crc.bin" --trust "$SB/sb_rsa3072_key2_pub.pem"
expect_stderr "block 1 format: CRC mismatch" "bad-CRC block: reason names block 1"
# unsigned app images are not signed images
expect_exit 1 "unsigned unaligned app rejected" "$FWSEAL" verify "$V/app/app_esp32c3_64k.bin" --trust "$SB/sb_rsa3072_key1_pub.pem"
expect_stderr "file.length" "unsigned app: reason"
expect_exit 1 "unsigned aligned app rejected" "$FWSEAL" verify "$V/app/app_esp32c3_128k_sbpad.bin" --trust "$SB/sb_rsa3072_key1_pub.pem"
expect_stderr "image.sector_offset" "unsigned aligned app: reason"

# Trust anchors
S1=$SB/signed_rsa_1key.bin
expect_exit 1 "no trust anchor: rejected" "$FWSEAL" verify "$S1"
expect_stderr "trust.anchor: .*embedded in the image, which is not trusted" "no trust anchor: reason"
expect_exit 0 "--allow-untrusted: accepted" "$FWSEAL" verify "$S1" --allow-untrusted
expect_stdout "embedded key only" "--allow-untrusted: says so"
expect_exit 1 "--allow-untrusted still checks the signature" "$FWSEAL" verify "$SB/neg_sig_signature_flipped.bin" --allow-untrusted
expect_exit 0 "trust a private key file" "$FWSEAL" verify "$S1" --trust "$SB/sb_rsa3072_key1.pem"
expect_exit 2 "bad --trust-digest is a usage error" "$FWSEAL" verify "$S1" --trust-digest abcd
expect_exit 3 "missing --trust file is an I/O error" "$FWSEAL" verify "$S1" --trust "$T/nope.pem"
expect_exit 3 "missing image is an I/O error" "$FWSEAL" verify "$T/nope.bin" --trust "$SB/sb_rsa3072_key1_pub.pem"
expect_stderr "^fwseal: $T/nope.bin: No such file" "missing image: one line naming the file"

check "verify - reads the image from stdin" bash -c '"$1" verify - --trust "$2" <"$3"' _ "$FWSEAL" "$SB/sb_rsa3072_key1_pub.pem" "$S1"
expect_exit 1 "stdin: tampered image rejected" bash -c '"$1" verify - --trust "$2" <"$3"' _ "$FWSEAL" "$SB/sb_rsa3072_key1_pub.pem" "$SB/neg_image_byte_changed.bin"

# Anti-rollback and chip (signed_rsa_1key: esp32c3, secure_version 4)
expect_exit 0 "min secure version 4 ok" "$FWSEAL" verify "$S1" --trust "$SB/sb_rsa3072_key1_pub.pem" --min-secure-version 4
expect_exit 1 "min secure version 5 rejected" "$FWSEAL" verify "$S1" --trust "$SB/sb_rsa3072_key1_pub.pem" --min-secure-version 5
expect_stderr "image.secure_version: secure_version 4 below the anti-rollback floor 5" "rollback: reason"
expect_exit 0 "chip esp32c3 ok" "$FWSEAL" verify "$S1" --trust "$SB/sb_rsa3072_key1_pub.pem" --chip esp32c3
expect_exit 1 "chip esp32s3 rejected" "$FWSEAL" verify "$S1" --trust "$SB/sb_rsa3072_key1_pub.pem" --chip esp32s3
expect_stderr "image.chip: image is for chip esp32c3" "chip: reason"
expect_exit 1 "ECDSA image for an RSA-only chip (esp32c3) rejected" "$FWSEAL" verify "$SB/signed_ecdsa256.bin" --trust "$SB/sb_ecdsa256_key_pub.pem" --chip esp32c3
expect_stderr "esp32c3 does not verify ECDSA-P256" "chip scheme: reason"
expect_exit 2 "unknown chip is a usage error" "$FWSEAL" verify "$S1" --chip esp99

# JSON report: valid JSON, every check with stable fields
"$FWSEAL" verify "$SB/signed_rsa_2keys.bin" --trust "$SB/sb_rsa3072_key2_pub.pem" --json >"$T/ok.json" 2>/dev/null
"$FWSEAL" verify "$SB/neg_sig_signature_flipped.bin" --trust "$SB/sb_rsa3072_key1_pub.pem" --json --chip esp32c3 \
  --min-secure-version 1 >"$T/bad.json" 2>/dev/null
check "JSON reports are valid and complete" python3 - "$T/ok.json" "$T/bad.json" <<'PY'
import json, sys
ok, bad = (json.load(open(p)) for p in sys.argv[1:3])
for doc in (ok, bad):
    assert set(doc) == {"file", "valid", "first_failure", "error", "checks"}, doc.keys()
    for c in doc["checks"]:
        assert set(c) == {"name", "result", "required", "detail"} and c["result"] in ("pass", "fail", "skip"), c
names = lambda d: [c["name"] for c in d["checks"]]
res = lambda d, n: next(c["result"] for c in d["checks"] if c["name"] == n)
assert ok["valid"] is True and ok["first_failure"] is None and ok["error"] is None
for n in ("file.length", "image.header", "image.checksum", "image.sha256", "image.app_desc", "sector.blocks",
          "block0.signature", "block1.signature", "signature.trusted", "trust.anchor"):
    assert n in names(ok), n
assert res(ok, "block0.key_trusted") == "fail" and res(ok, "block1.key_trusted") == "pass"
assert bad["valid"] is False and bad["first_failure"] == "signature.trusted"
assert res(bad, "block0.signature") == "fail" and res(bad, "image.chip") == "pass"
assert res(bad, "image.secure_version") == "pass"
PY
