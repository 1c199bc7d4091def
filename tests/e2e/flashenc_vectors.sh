#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal flash-encrypt / flash-decrypt against espsecure: every row of
# flash_encryption/cases.tsv byte-identical both ways, Appendix A.3 known
# answers (incl. a start inside a 128-byte unit), misalignment and bad keys
# refused clearly.
. "$(dirname "$0")/lib.sh"

rows=0
while IFS=$'\t' read -r scheme keyf addr conf plain ct; do
  case "$scheme" in \#*|"") continue ;; esac
  rows=$((rows + 1))
  extra=(--scheme "$scheme"); [ "$conf" != - ] && extra+=(--flash-crypt-conf "$conf")
  name="$scheme $(basename "$keyf") @$addr"
  expect_exit 0 "$name encrypts" "$FWSEAL" flash-encrypt "${extra[@]}" --key "$V/$keyf" --address "$addr" "$V/$plain" -o "$T/ct.$rows"
  same_file "$T/ct.$rows" "$V/$ct" "$name byte-identical to espsecure"
  expect_exit 0 "$name decrypts" "$FWSEAL" flash-decrypt "${extra[@]}" --key "$V/$keyf" --address "$addr" "$V/$ct" -o "$T/pt.$rows"
  same_file "$T/pt.$rows" "$V/$plain" "$name flash-decrypt inverts"
done <"$V/flash_encryption/cases.tsv"
[ "$rows" -eq 6 ] && ok "all 6 cases.tsv rows ran" || fail "cases.tsv rows" "$rows"

# Appendix A.3 known answers.
printf '%s' 030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc | xxd -r -p >"$T/p32"
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(32)))' >"$T/k32"
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(64)))' >"$T/k64"
kat() { # NAME WANT_HEX ARGS...
  local name=$1 want=$2; shift 2
  "$FWSEAL" flash-encrypt "$@" "$T/p32" -o "$T/kat" 2>"$T/.err" || { fail "$name" "$(cat "$T/.err")"; return; }
  [ "$(xxd -p -c 64 "$T/kat")" = "$want" ] && ok "$name" || fail "$name" "got $(xxd -p -c 64 "$T/kat")"
}
kat "A.3 XTS-AES-128 @0x10000" 00074d144449de0002776b2cc0026e7b5c0b72d6028f4b13331703bc7ab629f5 --key "$T/k32" --address 0x10000
kat "A.3 XTS-AES-128 @0x10010 (inside a unit)" 4bd7b39650b43cf0314c05eb6e524480aecfd1735db20d869dc928238cbccf32 --key "$T/k32" --address 0x10010
kat "A.3 XTS-AES-256 @0x10000" e1b7ce701c9cbcffcd14c30c22f1c8480f22175a0a66d25d2f72e9bc2dfba6ae --key "$T/k64" --address 0x10000
kat "A.3 ESP32 conf 0xF @0x10000" d55a160f2b78d192e67860509aafe1e8499e28bc82d912d4afbd81a12f841b78 --scheme esp32 --flash-crypt-conf 0xF --key "$T/k32" --address 0x10000
kat "A.3 ESP32 @0x10020 (default conf)" 0e874872bdbfe92c998c9c63d12013a26bc4da1b48212e0e5b9d7bca1d671dbc --scheme esp32 --key "$T/k32" --address 0x10020

# A slice of the vector image at an unaligned-to-unit address equals the
# same slice of espsecure's full ciphertext (start and end inside units).
dd if="$V/app/app_esp32c3_64k.bin" of="$T/slice.p" bs=16 skip=3 count=21 status=none
dd if="$V/flash_encryption/ct_xts512_0x10000_app_esp32c3_64k.bin" of="$T/slice.c" bs=16 skip=3 count=21 status=none
expect_exit 0 "slice at 0x10030 encrypts" "$FWSEAL" flash-encrypt --key "$V/flash_encryption/fe_key_xts_512.bin" --address 0x10030 "$T/slice.p" -o "$T/slice.out"
same_file "$T/slice.out" "$T/slice.c" "slice at 0x10030 (336 bytes) matches espsecure's bytes"

# Refusals: misaligned address / length, wrong key sizes, bad options.
expect_exit 2 "address 0x10008 refused" "$FWSEAL" flash-encrypt --key "$T/k32" --address 0x10008 "$T/p32" -o "$T/x"
expect_stderr "not a multiple of 16" "misaligned address reason"
head -c 33 "$T/k64" >"$T/odd"
expect_exit 1 "33-byte input refused" "$FWSEAL" flash-encrypt --key "$T/k32" --address 0x10000 "$T/odd" -o "$T/x"
expect_stderr "length 33 is not a multiple of 16" "misaligned length reason"
head -c 31 "$T/k64" >"$T/k31"
expect_exit 1 "31-byte XTS key refused" "$FWSEAL" flash-encrypt --key "$T/k31" --address 0x10000 "$T/p32" -o "$T/x"
expect_stderr "31 bytes: an XTS flash encryption key must be 16, 32 or 64 bytes" "31-byte key reason"
expect_exit 1 "64-byte key refused for esp32" "$FWSEAL" flash-encrypt --scheme esp32 --key "$T/k64" --address 0x10000 "$T/p32" -o "$T/x"
expect_stderr "ESP32 flash encryption key must be 24 or 32 bytes" "esp32 key size reason"
expect_exit 2 "conf 0x10 refused" "$FWSEAL" flash-encrypt --scheme esp32 --flash-crypt-conf 0x10 --key "$T/k32" --address 0x10000 "$T/p32" -o "$T/x"
expect_exit 2 "conf with xts refused" "$FWSEAL" flash-encrypt --flash-crypt-conf 0xF --key "$T/k32" --address 0x10000 "$T/p32" -o "$T/x"
expect_exit 2 "unknown scheme refused" "$FWSEAL" flash-encrypt --scheme aes --key "$T/k32" --address 0x10000 "$T/p32" -o "$T/x"
expect_exit 2 "address beyond 32 bits refused" "$FWSEAL" flash-encrypt --key "$T/k32" --address 0x100000000 "$T/p32" -o "$T/x"
[ -e "$T/x" ] && fail "no output after refusals" || ok "no output after refusals"
expect_exit 0 "flash-encrypt --help" "$FWSEAL" flash-encrypt --help
expect_stdout "example:" "flash-encrypt --help has an example"
expect_exit 0 "flash-decrypt --help" "$FWSEAL" flash-decrypt --help

# 16-byte key (ESP32-C2) == its SHA-256 as a 32-byte key.
head -c 16 "$T/k64" >"$T/k16"
sha256sum "$T/k16" | cut -d' ' -f1 | xxd -r -p >"$T/k16x"
"$FWSEAL" flash-encrypt --key "$T/k16" --address 0x20000 "$V/app/app_esp32c3_64k.bin" -o "$T/c16"
"$FWSEAL" flash-encrypt --key "$T/k16x" --address 0x20000 "$V/app/app_esp32c3_64k.bin" -o "$T/c16x"
same_file "$T/c16" "$T/c16x" "16-byte key expands as SHA-256"
