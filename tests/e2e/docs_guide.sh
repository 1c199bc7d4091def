#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docs/guide.md: every command of its ```sh blocks runs, in order, in an empty
# directory with fwseal and fwseal-device on PATH; "! CMD" must exit 1.
. "$(dirname "$0")/lib.sh"
export PATH="$FWSEAL_BUILD/bin:$PATH"
mkdir -p "$T/work" && cd "$T/work" || exit 3
python3 "$FWSEAL_ROOT/tests/e2e/docs_extract.py" "$FWSEAL_ROOT/docs/guide.md" >"$T/guide.sh" || { fail "extract commands"; exit 1; }
. "$T/guide.sh"
[ "${__docs_commands:-0}" -ge 20 ] && ok "guide shows $__docs_commands commands, all run" || fail "guide commands" "only ${__docs_commands:-0}"
# Post-conditions of the guide's story: v2 was installed and confirmed (the
# eFuse counter is 2), and the refused downgrade left it running.
fwseal-device boot dev --json >"$T/boot.json" 2>"$T/.err"
v=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("version"), d.get("ota_state"), d.get("efuse_secure_version"))' "$T/boot.json" 2>/dev/null)
if [ "$v" = "2.0.0 VALID 2" ]; then ok "after the guide the device runs 2.0.0, VALID, eFuse secure_version 2"
else fail "guide end state" "boot says: $v"; fi
