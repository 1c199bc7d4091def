#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Streaming: sign and verify of a 256 MiB file keep peak RSS under 32 MiB
# (GNU time %M, KiB). Also a ~240 MiB valid app image (16 segments), so the
# app image checks stream too.
. "$(dirname "$0")/lib.sh"
SB=$V/secure_boot_v2
K1=$SB/sb_rsa3072_key1.pem
PUB=$SB/sb_rsa3072_key1_pub.pem
LIMIT_KB=32768
TIME=/usr/bin/time
[ -x "$TIME" ] || { fail "GNU time installed (make deps)" "$TIME missing"; exit 1; }

# peak CODE NAME CMD...: exit code CODE and peak RSS below the limit
peak() {
  local want=$1 name=$2; shift 2
  "$TIME" -f '%M' -o "$T/rss" "$@" >"$T/.out" 2>"$T/.err"
  local rc=$? kb; kb=$(tail -1 "$T/rss")
  [ "$rc" -eq "$want" ] && ok "$name: exit $want" || fail "$name: exit $want" "exit $rc: $(head -c 300 "$T/.err")"
  [ "$kb" -lt "$LIMIT_KB" ] && ok "$name: peak RSS ${kb} KiB < $LIMIT_KB" || fail "$name: peak RSS" "${kb} KiB"
}

# 256 MiB raw file (sparse: cheap to create)
truncate -s 256M "$T/big.bin"
peak 0 "sign 256 MiB" "$FWSEAL" sign --key "$K1" "$T/big.bin" -o "$T/big.signed"
check "signed size = 256 MiB + 4096" test "$(stat -c %s "$T/big.signed")" = $((256 * 1024 * 1024 + 4096))
rm -f "$T/big.bin"
peak 0 "verify --raw 256 MiB" "$FWSEAL" verify --raw "$T/big.signed" --trust "$PUB"
peak 0 "append to 256 MiB" "$FWSEAL" sign --append --key "$SB/sb_rsa3072_key2.pem" "$T/big.signed" -o "$T/big2.signed"
rm -f "$T/big.signed"
peak 0 "verify 2-key 256 MiB with key2" "$FWSEAL" verify --raw "$T/big2.signed" --trust "$SB/sb_rsa3072_key2_pub.pem"
flip_byte "$T/big2.signed" $((200 * 1024 * 1024)) 0x01
peak 1 "verify tampered 256 MiB" "$FWSEAL" verify --raw "$T/big2.signed" --trust "$PUB"
rm -f "$T/big2.signed"

# ~240 MiB valid ESP app image: segment 0 of a real app, then 15 zero
# padding segments of 16 MiB - 4 bytes; checksum and SHA-256 recomputed.
python3 - "$V/app/app_esp32c3_64k.bin" "$T/bigapp.bin" <<'PY'
import hashlib, struct, sys
src = open(sys.argv[1], "rb").read()
hdr = bytearray(src[:24]); hdr[1] = 16
addr, n0 = struct.unpack_from("<II", src, 24)
seg0 = src[32:32 + n0]
h, L, zero = hashlib.sha256(), 24, bytes(0xFFFFFC)
chk = 0xEF
for b in seg0: chk ^= b
with open(sys.argv[2], "wb") as f:
    def out(b):
        global L; f.write(b); h.update(b); L += len(b)
    f.write(bytes(hdr)); h.update(bytes(hdr))
    out(struct.pack("<II", addr, n0) + seg0)
    for _ in range(15): out(struct.pack("<II", 0, len(zero)) + zero)
    pad = (15 - L % 16) % 16
    out(bytes(pad) + bytes([chk]))
    f.write(h.digest())
PY
peak 0 "sign ~240 MiB app image" "$FWSEAL" sign --key "$K1" "$T/bigapp.bin" -o "$T/bigapp.signed"
cp "$T/.err" "$T/err1"; check "big app image: no 'not an app image' warning" test ! -s "$T/err1"
rm -f "$T/bigapp.bin"
peak 0 "verify ~240 MiB app image" "$FWSEAL" verify "$T/bigapp.signed" --trust "$PUB" --json
expect_stdout '"image.sha256", "result": "pass"' "big app image: SHA-256 checked"
