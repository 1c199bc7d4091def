#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 12 §4 (rest), §5, §6: grep-level seams, each detector self-tested on
# a sample of what it must catch (so a detector that never fires fails here).
#
# 1. Ports have a home: the simulator is device/port/sim/; no device or boot
#    file includes a port header (only cli/, tests/, fuzz/, bench/ wiring
#    does); the flash HAL declares the NOR re-programming capability and the
#    simulator's NOR view declares it.
# 2. README's layout table lists every top-level directory that exists.
# 3. common/ holds byte-layout codecs only: the NVS engine is nvs/, the NVS
#    and partition CSV parsers and the JSON writer are host/.
# 4. Fail closed: fwd_verify.h has no require_signature (or other
#    check-switching) knob.
# 5. The boot decision table uses designated initialisers and the shared
#    OTA state names (common/fw_otadata.h).
# 6. One failure idiom: no device/boot/nvs/common struct keeps a reason
#    string apart from its code (struct fw_fail in common/fw_err.h).
. "$(dirname "$0")/lib.sh"
cd "$FWSEAL_ROOT" || exit 3

# port_includes FILE...: lines that include a port header (device/port/...
# or the old device/sim/ path).
port_includes() { grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(device/)?(port/|sim/)' "$@" 2>/dev/null; }

# ---- 1. ports -----------------------------------------------------------------
check "the simulator lives in device/port/sim/" test -f device/port/sim/fwd_sim.h
check "device/sim/ is gone" test ! -e device/sim
check "device/port/README.md says what a port provides" grep -q "What a port provides" device/port/README.md
check "Makefile builds the simulator from device/port/sim/" grep -qE '^SIM_SRC[[:space:]]*:=.*device/port/sim/\*\.c' Makefile
printf '#include "device/port/sim/fwd_sim.h"\n' >"$T/bad.c"
check "detector: a port include is caught" port_includes "$T/bad.c"
hits=$(port_includes device/*.c device/*.h boot/*.c boot/*.h common/*.c common/*.h)
[ -z "$hits" ] && ok "no device/boot/common file includes a port header" || fail "port header included by core code" "$hits"
stale=$(grep -rnE '"device/sim/' --include='*.c' --include='*.h' cli tests fuzz bench device boot common 2>/dev/null)
[ -z "$stale" ] && ok "no include of the old device/sim/ path" || fail "old device/sim/ include" "$stale"
check "the flash HAL declares the NOR re-programming capability" grep -qE 'FWD_FLASH_CAP_NOR_REPROGRAM[[:space:]]*=' device/fwd_hal.h
check "struct fwd_flash has a caps field" grep -qE '^[[:space:]]*unsigned[[:space:]]+caps;' device/fwd_hal.h
check "the simulator's NOR view declares it" grep -q 'FWD_FLASH_CAP_NOR_REPROGRAM' device/port/sim/fwd_sim_nor.c
check "NVS checks it before a writable mount" grep -qs 'nor_reprogram' common/fw_nvs_store.c nvs/fw_nvs_store.c
check "docs/porting.md documents the capability" grep -q 'FWD_FLASH_CAP_NOR_REPROGRAM' docs/porting.md

# ---- 2. README layout table ------------------------------------------------------
# layout_missing README: top-level directories (tracked, not hidden) that no
# backticked cell of the "## Layout" table names as `dir/`.
layout_missing() {
  local readme=$1 table d
  table=$(awk '/^## Layout/{on=1; next} on && /^## /{exit} on && /^\|/' "$readme")
  for d in $(git ls-files | awk -F/ 'NF > 1 && $1 !~ /^\./ {print $1}' | sort -u); do
    grep -qE "\`([^\`]* )?$d/[^\`]*\`" <<<"$table" || echo "$d"
  done
}
printf '## Layout\n\n| directory | what |\n|---|---|\n| `common/` | codecs |\n\n## Next\n' >"$T/README.md"
[ -n "$(layout_missing "$T/README.md")" ] && ok "detector: a directory missing from the layout table is caught" ||
  fail "detector: a directory missing from the layout table is caught"
missing=$(layout_missing README.md)
[ -z "$missing" ] && ok "README's layout table lists every top-level directory" || fail "README layout table misses" "$missing"

# ---- 3. common/ holds byte-layout codecs only ---------------------------------------
# noncodec_in_common DIR: what a codec directory must not hold: a storage
# engine (NVS mount / store state), a text parser (CSV), stdio or allocation.
noncodec_in_common() {
  local dir=$1
  ls "$dir" | grep -iE 'store|csv|json|gen\.' | sed "s|^|$dir/|"
  grep -nE '\bfw_nvs_mount\b|struct fw_nvs_store\b|\bFILE\b|\b(malloc|calloc|realloc|fopen)\(' "$dir"/*.c "$dir"/*.h 2>/dev/null
  grep -niE '^[a-z][a-z0-9_ *]*\b[a-z0-9_]*csv[a-z0-9_]*\(' "$dir"/*.c "$dir"/*.h 2>/dev/null
}
mkdir -p "$T/oldcommon"
printf 'int fw_nvs_mount(struct fw_nvs_store *s);\n' >"$T/oldcommon/fw_nvs_store.h"
printf 'int fw_pt_from_csv(struct fw_pt *t, const char *csv);\n' >"$T/oldcommon/fw_partition.h"
printf '#include <stdio.h>\nvoid fw_json_init(struct fw_json *j, FILE *f);\n' >"$T/oldcommon/fw_x.h"
n=$(noncodec_in_common "$T/oldcommon" | wc -l)
[ "$n" -ge 4 ] && ok "detector: an NVS engine, a CSV parser and stdio in common/ are caught" ||
  fail "detector: an NVS engine, a CSV parser and stdio in common/ are caught" "$n hits"
hits=$(noncodec_in_common common)
[ -z "$hits" ] && ok "common/ holds no NVS engine, no CSV parser, no stdio or allocation" || fail "non-codec code in common/" "$hits"
check "the NVS engine is its own module (nvs/)" test -f nvs/fw_nvs_store.c
check "the Makefile builds nvs/ as its own library" grep -qE '^NVS_SRC[[:space:]]*:=.*nvs/\*\.c' Makefile
check "the CSV parsers are host-side" test -f host/fwh_nvs_csv.c -a -f host/fwh_pt_csv.c
bad=$(grep -lE '"(host|nvs)/' common/*.c common/*.h 2>/dev/null)
[ -z "$bad" ] && ok "common/ includes nothing from nvs/ or host/" || fail "common/ depends upward" "$bad"
bad=$(grep -lE '#[[:space:]]*include[[:space:]]*<(mbedtls|openssl|psa)/|\b(malloc|calloc|realloc)\(' nvs/*.c nvs/*.h 2>/dev/null)
[ -z "$bad" ] && ok "nvs/ is crypto-free and allocation-free (cipher and storage are callbacks)" || fail "nvs/ not portable" "$bad"
bad=$(grep -lE '#[[:space:]]*include[[:space:]]*"host/' nvs/*.c nvs/*.h device/*.c device/*.h boot/*.c boot/*.h 2>/dev/null)
[ -z "$bad" ] && ok "nvs/, device/ and boot/ include nothing from host/" || fail "core code includes host/" "$bad"

# ---- 4. fail closed: no knob whose zero value disables a check ----------------------
# policy_knobs HEADER: fields of struct fwd_verify_policy that switch a check.
policy_knobs() {
  awk '/^struct fwd_verify_policy[[:space:]]*\{/{on=1; next} on && /^\};/{exit} on' "$1" |
    grep -nE '\b(require|check|verify|skip|allow|enable|disable)_[a-z_]*[[:space:]]*;'
}
printf 'struct fwd_verify_policy {\n    const struct fwd_efuse_state *efuse;\n    int require_signature;\n};\n' >"$T/old_verify.h"
check "detector: a require_signature knob is caught" policy_knobs "$T/old_verify.h"
knobs=$(policy_knobs device/fwd_verify.h)
[ -z "$knobs" ] && ok "fwd_verify.h: struct fwd_verify_policy has no check-switching knob" || fail "policy knob" "$knobs"
bad=$(grep -rnw 'require_signature' device boot common nvs cli 2>/dev/null)
[ -z "$bad" ] && ok "require_signature is gone everywhere" || fail "require_signature still used" "$bad"

# ---- 5. the boot decision table: named fields, the shared OTA state names -----------
# positional_rows FILE: rows of the rules[] table that are not designated
# initialisers, and state values that are not common's FW_OTA_* names.
positional_rows() {
  awk '/^static const struct fwb_rule rules\[\][[:space:]]*=/{on=1; next} on && /^\};/{exit} on' "$1" |
    grep -nE '^[[:space:]]*\{[[:space:]]*[A-Za-z0-9_]+[[:space:]]*,|\.(state|at_boot|if_chosen)[[:space:]]*=[[:space:]]*([0-9]|S_)'
}
printf 'static const struct fwb_rule rules[] = {\n    {S_NEW, 1, 0, 0, 0, 1, S_PV},\n};\n' >"$T/old_decide.c"
check "detector: a positional row with private state names is caught" positional_rows "$T/old_decide.c"
rows=$(positional_rows boot/fwb_decide.c)
[ -z "$rows" ] && ok "boot/fwb_decide.c: every rule row uses designated initialisers and FW_OTA_* states" ||
  fail "boot table rows" "$rows"
n=$(awk '/^static const struct fwb_rule rules\[\]/{on=1; next} on && /^\};/{exit} on' boot/fwb_decide.c | grep -c '\.state = FW_OTA_')
[ "$n" -eq 6 ] && ok "the boot table has one row per OTA state of common/fw_otadata.h (6)" || fail "boot table rows" "$n"

# ---- 6. one failure idiom: a reason travels with its code in struct fw_fail ---------
# bare_reasons FILE...: struct fields holding a reason string on their own.
bare_reasons() { grep -nE '^[[:space:]]+(const[[:space:]]+)?char[[:space:]]*\*[[:space:]]*(why|reason)[[:space:]]*;' "$@" 2>/dev/null; }
printf 'struct fw_nvs_store {\n    const char *why;\n};\nstruct ev {\n    int err;\n    const char *reason;\n};\n' >"$T/old_reason.h"
[ "$(bare_reasons "$T/old_reason.h" | wc -l)" -eq 2 ] && ok "detector: bare why/reason fields are caught" ||
  fail "detector: bare why/reason fields are caught"
check "common/fw_err.h defines struct fw_fail" grep -qE '^struct fw_fail[[:space:]]*\{' common/fw_err.h
hdrs=$(ls device/*.h boot/*.h nvs/*.h common/*.h | grep -v '^common/fw_err.h$')
# shellcheck disable=SC2086
bad=$(bare_reasons $hdrs)
[ -z "$bad" ] && ok "no device/boot/nvs/common struct carries a reason outside struct fw_fail" || fail "bare reason fields" "$bad"
