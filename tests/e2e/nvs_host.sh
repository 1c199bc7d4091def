#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fwseal nvs: generate is byte-identical to nvs_partition_gen 0.2.0 (plain and
# encrypted), dump lists exactly nvs.expected_kv.json, negative keys vectors
# are rejected, the corrupted-entry vector loses exactly one item.
. "$(dirname "$0")/lib.sh"
N=$V/nvs

kv_equal() { # kv_equal DUMP.json EXPECTED.json [drop NS/KEY]
  python3 - "$@" <<'PY'
import json, sys
got = json.load(open(sys.argv[1])); want = json.load(open(sys.argv[2]))
if len(sys.argv) > 3:
    ns, key = sys.argv[3].split("/")
    want = [r for r in want if not (r["namespace"] == ns and r["key"] == key)]
canon = lambda l: sorted(json.dumps(r, sort_keys=True) for r in l)
sys.exit(0 if canon(got) == canon(want) else 1)
PY
}

check "generate nvs.csv 0x4000" "$FWSEAL" nvs generate "$N/nvs.csv" 0x4000 -o "$T/nvs.bin"
same_file "$T/nvs.bin" "$N/nvs.bin" "plain partition byte-identical to nvs_partition_gen"
check "generate --keys" "$FWSEAL" nvs generate "$N/nvs.csv" 0x4000 -o "$T/nvs_enc.bin" --keys "$N/nvs_keys.bin"
same_file "$T/nvs_enc.bin" "$N/nvs_encrypted.bin" "encrypted partition byte-identical to nvs_partition_gen"

for c in "nvs.bin:" "nvs_encrypted.bin:nvs_keys.bin"; do
  img=${c%%:*} keys=${c#*:}
  args=("$N/$img"); [ -n "$keys" ] && args+=(--keys "$N/$keys")
  expect_exit 0 "dump $img" "$FWSEAL" nvs dump "${args[@]}" --json
  cp "$T/.out" "$T/dump.json"
  check "dump $img equals nvs.expected_kv.json" kv_equal "$T/dump.json" "$N/nvs.expected_kv.json"
done
check "dump of our encrypted output equals the expected items" \
  bash -c "'$FWSEAL' nvs dump '$T/nvs_enc.bin' --keys '$N/nvs_keys.bin' --json > '$T/d2.json'"
check "  ...compared" kv_equal "$T/d2.json" "$N/nvs.expected_kv.json"

# the device library (mbedTLS XTS) reads the same vectors: tests/tools/nvs_devdump
DEVDUMP=$FWSEAL_BUILD/tools/nvs_devdump
expect_exit 0 "device library lists nvs.bin" "$DEVDUMP" "$N/nvs.bin"
cp "$T/.out" "$T/dev1.json"
check "device listing of nvs.bin equals nvs.expected_kv.json" kv_equal "$T/dev1.json" "$N/nvs.expected_kv.json"
expect_exit 0 "device library lists nvs_encrypted.bin" "$DEVDUMP" "$N/nvs_encrypted.bin" "$N/nvs_keys.bin"
cp "$T/.out" "$T/dev2.json"
check "device listing of nvs_encrypted.bin equals nvs.expected_kv.json" kv_equal "$T/dev2.json" "$N/nvs.expected_kv.json"
expect_exit 1 "device library: wrong keys" "$DEVDUMP" "$N/nvs_encrypted.bin" "$N/neg_nvs_wrong_keys.bin"
expect_stderr "wrong key" "device: wrong key reported"
expect_exit 1 "device library: bad keys CRC" "$DEVDUMP" "$N/nvs_encrypted.bin" "$N/neg_nvs_keys_bad_crc.bin"
expect_stderr "corrupt" "device: corrupt keys partition reported"
expect_exit 1 "device library: erased keys" "$DEVDUMP" "$N/nvs_encrypted.bin" "$N/neg_nvs_keys_erased.bin"
expect_stderr "not initialised" "device: keys not initialised reported"
expect_exit 0 "device library lists the entry-CRC vector" "$DEVDUMP" "$N/neg_nvs_entry_crc.bin"
cp "$T/.out" "$T/dev3.json"
check "device: all items but limits/u8_min" kv_equal "$T/dev3.json" "$N/nvs.expected_kv.json" limits/u8_min

expect_exit 0 "text dump" "$FWSEAL" nvs dump "$N/nvs.bin"
expect_stdout '^limits:u64_max \(u64\) = 18446744073709551615$' "text dump shows u64 max"
expect_stdout '^strings:s_comma \(string\) = "a,b,c; .quoted. text"$' "text dump quotes strings"

expect_exit 1 "wrong keys rejected" "$FWSEAL" nvs dump "$N/nvs_encrypted.bin" --keys "$N/neg_nvs_wrong_keys.bin"
expect_stderr "wrong key" "wrong keys reported as such"
expect_exit 1 "keys partition with bad CRC rejected" "$FWSEAL" nvs dump "$N/nvs_encrypted.bin" --keys "$N/neg_nvs_keys_bad_crc.bin"
expect_stderr "corrupt nvs_keys partition" "bad keys CRC reported"
expect_exit 1 "erased keys partition rejected" "$FWSEAL" nvs dump "$N/nvs_encrypted.bin" --keys "$N/neg_nvs_keys_erased.bin"
expect_stderr "keys not initialised" "erased keys reported"
expect_exit 1 "generate refuses bad keys" "$FWSEAL" nvs generate "$N/nvs.csv" 0x4000 -o "$T/x.bin" --keys "$N/neg_nvs_keys_bad_crc.bin"
[ -e "$T/x.bin" ] && fail "no output on failure" || ok "no output on failure"

expect_exit 0 "entry-CRC vector dumps" "$FWSEAL" nvs dump "$N/neg_nvs_entry_crc.bin" --json
cp "$T/.out" "$T/crc.json"
check "all items but limits/u8_min" kv_equal "$T/crc.json" "$N/nvs.expected_kv.json" limits/u8_min

# CSV errors: one line, exit 1, no output file
printf 'key,type,encoding,value\nns,namespace,,\nabcdefghijklmnop,data,u8,1\n' > "$T/long.csv"
expect_exit 1 "key longer than 15 chars rejected" "$FWSEAL" nvs generate "$T/long.csv" 0x3000 -o "$T/y.bin"
expect_stderr "line 3: key 'abcdefghijklmnop' longer than 15" "error names line and key"
[ "$(wc -l < "$T/.err")" -eq 1 ] && ok "one error line" || fail "one error line"
[ -e "$T/y.bin" ] && fail "no partial output" || ok "no partial output"
printf 'key,type,encoding,value\nns,namespace,,\nf,file,binary,missing.bin\n' > "$T/miss.csv"
expect_exit 3 "missing file row is an I/O error" "$FWSEAL" nvs generate "$T/miss.csv" 0x3000 -o "$T/y.bin"
expect_exit 2 "SIZE not a multiple of 4096" "$FWSEAL" nvs generate "$N/nvs.csv" 0x4001 -o "$T/y.bin"
expect_exit 1 "partition too small" "$FWSEAL" nvs generate "$N/nvs.csv" 0x3000 -o "$T/y.bin"
expect_stderr "too small" "too small reported"
expect_exit 1 "dump of a truncated image" bash -c "head -c 5000 '$N/nvs.bin' > '$T/t.bin'; '$FWSEAL' nvs dump '$T/t.bin'"
expect_exit 0 "nvs --help" "$FWSEAL" nvs --help
expect_stdout "fwseal nvs generate" "help shows an example"
expect_exit 2 "nvs without subcommand" "$FWSEAL" nvs

# keys from `fwseal keygen nvs-keys` (the encryption engineer's command)
check "keygen nvs-keys" "$FWSEAL" keygen nvs-keys -o "$T/nk.bin"
check "generate with fresh keys" "$FWSEAL" nvs generate "$N/nvs.csv" 0x4000 -o "$T/fresh.bin" --keys "$T/nk.bin"
check "fresh-key image differs from the vector" bash -c "! cmp -s '$T/fresh.bin' '$N/nvs_encrypted.bin'"
expect_exit 0 "dump with fresh keys" "$FWSEAL" nvs dump "$T/fresh.bin" --keys "$T/nk.bin" --json
cp "$T/.out" "$T/fresh.json"
check "fresh-key image lists the expected items" kv_equal "$T/fresh.json" "$N/nvs.expected_kv.json"
expect_exit 1 "fresh-key image with the vector's keys: wrong key" "$FWSEAL" nvs dump "$T/fresh.bin" --keys "$N/nvs_keys.bin"
