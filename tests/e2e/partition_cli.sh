#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal partition-table: every partition_table/ vector both ways, content
# detection, generator checks, hostile input, and the CLI contract.
. "$(dirname "$0")/lib.sh"

PT=$V/partition_table

# ---- cases.tsv ----------------------------------------------------------------
while IFS=$'\t' read -r expect bin rt src fs; do
  case "$expect" in \#*|'') continue ;; esac
  name=$(basename "$bin" .bin)
  if [ "$expect" = ok ]; then
    check "$name: CSV -> binary" "$FWSEAL" partition-table "$V/$src" -o "$T/$name.bin" --flash-size "$fs"
    same_file "$T/$name.bin" "$V/$bin" "$name: binary byte-identical to gen_esp32part"
    expect_exit 0 "$name: binary -> CSV" "$FWSEAL" partition-table "$V/$bin"
    same_file "$T/.out" "$V/$rt" "$name: CSV equals gen_esp32part round trip"
    check "$name: binary -> CSV file" "$FWSEAL" partition-table "$V/$bin" -o "$T/$name.csv" --flash-size "$fs"
    same_file "$T/$name.csv" "$V/$rt" "$name: -o CSV equals round trip"
    check "$name: round-trip CSV -> binary" "$FWSEAL" partition-table "$V/$rt" -o "$T/$name.rt.bin"
    same_file "$T/$name.rt.bin" "$V/$bin" "$name: round trip is stable"
    check "$name: --no-md5" "$FWSEAL" partition-table "$V/$src" -o "$T/$name.nomd5.bin" --no-md5
    if cmp -s "$T/$name.nomd5.bin" "$V/$bin"; then fail "$name: --no-md5 drops the MD5 record"
    elif [ "$(head -c 3072 "$T/$name.nomd5.bin" | grep -c $'\xeb\xeb')" = 0 ]; then ok "$name: --no-md5 drops the MD5 record"
    else fail "$name: --no-md5 drops the MD5 record" "EB EB found"; fi
    check "$name: table without MD5 still reads" "$FWSEAL" partition-table "$T/$name.nomd5.bin" -o "$T/$name.nomd5.csv"
    same_file "$T/$name.nomd5.csv" "$V/$rt" "$name: same CSV without MD5"
  else
    expect_exit 1 "$name: rejected" "$FWSEAL" partition-table "$V/$bin" -o "$T/$name.csv"
    [ -e "$T/$name.csv" ] && fail "$name: no output file" || ok "$name: no output file"
    lines=$(wc -l <"$T/.err")
    [ "$lines" -eq 1 ] && ok "$name: one error line" || fail "$name: one error line" "$lines lines"
  fi
done <"$PT/cases.tsv"
"$FWSEAL" partition-table "$PT/neg_pt_bad_md5.bin" >/dev/null 2>"$T/.err"; expect_stderr "MD5" "bad MD5 reason"
"$FWSEAL" partition-table "$PT/neg_pt_entry_modified.bin" >/dev/null 2>"$T/.err"; expect_stderr "MD5" "modified entry caught by MD5"
"$FWSEAL" partition-table "$PT/neg_pt_bad_magic.bin" >/dev/null 2>"$T/.err"; expect_stderr "magic" "bad magic reason"
expect_exit 0 "modified entry accepted with --no-md5 (MD5 is the only check)" "$FWSEAL" partition-table "$PT/neg_pt_entry_modified.bin" --no-md5
expect_exit 1 "neg_pt_overlap.csv refused" "$FWSEAL" partition-table "$PT/neg_pt_overlap.csv" -o "$T/ov.bin"
expect_stderr "line 3: .*overlap" "overlap named with its line"
[ -e "$T/ov.bin" ] && fail "no binary after refusal" || ok "no binary after refusal"

# ---- content detection, not extension ------------------------------------------
cp "$PT/partitions_two_ota.bin" "$T/table.csv"
expect_exit 0 "binary named .csv is read as binary" "$FWSEAL" partition-table "$T/table.csv"
same_file "$T/.out" "$PT/partitions_two_ota.roundtrip.csv" "binary named .csv parsed"
cp "$PT/partitions_two_ota.csv" "$T/table.bin"
check "CSV named .bin is read as CSV" "$FWSEAL" partition-table "$T/table.bin" -o "$T/from_bin_name.bin"
same_file "$T/from_bin_name.bin" "$PT/partitions_two_ota.bin" "CSV named .bin converted"

# ---- generator options and checks -------------------------------------------------
expect_exit 1 "flash size too small" "$FWSEAL" partition-table "$PT/partitions_two_ota.csv" -o "$T/fs.bin" --flash-size 2MB
expect_stderr "beyond" "flash size reason"
expect_exit 1 "binary bounds vs --flash-size" "$FWSEAL" partition-table "$PT/partitions_two_ota.bin" --flash-size 2MB
expect_exit 2 "bad --flash-size" "$FWSEAL" partition-table "$PT/partitions_two_ota.csv" -o "$T/fs.bin" --flash-size huge
printf 'nvs, data, nvs, , 0x4000\nfactory, app, factory, , 1M\n' >"$T/off.csv"
check "--offset moves the first free offset" "$FWSEAL" partition-table "$T/off.csv" -o "$T/off.bin" --offset 0x10000
expect_exit 0 "read back with --offset" "$FWSEAL" partition-table "$T/off.bin" --offset 0x10000
expect_stdout "^nvs,data,nvs,0x11000,16K,$" "nvs placed after a 0x10000 table"
expect_stdout "^factory,app,factory,0x20000,1M,$" "app placed 64K aligned"
expect_exit 1 "partitions below a 0x30000 table refused" "$FWSEAL" partition-table "$T/off.bin" --offset 0x30000
printf 'a, app, factory, 0x11000, 1M\n' >"$T/bad.csv"
expect_exit 1 "unaligned app offset" "$FWSEAL" partition-table "$T/bad.csv" -o "$T/x.bin"
printf 'o, data, ota, , 0x1000\n' >"$T/bad.csv"
expect_exit 1 "otadata must be 0x2000" "$FWSEAL" partition-table "$T/bad.csv" -o "$T/x.bin"
printf 'n, data, nvs, , 0x2000\n' >"$T/bad.csv"
expect_exit 1 "R/W NVS below 0x3000" "$FWSEAL" partition-table "$T/bad.csv" -o "$T/x.bin"
printf 'a, data, fat, , 4K\na, data, fat, , 4K\n' >"$T/bad.csv"
expect_exit 1 "duplicate names" "$FWSEAL" partition-table "$T/bad.csv" -o "$T/x.bin"
printf 'a, data, fat, , 4K, shiny\n' >"$T/bad.csv"
expect_exit 1 "unknown flag" "$FWSEAL" partition-table "$T/bad.csv" -o "$T/x.bin"
expect_stderr "line 1: unknown flag 'shiny'" "unknown flag named"
printf 'a, data, fat, , $FWSEAL_E2E_SIZE\n' >"$T/var.csv"
FWSEAL_E2E_SIZE=8K expect_exit 0 "environment variable expanded" "$FWSEAL" partition-table "$T/var.csv" -o "$T/var.bin"
expect_exit 1 "unknown variable refused" "$FWSEAL" partition-table "$T/var.csv" -o "$T/var.bin"
{ for i in $(seq 0 94); do echo "p$i, data, fat, , 4K"; done; } >"$T/many.csv"
expect_exit 1 "95 partitions + MD5 do not fit" "$FWSEAL" partition-table "$T/many.csv" -o "$T/x.bin"
expect_stderr "too many partitions" "too many partitions reason"
check "95 partitions fit without MD5" "$FWSEAL" partition-table "$T/many.csv" -o "$T/many.bin" --no-md5
expect_exit 0 "95-entry table reads back" "$FWSEAL" partition-table "$T/many.bin"
printf 'averyveryverylongname, data, fat, , 4K\n' >"$T/long.csv"
check "long name accepted" "$FWSEAL" partition-table "$T/long.csv" -o "$T/long.bin"
expect_stderr "truncated" "long name truncation warned"
expect_exit 0 "16-char label reads back" "$FWSEAL" partition-table "$T/long.bin"
expect_stdout "^averyveryverylon,data,fat,0x9000,4K,$" "label cut to 16 characters without NUL"
[ -e "$T/x.bin" ] && fail "no output after any refusal" || ok "no output after any refusal"

# ---- hostile input and the CLI contract ----------------------------------------------
expect_exit 0 "--help" "$FWSEAL" partition-table --help
expect_stdout "example" "--help has an example"
expect_exit 2 "no input" "$FWSEAL" partition-table
expect_exit 2 "CSV without -o" "$FWSEAL" partition-table "$PT/partitions_two_ota.csv"
expect_exit 2 "unknown option" "$FWSEAL" partition-table "$PT/partitions_two_ota.csv" --frob
expect_exit 2 "two inputs" "$FWSEAL" partition-table "$PT/partitions_two_ota.csv" "$PT/partitions_two_ota.bin"
expect_exit 3 "missing file" "$FWSEAL" partition-table "$T/nope.csv" -o "$T/x.bin"
expect_stderr "nope.csv" "missing file named"
: >"$T/empty"
expect_exit 1 "empty file" "$FWSEAL" partition-table "$T/empty" -o "$T/x.bin"
head -c 3072 /dev/urandom >"$T/garbage"
printf '\x01' | dd of="$T/garbage" bs=1 seek=0 conv=notrunc status=none
expect_exit 1 "garbage" "$FWSEAL" partition-table "$T/garbage" -o "$T/x.bin"
head -c 96 "$PT/partitions_two_ota.bin" >"$T/trunc.bin"
expect_exit 1 "truncated binary (no end marker)" "$FWSEAL" partition-table "$T/trunc.bin"
cp "$PT/partitions_two_ota.bin" "$T/big.bin"; printf '\xff\xff\xff\x7f' | dd of="$T/big.bin" bs=1 seek=8 conv=notrunc status=none
expect_exit 1 "oversized partition length" "$FWSEAL" partition-table "$T/big.bin" --no-md5 --flash-size 4MB
head -c 2000000 /dev/zero | tr '\0' 'a' >"$T/huge.csv"
expect_exit 1 "oversized input refused" "$FWSEAL" partition-table "$T/huge.csv" -o "$T/x.bin"
expect_exit 3 "unwritable output" "$FWSEAL" partition-table "$PT/partitions_two_ota.csv" -o "$T/nodir/x.bin"
[ -e "$T/nodir" ] && fail "no partial output" || ok "no partial output"
ls "$T"/*.tmp.* "$T"/.*.fwseal-tmp.* >/dev/null 2>&1 && fail "no temporary files left" || ok "no temporary files left"
[ -e "$T/x.bin" ] && fail "no output after hostile input" || ok "no output after hostile input"
