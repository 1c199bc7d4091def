#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal release (issue 19, host side): one shared body, one header per
# device, the signed manifest. RSA-3072: header_i + body is a stock ESP
# encrypted image of device i (byte-identical plaintext through fwseal
# decrypt, including a device holding the key Espressif's tool generated;
# one key, IV and tag per release, only the wrapped key differs) and the
# Espressif-made vectors still decrypt. ECIES-P256: FWSX shared headers
# decrypt per device; one ECIES device keeps the stock header. The manifest:
# its chunk table, fields, signature (fwseal verify), the device decision
# (fwseal manifest decide); seq, registry and input errors leave nothing.
. "$(dirname "$0")/lib.sh"
PE=$V/pre_encrypted
cd "$T" || exit 3

# ---- keys, image ------------------------------------------------------------
$FWSEAL keygen rsa3072 -o sign.pem --pub sign_pub.pem >/dev/null || { fail "keygen"; exit 1; }
$FWSEAL keygen ecdsa-p256 -o sign2.pem --pub sign2_pub.pem >/dev/null
$FWSEAL keygen ecdsa-p384 -o p384.pem --pub p384_pub.pem >/dev/null
$FWSEAL mkimage --chip esp32c3 --version 2.0.0 --secure-version 3 --project fleet_demo --size 100K -o app.bin >/dev/null
$FWSEAL sign --key sign.pem app.bin -o app.s.bin >/dev/null
mkdir keys
{ echo "id,pubkey"; for i in 1 2 3; do
    $FWSEAL keygen rsa3072 -o "keys/r$i.pem" --pub "keys/r${i}_pub.pem" >/dev/null
    echo "rsa-$i,keys/r${i}_pub.pem"; done
  echo "esp-key,$PE/rsa/rsa_pub_key.pem"; } >rsa.csv
{ echo "id,pubkey"; for i in 1 2; do
    $FWSEAL keygen ecies-p256 -o "keys/e$i.bin" --pub "keys/e${i}_pub.pem" >/dev/null
    echo "ecies-$i,keys/e${i}_pub.pem"; done; } >ecies.csv
printf 'id,pubkey\necies-1,keys/e1_pub.pem\n' >ecies1.csv
check "keys, registry and signed image" test -s app.s.bin -a -s keys/e2.bin -a -s rsa.csv

rel() { "$FWSEAL" release --image app.s.bin --sign-key sign.pem --issued 2026-01-01T00:00:00Z "$@"; }
mf_json() { "$FWSEAL" manifest show --json "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)$2)"; }

# ---- RSA-3072: stock containers ---------------------------------------------
expect_exit 0 "release for 4 RSA devices" rel --devices rsa.csv --out www --rollout 10 --group canary \
  --expires 2030-06-30T00:00:00Z --jobs 2
expect_stdout "released fleet_demo 2.0.0 \(seq 1\) for 4 device" "summary names project, version, seq, devices"
check "layout: manifest, body, one header per device" test -f www/manifest.fwm -a -f www/1/body.bin \
  -a -f www/1/hdr/rsa-1.hdr -a -f www/1/hdr/esp-key.hdr
[ "$(stat -c %s www/1/body.bin)" = "$(stat -c %s app.s.bin)" ] && ok "body is exactly the image length" || fail "body length"
[ "$(stat -c %s www/1/hdr/rsa-2.hdr)" = 512 ] && ok "a header is 512 bytes" || fail "header size"
for i in 1 2 3; do
  cat "www/1/hdr/rsa-$i.hdr" www/1/body.bin >"c$i.bin"
  expect_exit 0 "rsa-$i: header + body decrypts with the device key (fwseal decrypt)" \
    "$FWSEAL" decrypt --key "keys/r$i.pem" "c$i.bin" -o "p$i.bin"
  same_file app.s.bin "p$i.bin" "rsa-$i: plaintext is the signed image, byte for byte"
done
cat www/1/hdr/esp-key.hdr www/1/body.bin >cesp.bin
expect_exit 0 "device with Espressif's generated key: decrypts with rsa_priv_key.pem" \
  "$FWSEAL" decrypt --key "$PE/rsa/rsa_priv_key.pem" cesp.bin -o pesp.bin
same_file app.s.bin pesp.bin "  ... to the signed image"
expect_exit 1 "rsa-1's container does not open with rsa-2's key" "$FWSEAL" decrypt --key keys/r2.pem c1.bin -o x.bin
check "  ... and leaves no output" test ! -e x.bin
expect_exit 0 "a stock container per fwseal verify --header-only" "$FWSEAL" verify --header-only c1.bin
python3 - www/1/hdr/rsa-1.hdr www/1/hdr/rsa-2.hdr www/1/hdr/esp-key.hdr >hdrs.txt <<'PY'
import sys
h = [open(p, "rb").read() for p in sys.argv[1:]]
print("tail_same" if all(x[388:] == h[0][388:] for x in h) else "tail_differs")
print("keys_differ" if len({x[4:388] for x in h}) == len(h) else "keys_same")
print("magic" if all(x[:4] == b"\xcf\xb6\x88\x07" for x in h) else "nomagic")
PY
grep -qx tail_same hdrs.txt && ok "one IV, bin_size, tag per release: header bytes 388..511 identical" || fail "shared tail" "$(cat hdrs.txt)"
grep -qx keys_differ hdrs.txt && ok "only the wrapped key differs" || fail "key areas"
grep -qx magic hdrs.txt && ok "every header has the container magic" || fail "magic"

# ---- the Espressif-made vectors still decrypt --------------------------------
expect_exit 0 "vector rsa/app_esp32c3_64k.enc.bin decrypts" \
  "$FWSEAL" decrypt --key "$PE/rsa/rsa_priv_key.pem" "$PE/rsa/app_esp32c3_64k.enc.bin" -o v1.bin
same_file "$V/app/app_esp32c3_64k.bin" v1.bin "  ... to the vector app"
expect_exit 0 "vector ecc/app_esp32c3_64k.enc.bin decrypts" \
  "$FWSEAL" decrypt --hmac-key "$PE/ecc/device_hmac_key.bin" "$PE/ecc/app_esp32c3_64k.enc.bin" -o v2.bin
same_file "$V/app/app_esp32c3_64k.bin" v2.bin "  ... to the vector app"

# ---- manifest -----------------------------------------------------------------
expect_exit 0 "fwseal verify: manifest signed by the trusted key" "$FWSEAL" verify www/manifest.fwm --trust sign_pub.pem --chip esp32c3
expect_stdout "manifest.format +FWMF v1: fleet_demo 2.0.0, seq 1" "verify names the manifest"
expect_exit 1 "fwseal verify: another trust anchor is refused" "$FWSEAL" verify www/manifest.fwm --trust sign2_pub.pem
expect_exit 1 "fwseal verify --chip esp32s3 refuses an esp32c3 manifest" "$FWSEAL" verify www/manifest.fwm --trust sign_pub.pem --chip esp32s3
expect_stderr "manifest.chip" "  ... naming manifest.chip"
expect_exit 1 "fwseal verify --min-secure-version 4 refuses secure_version 3" "$FWSEAL" verify www/manifest.fwm --trust sign_pub.pem --min-secure-version 4
python3 - www/manifest.fwm <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[520] ^= 1; open("mf_chunk.fwm", "wb").write(d)        # a chunk hash: signature fails
d[520] ^= 1; d[18] = 0x11; d[19] = 0x27; open("mf_range.fwm", "wb").write(d)   # rollout 10001: decoder refuses
PY
expect_exit 1 "a tampered chunk hash fails the manifest signature" "$FWSEAL" verify mf_chunk.fwm --trust sign_pub.pem
expect_exit 1 "an out-of-range field is refused by the decoder" "$FWSEAL" verify mf_range.fwm --trust sign_pub.pem
expect_stderr "manifest.format" "  ... as manifest.format"
expect_exit 1 "manifest show refuses it too" "$FWSEAL" manifest show mf_range.fwm
expect_exit 1 "fwseal info too" "$FWSEAL" info mf_range.fwm
expect_exit 0 "fwseal info recognises a manifest" "$FWSEAL" info www/manifest.fwm
expect_stdout "fleet manifest FWMF v1" "  ... and says so"
[ "$(mf_json www/manifest.fwm "['seq']")" = 1 ] && ok "manifest seq 1" || fail "seq"
[ "$(mf_json www/manifest.fwm "['rollout_bp']")" = 1000 ] && ok "--rollout 10 is 1000 basis points" || fail "rollout_bp"
[ "$(mf_json www/manifest.fwm "['groups']")" = "['canary']" ] && ok "--group listed" || fail "groups"
[ "$(mf_json www/manifest.fwm "['expires']")" = 1909008000 ] && ok "--expires 2030-06-30T00:00:00Z" || fail "expires"
[ "$(mf_json www/manifest.fwm "['issued']")" = 1767225600 ] && ok "--issued 2026-01-01T00:00:00Z" || fail "issued"
[ "$(mf_json www/manifest.fwm "['secure_version']")" = 3 ] && ok "secure_version from the image" || fail "secure_version"
[ "$(mf_json www/manifest.fwm "['project']")/$(mf_json www/manifest.fwm "['version']")" = fleet_demo/2.0.0 ] &&
  ok "project and version from the image" || fail "project/version"
[ "$(mf_json www/manifest.fwm "['image_sha256']")" = "$(sha256_of app.s.bin)" ] && ok "image_sha256 of the signed image" || fail "image_sha256"
[ "$(mf_json www/manifest.fwm "['encryption']")" = rsa3072 ] && ok "encryption rsa3072" || fail "encryption"
[ "$(mf_json www/manifest.fwm "['header_path']")" = "1/hdr/{id}.hdr" ] && ok "header path pattern with {id}" || fail "header_path"
"$FWSEAL" manifest show --json --chunks www/manifest.fwm >mf.json
python3 - mf.json www/1/body.bin www/1/hdr/rsa-1.hdr <<'PY' >chunks.txt
import hashlib, json, sys
m = json.load(open(sys.argv[1])); body = open(sys.argv[2], "rb").read(); hdr = open(sys.argv[3], "rb").read()
cs = m["chunk_size"]; hs = m["chunk_sha256"]
ok = len(hs) == (len(body) + cs - 1) // cs and all(
    hashlib.sha256(body[i * cs:(i + 1) * cs]).hexdigest() == h for i, h in enumerate(hs))
print("chunks_ok" if ok else "chunks_bad")
print("ivtag_ok" if hdr[388:404].hex() == m["enc_iv"] and hdr[408:424].hex() == m["enc_tag"] else "ivtag_bad")
PY
grep -qx chunks_ok chunks.txt && ok "chunk table: SHA-256 of every ciphertext chunk of the body" || fail "chunk table"
grep -qx ivtag_ok chunks.txt && ok "manifest enc_iv / enc_tag are the headers'" || fail "iv/tag"

dec() { "$FWSEAL" manifest decide www/manifest.fwm --chip esp32c3 --rev 3 --project fleet_demo --version 1.0.0 \
        --secure-version 3 --now 2027-01-01T00:00:00Z "$@"; }
# rollout 10 %: find one id in and one out of it with the same bucket rule
for i in $(seq 1 60); do
  dec --id "dev-$i" >/dev/null 2>&1; r=$?
  [ $r = 0 ] && IN=dev-$i; [ $r = 4 ] && OUT=dev-$i
done
check "some devices are in the 10 % rollout, others not" test -n "${IN:-}" -a -n "${OUT:-}"
expect_exit 0 "decide: a device in the rollout accepts" dec --id "${IN:-x}"
expect_exit 4 "decide: a device outside the rollout has nothing to do" dec --id "${OUT:-x}"
expect_stdout "not-in-rollout" "  ... not-in-rollout"
expect_exit 0 "decide: a listed group is in whatever its bucket" dec --id "${OUT:-x}" --group canary
expect_exit 4 "decide: already running 2.0.0: up-to-date" "$FWSEAL" manifest decide www/manifest.fwm --id "${IN:-x}" \
  --chip esp32c3 --rev 3 --project fleet_demo --version 2.0.0 --secure-version 3 --now 2027-01-01T00:00:00Z
expect_stdout "up-to-date" "  ... up-to-date"
expect_exit 1 "decide: replayed (last seq 2)" dec --id "${IN:-x}" --last-seq 2
expect_stdout "replay" "  ... replay"
expect_exit 1 "decide: expired" "$FWSEAL" manifest decide www/manifest.fwm --id "${IN:-x}" --chip esp32c3 --rev 3 \
  --project fleet_demo --version 1.0.0 --secure-version 3 --now 2031-01-01T00:00:00Z
expect_exit 1 "decide: another chip" "$FWSEAL" manifest decide www/manifest.fwm --id "${IN:-x}" --chip esp32s3 --rev 3 \
  --project fleet_demo --version 1.0.0 --secure-version 3 --now 2027-01-01T00:00:00Z
expect_exit 1 "decide: eFuse secure_version above the manifest's" dec --id "${IN:-x}" --secure-version 4 2>/dev/null

# ---- seq ----------------------------------------------------------------------
expect_exit 0 "second release into the same directory" rel --devices rsa.csv --out www --expires 2030-06-30T00:00:00Z
[ "$(mf_json www/manifest.fwm "['seq']")" = 2 ] && ok "default seq = published + 1" || fail "seq 2"
check "the first release's files stay (devices mid-download)" test -f www/1/body.bin -a -f www/2/body.bin
expect_exit 1 "--seq 2 again: refused (not above the published seq)" rel --devices rsa.csv --out www --seq 2 --expires 2030-06-30T00:00:00Z
expect_stderr "replay" "  ... as a replay"
expect_exit 0 "--seq 10 jumps ahead" rel --devices rsa.csv --out www --seq 10 --expires 2030-06-30T00:00:00Z
[ "$(mf_json www/manifest.fwm "['body_path']")" = 10/body.bin ] && ok "body path names the seq" || fail "seq 10 body path"

# ---- restage: the next rollout stage, same body ---------------------------------------
cp -a www www_before
expect_exit 0 "restage to 50 %" "$FWSEAL" manifest restage www --sign-key sign.pem --rollout 50 --expires 2030-06-30T00:00:00Z
[ "$(mf_json www/manifest.fwm "['seq']")" = 11 ] && ok "  ... seq 10 -> 11" || fail "restage seq"
[ "$(mf_json www/manifest.fwm "['rollout_bp']")" = 5000 ] && ok "  ... rollout 5000" || fail "restage rollout"
[ "$(mf_json www/manifest.fwm "['body_path']")" = 10/body.bin ] && ok "  ... same body, nothing re-encrypted" || fail "restage body"
[ "$(mf_json www/manifest.fwm "['rollout_seed']")" = "$(mf_json www_before/manifest.fwm "['rollout_seed']")" ] &&
  ok "  ... same rollout seed (stages only add devices)" || fail "restage seed"
expect_exit 0 "  ... verifies" "$FWSEAL" verify www/manifest.fwm --trust sign_pub.pem
cat www/10/hdr/rsa-1.hdr www/10/body.bin >cr.bin
expect_exit 0 "  ... and the container of seq 10 still decrypts" "$FWSEAL" decrypt --key keys/r1.pem cr.bin -o pr.bin
cp www/manifest.fwm mf_50.fwm
expect_exit 1 "restage with a key the manifest is not signed by: refused" "$FWSEAL" manifest restage www --sign-key sign2.pem
same_file mf_50.fwm www/manifest.fwm "  ... (manifest unchanged)"
cmp -s www/manifest.fwm www_before/manifest.fwm && fail "restage changed nothing?" || ok "restaged manifest differs from the old one"
cp www/manifest.fwm mf_keep.fwm
python3 -c "import sys; p='www/10/body.bin'; d=bytearray(open(p,'rb').read()); d[5000]^=1; open(p,'wb').write(d)"
expect_exit 1 "restage over an altered body: refused" "$FWSEAL" manifest restage www --sign-key sign.pem --rollout 100
expect_stderr "chunk 1 does not match" "  ... naming the chunk"
same_file mf_keep.fwm www/manifest.fwm "  ... manifest unchanged"
python3 -c "import sys; p='www/10/body.bin'; d=bytearray(open(p,'rb').read()); d[5000]^=1; open(p,'wb').write(d)"
expect_exit 1 "restage --seq 11 (not above 11): refused" "$FWSEAL" manifest restage www --sign-key sign.pem --seq 11
expect_exit 0 "restage to 100 % with --no-groups" "$FWSEAL" manifest restage www --sign-key sign.pem --rollout 100 --no-groups --expires 2030-06-30T00:00:00Z
[ "$(mf_json www/manifest.fwm "['groups']")/$(mf_json www/manifest.fwm "['rollout_bp']")" = "[]/10000" ] && ok "  ... groups cleared, 100 %" || fail "restage 100"

# ---- ECIES-P256 -----------------------------------------------------------------
expect_exit 0 "release for 2 ECIES devices" rel --devices ecies.csv --out wec --expires 2030-06-30T00:00:00Z
[ "$(mf_json wec/manifest.fwm "['encryption']")" = ecies-p256-shared ] && ok "manifest: ecies-p256-shared" || fail "ecies scheme"
for i in 1 2; do
  cat "wec/1/hdr/ecies-$i.hdr" wec/1/body.bin >"e$i.bin"
  expect_exit 0 "ecies-$i: FWSX header + shared body decrypts with its HMAC key" "$FWSEAL" decrypt --hmac-key "keys/e$i.bin" "e$i.bin" -o "pe$i.bin"
  same_file app.s.bin "pe$i.bin" "ecies-$i: plaintext is the signed image"
done
expect_exit 1 "ecies-1's header does not open with ecies-2's key" "$FWSEAL" decrypt --hmac-key keys/e2.bin e1.bin -o x.bin
expect_stderr "wrapped content key" "  ... the wrap tag says so"
expect_exit 0 "fwseal info recognises the FWSX header" "$FWSEAL" info e1.bin
expect_stdout "FWSX" "  ... and names it"
python3 - e1.bin <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[130] ^= 1; open("e1_wrap.bin", "wb").write(d)
d[130] ^= 1; d[200] = 1; open("e1_zero.bin", "wb").write(d)
PY
expect_exit 1 "a flipped wrapped-key byte fails the wrap tag" "$FWSEAL" decrypt --hmac-key keys/e1.bin e1_wrap.bin -o x.bin
expect_exit 1 "a non-zero byte in the extension's zero area is refused" "$FWSEAL" decrypt --hmac-key keys/e1.bin e1_zero.bin -o x.bin
expect_exit 1 "an RSA key on an FWSX header: refused with a hint" "$FWSEAL" decrypt --key keys/r1.pem e1.bin -o x.bin
expect_stderr "hmac-key" "  ... pointing at --hmac-key"
expect_exit 0 "one ECIES device: stock ECIES header" rel --devices ecies1.csv --out wec1 --expires 2030-06-30T00:00:00Z
[ "$(mf_json wec1/manifest.fwm "['encryption']")" = ecies-p256 ] && ok "manifest: ecies-p256 (stock)" || fail "stock scheme"
python3 -c "import sys; d=open('wec1/1/hdr/ecies-1.hdr','rb').read(); sys.exit(0 if d[100:388]==bytes(288) else 1)" &&
  ok "stock header: bytes 100..387 zero" || fail "stock zero area"
cat wec1/1/hdr/ecies-1.hdr wec1/1/body.bin >s1.bin
expect_exit 0 "stock single-device container decrypts" "$FWSEAL" decrypt --hmac-key keys/e1.bin s1.bin -o ps1.bin
same_file app.s.bin ps1.bin "  ... to the signed image"
expect_exit 0 "--ecies-shared forces FWSX for one device" rel --devices ecies1.csv --out wec2 --ecies-shared --expires 2030-06-30T00:00:00Z
[ "$(mf_json wec2/manifest.fwm "['encryption']")" = ecies-p256-shared ] && ok "  ... manifest says so" || fail "forced shared"
expect_exit 0 "manifest signed with an ECDSA P-256 key" "$FWSEAL" release --image app.s.bin --devices ecies.csv --out wec3 --sign-key sign2.pem --expires 2030-06-30T00:00:00Z
expect_exit 0 "  ... verifies against it" "$FWSEAL" verify wec3/manifest.fwm --trust sign2_pub.pem
$FWSEAL keygen rsa3072 -o sign3.pem --pub sign3_pub.pem >/dev/null
expect_exit 0 "manifest signed by two RSA keys (two blocks)" rel --devices rsa.csv --out w2k --sign-key sign3.pem --expires 2030-06-30T00:00:00Z
expect_exit 0 "  ... meets --require-signatures 2" "$FWSEAL" verify w2k/manifest.fwm --trust sign_pub.pem --trust sign3_pub.pem --require-signatures 2
expect_exit 1 "  ... one trusted key does not" "$FWSEAL" verify w2k/manifest.fwm --trust sign_pub.pem --require-signatures 2
expect_exit 1 "RSA and ECDSA signing keys in one sector are refused" rel --devices rsa.csv --out bad9 --sign-key sign2.pem

# ---- options -----------------------------------------------------------------------------
expect_exit 0 "--chunk-size 1024 --rollout 12.5 --rollout-seed --min-rev --group x2" rel --devices rsa.csv --out wopt \
  --chunk-size 1024 --rollout 12.5 --rollout-seed 000102030405060708090a0b0c0d0e0f --min-rev 101 --group a --group b.c \
  --expires 2030-06-30T00:00:00Z
[ "$(mf_json wopt/manifest.fwm "['chunk_size']")/$(mf_json wopt/manifest.fwm "['chunk_count']")" = "1024/$(( ($(stat -c %s app.s.bin) + 1023) / 1024 ))" ] &&
  ok "  ... 1 KiB chunks, count = ceil(size / 1024)" || fail "chunk size option"
[ "$(mf_json wopt/manifest.fwm "['rollout_bp']")" = 1250 ] && ok "  ... 12.5 % = 1250 bp" || fail "rollout 12.5"
[ "$(mf_json wopt/manifest.fwm "['rollout_seed']")" = 000102030405060708090a0b0c0d0e0f ] && ok "  ... the given seed" || fail "seed"
[ "$(mf_json wopt/manifest.fwm "['min_chip_rev']")" = 101 ] && ok "  ... min_chip_rev 101" || fail "min rev"
[ "$(mf_json wopt/manifest.fwm "['groups']")" = "['a', 'b.c']" ] && ok "  ... two groups" || fail "groups x2"
expect_exit 0 "  ... verifies" "$FWSEAL" verify wopt/manifest.fwm --trust sign_pub.pem
expect_exit 0 "--chip esp32s3 on an esp32c3 image: released with a warning" rel --devices rsa.csv --out wchip --chip esp32s3 --expires 2030-06-30T00:00:00Z
expect_stderr "built for chip id 5" "  ... the warning names the image's chip"
[ "$(mf_json wchip/manifest.fwm "['chip']")" = esp32s3 ] && ok "  ... manifest chip esp32s3" || fail "chip override"
$FWSEAL mkimage --chip esp32c3 --version 3.0.0 --secure-version 3 --project fleet_demo --size 3M -o big.bin >/dev/null
$FWSEAL sign --key sign.pem big.bin -o big.s.bin >/dev/null
expect_exit 1 "--chunk-size 1024 for a 3 MiB image (> 2032 chunks): refused" "$FWSEAL" release --image big.s.bin --devices rsa.csv \
  --sign-key sign.pem --out wbig --chunk-size 1024
expect_stderr "raise --chunk-size" "  ... saying what to do"
check "  ... nothing left" test ! -e wbig/manifest.fwm -a ! -e wbig/1
expect_exit 0 "default chunk size for the 3 MiB image" "$FWSEAL" release --image big.s.bin --devices rsa.csv --sign-key sign.pem --out wbig
[ "$(mf_json wbig/manifest.fwm "['chunk_size']")" = 4096 ] && ok "  ... 4096 (fits 2032 chunks)" || fail "big default chunk"

expect_exit 0 "an already expired manifest can be made (for tests), with a warning" "$FWSEAL" release --image app.s.bin \
  --devices rsa.csv --sign-key sign.pem --out wexp --issued 2020-01-01T00:00:00Z --expires 2020-02-01T00:00:00Z
expect_stderr "in the past" "  ... warned"
expect_exit 1 "  ... and fwseal verify refuses it as expired" "$FWSEAL" verify wexp/manifest.fwm --trust sign_pub.pem
expect_stderr "manifest.expires" "  ... manifest.expires"

# ---- registry details ----------------------------------------------------------------
mkdir -p reg
printf 'id,pubkey\r\n# a comment\r\n\r\nrsa-1,../keys/r1_pub.pem\r\nrsa-2,%s\r\n' "$T/keys/r2_pub.pem" >reg/fleet.csv
expect_exit 0 "registry: CRLF, comments, blank lines, paths relative to the CSV and absolute" \
  rel --devices reg/fleet.csv --out wreg --expires 2030-06-30T00:00:00Z
cat wreg/1/hdr/rsa-1.hdr wreg/1/body.bin >creg.bin
expect_exit 0 "  ... rsa-1 (key found relative to reg/) decrypts" "$FWSEAL" decrypt --key keys/r1.pem creg.bin -o preg.bin
printf 'id,pubkey\nrsa-1,keys/r1.pem\n' >priv.csv
expect_exit 0 "a private key in the registry: its public half is used" rel --devices priv.csv --out wpriv --expires 2030-06-30T00:00:00Z
expect_stderr "a private key: a release needs only the device's public key" "  ... with a warning"

# ---- refusals leave nothing behind -------------------------------------------------
nothing_in() { [ ! -e "$1/manifest.fwm" ] && [ -z "$(find "$1" -name '*.hdr' -o -name 'body.bin' 2>/dev/null)" ]; }
printf 'name,key\nx,keys/r1_pub.pem\n' >bad_header.csv
expect_exit 1 "registry without the id,pubkey header" rel --devices bad_header.csv --out bad1
printf 'id,pubkey\nrsa-1,keys/r1_pub.pem\nrsa-1,keys/r2_pub.pem\n' >dup.csv
expect_exit 1 "duplicate device id" rel --devices dup.csv --out bad2
expect_stderr "listed twice" "  ... named"
printf 'id,pubkey\n../x,keys/r1_pub.pem\n' >badid.csv
expect_exit 1 "device id with a path in it" rel --devices badid.csv --out bad3
printf 'id,pubkey\nrsa-1,keys/r1_pub.pem\nrsa-9,keys/missing.pem\n' >missing.csv
expect_exit 3 "a missing device key: I/O error" rel --devices missing.csv --out bad4
check "  ... no manifest, body or header left" nothing_in bad4
printf 'id,pubkey\nrsa-1,keys/r1_pub.pem\necies-1,keys/e1_pub.pem\n' >mixed.csv
expect_exit 1 "RSA and ECIES devices in one release" rel --devices mixed.csv --out bad5 --jobs 2
check "  ... nothing left" nothing_in bad5
expect_exit 1 "an unsigned image is refused" "$FWSEAL" release --image app.bin --devices rsa.csv --sign-key sign.pem --out bad6
check "  ... nothing left" nothing_in bad6
expect_exit 1 "a P-384 signing key is refused for manifests" rel --devices rsa.csv --out bad7 --sign-key p384.pem
expect_exit 2 "--rollout 101" rel --devices rsa.csv --out bad8 --rollout 101
expect_exit 2 "--expires not RFC 3339 UTC" rel --devices rsa.csv --out bad8 --expires 2027-06-30
expect_exit 2 "--expires before --issued" rel --devices rsa.csv --out bad8 --expires 2025-01-01T00:00:00Z
expect_exit 2 "--chunk-size not a power of two" rel --devices rsa.csv --out bad8 --chunk-size 3000
expect_exit 2 "missing --devices" "$FWSEAL" release --image app.s.bin --sign-key sign.pem --out bad8
check "usage errors create nothing" test ! -e bad8
expect_exit 0 "release --help" "$FWSEAL" release --help
expect_exit 0 "manifest --help" "$FWSEAL" manifest --help
