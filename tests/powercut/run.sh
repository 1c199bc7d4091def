#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make powercut: builds the images with the real CLI (RSA-3072 signing key,
# RSA-3072 device key, a 256 KiB app v1 -> v2), then runs the in-process
# power-cut runner build/tools/powercut over every scenario and schedule.
#
# Without arguments (make powercut) it runs everything and then REWRITES
# tests/powercut/RESULTS.md from this run's output: date, machine, images,
# fault-model seed and every count. Nobody edits that file by hand;
# tests/e2e/results_files.sh fails when it names a count the code does not
# produce (it compares with `run.sh --count`).
# With arguments they go to the runner (e.g. --scenario ota --schedule torn,
# --replay torn:57:2048@1, --count, --cut-seed 7) and nothing is written,
# unless POWERCUT_RESULTS=FILE names a file to write.
# FWSEAL_SIM_CUT_SEED=S sets the seed of the torn bits (default 1).
# Exit 0 only if every cut point survived.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FWSEAL_BUILD:-$root/build}
FWSEAL=$build/bin/fwseal
W=$(mktemp -d "${TMPDIR:-/tmp}/fwseal-powercut.XXXXXX")
trap 'rm -rf "$W"' EXIT
size=${POWERCUT_IMAGE_SIZE:-256K}
results=${POWERCUT_RESULTS:-}
[ $# -eq 0 ] && [ -z "$results" ] && results=$root/tests/powercut/RESULTS.md
set -e
"$FWSEAL" keygen rsa3072 -o "$W/sign.pem" --pub "$W/sign_pub.pem" >/dev/null
"$FWSEAL" keygen rsa3072 -o "$W/enc.pem" --pub "$W/enc_pub.pem" >/dev/null
"$FWSEAL" digest "$W/sign_pub.pem" -o "$W/digest.bin" >/dev/null
"$FWSEAL" mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project powercut --size "$size" -o "$W/v1.bin" >/dev/null
"$FWSEAL" mkimage --chip esp32c3 --version 2.0.0 --secure-version 3 --project powercut --size "$size" -o "$W/v2.bin" >/dev/null
"$FWSEAL" sign --key "$W/sign.pem" "$W/v1.bin" -o "$W/v1.signed.bin" >/dev/null 2>&1
"$FWSEAL" sign --key "$W/sign.pem" "$W/v2.bin" -o "$W/v2.signed.bin" >/dev/null 2>&1
"$FWSEAL" encrypt --pubkey "$W/enc_pub.pem" "$W/v2.signed.bin" -o "$W/v2.enc.bin" >/dev/null
# staged updates (issue 18, tests/tools/pc_stage.h): two bootloaders, two tables
# of the runner's layout (ota_1 grows), a signed NVS data image
S=$W/stage
mkdir -p "$S"
for v in 1 2; do
  "$FWSEAL" mkimage --bootloader --chip esp32c3 --version $v --secure-version 0 --project powercut --size $((16 + 4 * v))K \
    -o "$S/bl$v.u" >/dev/null
  "$FWSEAL" sign --key "$W/sign.pem" "$S/bl$v.u" -o "$S/bl$v.bin" >/dev/null
done
pt() { # OTA_1_SIZE OUT
  printf '%s\n' "otadata,data,ota,0xd000,0x2000," "journal,data,undefined,0xf000,0x1000," "nvs,data,nvs,0x10000,0x8000," \
    "ota_0,app,ota_0,0x20000,0x60000," "ota_1,app,ota_1,0x80000,$1," "recovery,bootloader,recovery,0xf0000,0x8000," >"$S/pt.csv"
  "$FWSEAL" partition-table "$S/pt.csv" -o "$2" >/dev/null
}
pt 0x60000 "$S/pt_old.bin"
pt 0x70000 "$S/pt_new.bin"
printf 'key,type,encoding,value\npc,namespace,,\nstaged,data,string,new\nlevel,data,u32,18\n' >"$S/nvs.csv"
"$FWSEAL" nvs generate "$S/nvs.csv" 0x7000 -o "$S/nvs.bin" >/dev/null
"$FWSEAL" sign --data --key "$W/sign.pem" "$S/nvs.bin" -o "$S/nvs.signed" >/dev/null
set +e
bash "$root/scripts/machine_facts.sh" >"$W/facts"   # the tree as it is when the run starts
start=$SECONDS
"$build/tools/powercut" "$W/v1.signed.bin" "$W/v2.signed.bin" "$W/v2.enc.bin" "$W/enc.pem" "$W/digest.bin" --stage "$S" "$@" |
  tee "$W/out"
rc=${PIPESTATUS[0]}
# make powercut (no arguments): also every cut point of an encrypted HTTPS OTA
# from nginx, resumed after the reboot (issue 15; the sample runs in make test)
if [ $# -eq 0 ]; then
  FWSEAL_RESUME_CUT_FULL=1 FWSEAL_BUILD=$build bash "$root/tests/e2e/ota_resume_powercut.sh" >"$W/resume" 2>&1
  rrc=$?
  grep -E '^(resume-result|not ok|cut )' "$W/resume" | tee -a "$W/out"
  [ $rrc -eq 0 ] || [ "$rc" -ne 0 ] || rc=1
fi
secs=$((SECONDS - start))
echo "powercut: $secs s"
if [ -n "$results" ] && { [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } && grep -q '^result ' "$W/out"; then
  "$root/tests/powercut/results_md.sh" "$W/out" "$secs" "$size" "$rc" "$W/facts" >"$W/results.md" &&
    mv "$W/results.md" "$results" && echo "powercut: wrote $results"
fi
exit $rc
