#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal mkimage + fwseal info: generated images, every app/ vector, signed
# vectors' signature blocks, hostile input and the CLI contract.
. "$(dirname "$0")/lib.sh"

have_py=0
command -v python3 >/dev/null 2>&1 && have_py=1

# jchecks FILE: queue checks of fields of the JSON report in FILE; stdin has
# lines "NAME<TAB>EXPR<TAB>WANT" (EXPR over d = the parsed object). All queued
# checks run in ONE python process at the end (jflush): python start-up is the
# slowest thing in this script.
_jn=0
jchecks() {
  _jn=$((_jn + 1))
  cp "$1" "$T/j.$_jn.json"
  while IFS= read -r line; do printf '%s\t%s\n' "$T/j.$_jn.json" "$line"; done >>"$T/jqueue"
}
jflush() {
  [ -s "$T/jqueue" ] || return 0
  local st name detail
  while IFS=$'\t' read -r st name detail; do
    if [ "$st" = OK ]; then ok "$name"; else fail "$name" "$detail"; fi
  done < <(python3 -S -c '
import json, sys
cache = {}
for line in open(sys.argv[1]).read().splitlines():
    if not line.strip(): continue
    f, name, expr, want = line.split("\t")
    try:
        if f not in cache: cache[f] = json.load(open(f))
        d = cache[f]
        got = str(eval(expr))
    except Exception as e:
        got = "exception %r" % e
    print(("OK\t%s\t" % name) if got == want else ("FAIL\t%s\t%s = %r, wanted %r" % (name, expr, got, want)))
' "$T/jqueue")
}
TAB=$'\t'

# ---- mkimage -> info --json -------------------------------------------------
check "mkimage esp32c3 64K" "$FWSEAL" mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 \
  --project fw_update_demo --size 64K -o "$T/c3.bin"
expect_exit 0 "info --json on mkimage output" "$FWSEAL" info --json "$T/c3.bin"
cp "$T/.out" "$T/c3.json"
if [ $have_py = 1 ]; then
  check "info --json is valid JSON (json.tool)" python3 -m json.tool "$T/c3.json"
  "$FWSEAL" info --json "$V/app/app_esp32c3_64k.bin" >"$T/vec.json"
  want_sha=$(head -c -32 "$T/c3.bin" | sha256sum | cut -d' ' -f1)
  jchecks "$T/c3.json" <<EOF
json valid=true${TAB}d["valid"]${TAB}True
json error null${TAB}d["error"]${TAB}None
json chip${TAB}d["header"]["chip"]${TAB}esp32c3
json chip_id${TAB}d["header"]["chip_id"]${TAB}5
json hash_appended${TAB}d["header"]["hash_appended"]${TAB}1
json version${TAB}d["app_desc"]["version"]${TAB}1.0.0
json project${TAB}d["app_desc"]["project_name"]${TAB}fw_update_demo
json secure_version${TAB}d["app_desc"]["secure_version"]${TAB}1
json idf_ver default${TAB}d["app_desc"]["idf_ver"]${TAB}v5.5.5
json magic_word${TAB}hex(d["app_desc"]["magic_word"])${TAB}0xabcd5432
json checksum valid${TAB}d["checksum"]["valid"]${TAB}True
json sha256 valid${TAB}d["sha256"]["valid"]${TAB}True
json sha256 = sha256(file[:-32])${TAB}d["sha256"]["computed"]${TAB}$want_sha
json image_length = file size${TAB}d["layout"]["image_length"]${TAB}$(stat -c %s "$T/c3.bin")
json unsigned: no signature sector${TAB}d["signature_sector"]${TAB}None
segment structure mirrors the vector${TAB}[s["type"] for s in d["segments"]]${TAB}['DROM', 'DRAM', 'IRAM', 'PADDING', 'IROM']
segment 0 data at image offset 0x20${TAB}d["segments"][0]["data_offset"]${TAB}32
flash segments congruent mod 64K${TAB}all(s["data_offset"] % 65536 == s["load_addr"] % 65536 for s in d["segments"] if s["type"] in ("DROM","IROM"))${TAB}True
same segment table as app_esp32c3_64k.bin${TAB}[(s["load_addr"], s["data_len"], s["file_offset"]) for s in d["segments"]] == [(s["load_addr"], s["data_len"], s["file_offset"]) for s in json.load(open("$T/vec.json"))["segments"]]${TAB}True
EOF
else
  ok "python3 absent: JSON field checks skipped"
fi

check "mkimage esp32s3 256K" "$FWSEAL" mkimage --chip esp32s3 --version 2.0.0-s3 --secure-version 3 \
  --project fw_update_demo_s3 --size 256K --idf-ver v5.4 -o "$T/s3.bin"
expect_exit 0 "info s3" "$FWSEAL" info "$T/s3.bin"
expect_stdout "chip: +esp32s3 \(id 9\)" "info names esp32s3"
expect_stdout "idf_ver: +v5.4" "--idf-ver recorded"
expect_stdout "^Result: valid" "s3 image valid"

# secure padding: image + SHA-256 end on a 64 KiB boundary (§1.6)
check "mkimage --secure-pad" "$FWSEAL" mkimage --chip esp32c3 --version 1.2.0-sb --secure-version 4 \
  --project fw_update_demo --size 128K --secure-pad -o "$T/pad.bin"
sz=$(stat -c %s "$T/pad.bin")
if [ $((sz % 65536)) -eq 0 ]; then ok "secure-padded image ends on a 64K boundary ($sz)"; else fail "secure pad" "size $sz"; fi
same_size=$(stat -c %s "$V/app/app_esp32c3_128k_sbpad.bin")
if [ "$sz" = "$same_size" ]; then ok "secure-padded size equals the vector's"; else fail "secure pad size" "$sz vs $same_size"; fi
expect_exit 0 "secure-padded image valid" "$FWSEAL" info "$T/pad.bin"
expect_stdout "PADDING" "secure pad adds a padding segment"

# determinism and payload derivation
check "mkimage again (same args)" "$FWSEAL" mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 \
  --project fw_update_demo --size 64K -o "$T/c3b.bin"
same_file "$T/c3.bin" "$T/c3b.bin" "mkimage is deterministic"
check "mkimage other version" "$FWSEAL" mkimage --chip esp32c3 --version 1.0.1 --secure-version 1 \
  --project fw_update_demo --size 64K -o "$T/c3v.bin"
if cmp -s <(tail -c +1024 "$T/c3.bin") <(tail -c +1024 "$T/c3v.bin"); then fail "payload differs per version"; else ok "payload differs per version"; fi
check "mkimage odd size" "$FWSEAL" mkimage --chip esp32c3 --version 1 --secure-version 0 --project p --size 1027 -o "$T/odd.bin"
expect_exit 0 "odd-size image valid" "$FWSEAL" info "$T/odd.bin"
check "mkimage large (7M)" "$FWSEAL" mkimage --chip esp32s3 --version big --secure-version 0 --project p --size 7M -o "$T/big.bin"
expect_exit 0 "7M image valid" "$FWSEAL" info "$T/big.bin"

# ---- usage errors -------------------------------------------------------------
expect_exit 0 "mkimage --help" "$FWSEAL" mkimage --help
expect_stdout "example" "mkimage --help has an example"
expect_stdout "Payload rule" "mkimage --help documents the payload rule"
expect_exit 2 "mkimage without args" "$FWSEAL" mkimage
expect_exit 2 "mkimage unsupported chip" "$FWSEAL" mkimage --chip esp8266 --version 1 --secure-version 1 --project p --size 64K -o "$T/x.bin"
expect_stderr "unsupported --chip" "unsupported chip named"
expect_exit 2 "mkimage bad size" "$FWSEAL" mkimage --chip esp32c3 --version 1 --secure-version 1 --project p --size lots -o "$T/x.bin"
expect_exit 2 "mkimage size too small" "$FWSEAL" mkimage --chip esp32c3 --version 1 --secure-version 1 --project p --size 100 -o "$T/x.bin"
expect_exit 2 "mkimage size too big" "$FWSEAL" mkimage --chip esp32c3 --version 1 --secure-version 1 --project p --size 64M -o "$T/x.bin"
expect_exit 2 "mkimage secure-version overflow" "$FWSEAL" mkimage --chip esp32c3 --version 1 --secure-version 4294967296 --project p --size 64K -o "$T/x.bin"
expect_exit 2 "mkimage version too long" "$FWSEAL" mkimage --chip esp32c3 --version 0123456789abcdef0123456789abcdef --secure-version 1 --project p --size 64K -o "$T/x.bin"
expect_exit 2 "mkimage unknown option" "$FWSEAL" mkimage --frob
expect_exit 2 "mkimage missing -o" "$FWSEAL" mkimage --chip esp32c3 --version 1 --secure-version 1 --project p --size 64K
[ -e "$T/x.bin" ] && fail "no output after usage errors" || ok "no output after usage errors"
expect_exit 3 "mkimage unwritable output" "$FWSEAL" mkimage --chip esp32c3 --version 1 --secure-version 1 --project p --size 64K -o "$T/nodir/x.bin"
mkdir -p "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" != 0 ]; then
  expect_exit 3 "mkimage read-only dir" "$FWSEAL" mkimage --chip esp32c3 --version 1 --secure-version 1 --project p --size 64K -o "$T/ro/x.bin"
fi
if ls "$T/nodir" "$T/ro"/* >/dev/null 2>&1; then fail "no partial file left"; else ok "no partial file left"; fi
expect_exit 0 "info --help" "$FWSEAL" info --help
expect_exit 2 "info without file" "$FWSEAL" info
expect_exit 2 "info unknown option" "$FWSEAL" info --bogus "$T/c3.bin"

# ---- every app/ vector ----------------------------------------------------------
while IFS=$'\t' read -r expect chip file sv ver proj sha; do
  case "$expect" in \#*|'') continue ;; esac
  if [ "$expect" = valid ]; then
    expect_exit 0 "vector $file valid" "$FWSEAL" info --json "$V/$file"
    if [ $have_py = 1 ]; then
      cp "$T/.out" "$T/v.json"
      jchecks "$T/v.json" <<EOF
vector $file chip${TAB}d["header"]["chip"]${TAB}$chip
vector $file secure_version${TAB}d["app_desc"]["secure_version"]${TAB}$sv
vector $file version${TAB}d["app_desc"]["version"]${TAB}$ver
vector $file project${TAB}d["app_desc"]["project_name"]${TAB}$proj
vector $file appended sha256 as appdesc.json${TAB}d["sha256"]["stored"] == json.load(open("$V/$file.appdesc.json"))["appended_sha256"]${TAB}True
vector $file all descriptor fields as appdesc.json${TAB}[d["app_desc"][k] for k in ("time","date","idf_ver","app_elf_sha256","min_efuse_blk_rev_full","max_efuse_blk_rev_full","mmu_page_size_log2")] == [json.load(open("$V/$file.appdesc.json"))["app_desc"][k] for k in ("time","date","idf_ver","app_elf_sha256","min_efuse_blk_rev_full","max_efuse_blk_rev_full","mmu_page_size_log2")]${TAB}True
vector $file header fields as appdesc.json${TAB}[d["header"][k] for k in ("segment_count","spi_mode","chip_id","min_chip_rev_full","max_chip_rev_full")] == [json.load(open("$V/$file.appdesc.json"))["header"][k] for k in ("segment_count","spi_mode","chip_id","min_chip_rev_full","max_chip_rev_full")]${TAB}True
EOF
    fi
  else
    expect_exit 1 "vector $file rejected" "$FWSEAL" info "$V/$file"
    lines=$(wc -l <"$T/.err")
    [ "$lines" -eq 1 ] && ok "vector $file: one error line" || fail "vector $file: one error line" "$lines lines"
  fi
done <"$V/app/cases.tsv"
"$FWSEAL" info "$V/app/neg_app_bad_magic.bin" >/dev/null 2>"$T/.err"; expect_stderr "bad magic" "bad image magic reason"
"$FWSEAL" info "$V/app/neg_app_bad_sha256.bin" >"$T/.out" 2>"$T/.err"; expect_stderr "SHA-256 does not match" "bad sha256 reason"
expect_stdout "Checksum: .* valid" "bad sha256: still prints the parsed image"
"$FWSEAL" info "$V/app/neg_app_byte_changed.bin" >/dev/null 2>"$T/.err"; expect_stderr "checksum mismatch" "byte changed reason"
"$FWSEAL" info "$V/app/neg_app_bad_appdesc_magic.bin" >/dev/null 2>"$T/.err"; expect_stderr "descriptor magic" "app desc magic reason"
"$FWSEAL" info "$V/app/neg_app_truncated.bin" >/dev/null 2>"$T/.err"; expect_stderr "truncated" "truncated reason"
expect_exit 1 "truncated: --json still emitted" "$FWSEAL" info --json "$V/app/neg_app_truncated.bin"
cp "$T/.out" "$T/tr.json"
[ $have_py = 1 ] && jchecks "$T/tr.json" <<EOF
truncated JSON says invalid${TAB}d["valid"]${TAB}False
EOF

# ---- signature sectors (espsecure-signed vectors) --------------------------------
while IFS=$'\t' read -r signed keys input alg digest; do
  case "$signed" in \#*|'') continue ;; esac
  expect_exit 0 "info $signed" "$FWSEAL" info --json "$V/$signed"
  [ $have_py = 1 ] || continue
  cp "$T/.out" "$T/s.json"
  {
    echo "$signed: signed-region digest${TAB}d['signature_sector']['signed_sha256']${TAB}$digest"
    i=0
    IFS=, read -ra ks <<<"$keys"
    for k in "${ks[@]}"; do
      want=$(awk -F'\t' -v k="$k" '$1==k {print $5}' "$V/secure_boot_v2/keys.tsv")
      echo "$signed: block $i key digest ($k)${TAB}d['signature_sector']['blocks'][$i]['key_digest']${TAB}$want"
      echo "$signed: block $i CRC${TAB}d['signature_sector']['blocks'][$i]['crc_valid']${TAB}True"
      echo "$signed: block $i image digest matches${TAB}d['signature_sector']['blocks'][$i]['image_digest_matches']${TAB}True"
      i=$((i + 1))
    done
    while [ $i -lt 3 ]; do
      echo "$signed: block $i erased${TAB}d['signature_sector']['blocks'][$i]['erased']${TAB}True"
      i=$((i + 1))
    done
  } >"$T/sig.checks"
  jchecks "$T/s.json" <"$T/sig.checks"
done <"$V/secure_boot_v2/signed.tsv"
"$FWSEAL" info "$V/secure_boot_v2/neg_sig_bad_crc.bin" >"$T/.out" 2>&1
expect_stdout "CRC INVALID" "bad CRC block shown as invalid"

# ---- encrypted container ---------------------------------------------------------
expect_exit 0 "info on an encrypted image" "$FWSEAL" info "$V/pre_encrypted/rsa/app_esp32c3_64k.enc.bin"
expect_stdout "ESP encrypted image" "encrypted container recognised"
expect_stdout "bin_size: +104784 \(matches the file\)" "encrypted container size field"
expect_exit 0 "info --json on an encrypted image" "$FWSEAL" info --json "$V/pre_encrypted/rsa/app_esp32c3_64k.enc.bin"
cp "$T/.out" "$T/enc.json"
[ $have_py = 1 ] && jchecks "$T/enc.json" <<EOF
encrypted JSON format${TAB}d["format"]${TAB}esp_encrypted_image
EOF
head -c 300 "$V/pre_encrypted/rsa/app_esp32c3_64k.enc.bin" >"$T/enc_trunc.bin"
expect_exit 1 "truncated encrypted header rejected" "$FWSEAL" info "$T/enc_trunc.bin"

# ---- hostile input ------------------------------------------------------------------
expect_exit 3 "missing file" "$FWSEAL" info "$T/does-not-exist.bin"
expect_stderr "does-not-exist.bin" "missing file named"
: >"$T/empty.bin"
expect_exit 1 "empty file" "$FWSEAL" info "$T/empty.bin"
head -c 5000 /dev/urandom >"$T/garbage.bin"
expect_exit 1 "garbage" "$FWSEAL" info "$T/garbage.bin"
expect_exit 3 "directory" "$FWSEAL" info "$T"
for n in 1 23 24 31 287 288 1000 50000 104783; do
  head -c $n "$T/c3.bin" >"$T/cut.bin"
  expect_exit 1 "truncated to $n bytes" "$FWSEAL" info "$T/cut.bin"
done
# oversized segment length, segment count 0 and 17, hash_appended 2
patch() { cp "$T/c3.bin" "$T/p.bin"; printf "$2" | dd of="$T/p.bin" bs=1 seek=$(($1)) conv=notrunc status=none; }
patch 0x1c '\xff\xff\xff\x00'; expect_exit 1 "segment length 16M-1 (unaligned)" "$FWSEAL" info "$T/p.bin"
patch 0x1c '\x00\x00\x00\x01'; expect_exit 1 "segment length 16M" "$FWSEAL" info "$T/p.bin"
patch 0x1c '\xfc\xff\xff\xff'; expect_exit 1 "segment length 4G" "$FWSEAL" info "$T/p.bin"
patch 0x1c '\x00\x00\xf0\x00'; expect_exit 1 "segment length beyond the file" "$FWSEAL" info "$T/p.bin"
patch 1 '\x00'; expect_exit 1 "zero segments" "$FWSEAL" info "$T/p.bin"
patch 1 '\x11'; expect_exit 1 "17 segments" "$FWSEAL" info "$T/p.bin"
patch 23 '\x02'; expect_exit 1 "hash_appended 2" "$FWSEAL" info "$T/p.bin"
# trailing bytes without a complete signature sector are reported, image still valid
cp "$T/c3.bin" "$T/tail.bin"; head -c 100 /dev/zero >>"$T/tail.bin"
expect_exit 0 "trailing bytes: image still valid" "$FWSEAL" info "$T/tail.bin"
expect_stdout "Trailing data: 100 bytes" "trailing bytes reported"
expect_exit 0 "info on an ECIES encrypted image" "$FWSEAL" info "$V/pre_encrypted/ecc/app_esp32c3_64k.enc.bin"
expect_stdout "scheme: +ecies-p256" "ECIES container recognised"
cp "$V/pre_encrypted/rsa/app_esp32c3_64k.enc.bin" "$T/enc_tail.bin"; printf 'x' >>"$T/enc_tail.bin"
expect_exit 1 "encrypted image with trailing bytes rejected" "$FWSEAL" info "$T/enc_tail.bin"

# ---- independent re-check of mkimage output (FORMATS §1, not our parser) -------------
# A few lines of python walk the segments, recompute the XOR checksum, the
# checksum position and the appended SHA-256, and check the descriptor magic
# and MMU page congruence of flash-mapped segments.
if [ $have_py = 1 ]; then
  while IFS=$'\t' read -r st name detail; do
    if [ "$st" = OK ]; then ok "$name"; else fail "$name" "$detail"; fi
  done < <(python3 -S -c '
import hashlib, struct, sys
for f in sys.argv[1:]:
    b = open(f, "rb").read()
    name = "independent check of " + f.rsplit("/", 1)[-1]
    try:
        assert b[0] == 0xE9, "magic"
        n = b[1]; assert 1 <= n <= 16, "segment count"
        assert b[23] == 1, "hash_appended"
        off, ck = 24, 0xEF
        for i in range(n):
            addr, ln = struct.unpack_from("<II", b, off); off += 8
            assert ln % 4 == 0, "segment length"
            if (0x3C000000 <= addr < 0x3E000000) or (0x42000000 <= addr < 0x44000000):
                assert off % 65536 == addr % 65536, "MMU congruence of segment %d" % i
            for x in b[off:off + ln]: ck ^= x
            off += ln
        c = (off + 1 + 15) // 16 * 16 - 1
        assert b[c] == ck, "checksum %02x != %02x" % (b[c], ck)
        assert b[c + 1:c + 33] == hashlib.sha256(b[:c + 1]).digest(), "appended SHA-256"
        assert len(b) == c + 33, "length"
        assert struct.unpack_from("<I", b, 0x20)[0] == 0xABCD5432, "descriptor magic"
        print("OK\t%s\t" % name)
    except AssertionError as e:
        print("FAIL\t%s\t%s" % (name, e))
' "$T/c3.bin" "$T/s3.bin" "$T/pad.bin" "$T/odd.bin" "$T/big.bin")
fi

# ---- mkimage -> sign (espsecure-compatible) -> info shows the block ----------------------
K1=$V/secure_boot_v2/sb_rsa3072_key1.pem
KE=$V/secure_boot_v2/sb_ecdsa256_key.pem
D1=$(awk -F'\t' '$1=="rsa3072_key1" {print $5}' "$V/secure_boot_v2/keys.tsv")
DE=$(awk -F'\t' '$1=="ecdsa256_key" {print $5}' "$V/secure_boot_v2/keys.tsv")
check "sign a secure-padded mkimage output (RSA)" "$FWSEAL" sign --key "$K1" "$T/pad.bin" -o "$T/pad.signed.bin"
expect_exit 0 "info on our signed image" "$FWSEAL" info "$T/pad.signed.bin"
expect_stdout "Signature sector at 0x30000" "sector right after the secure-padded image (no gap)"
expect_stdout "block 0: RSA-3072, valid, key digest $D1, image digest matches" "RSA block: key digest equals espsecure's"
check "sign an unpadded mkimage output (ECDSA)" "$FWSEAL" sign --no-chip-check --key "$KE" "$T/c3.bin" -o "$T/c3.signed.bin"
expect_exit 0 "info on the ECDSA-signed image" "$FWSEAL" info "$T/c3.signed.bin"
expect_stdout "block 0: ECDSA-P256, valid, key digest $DE, image digest matches" "ECDSA block: key digest equals espsecure's"
expect_stdout "Signature sector at 0x1a000" "sector at ALIGN_UP(E, 4096) for an unpadded image"

jflush
