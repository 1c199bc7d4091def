#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Writes tests/powercut/RESULTS.md (to stdout) from the output of one
# tests/powercut/run.sh run:
#   results_md.sh RUNNER-OUTPUT SECONDS IMAGE-SIZE EXIT-CODE [FACTS-FILE]
# (FACTS-FILE: scripts/machine_facts.sh output taken when the run started).
# Every figure comes from that output or from this machine; nothing is typed.
set -u
out=$1 secs=$2 size=$3 rc=$4 facts=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
img=$(sed -n "s/^powercut: NEW image \([0-9]*\) bytes (\([0-9]*\) encrypted).*/\1 \2/p" "$out" | head -1)
read -r signed encrypted <<<"$img"
seed=$(sed -n 's/^powercut: fault model.*cut seed \([0-9]*\), step \([0-9]*\).*/\1/p' "$out" | head -1)
step=$(sed -n 's/^powercut: fault model.*cut seed \([0-9]*\), step \([0-9]*\).*/\2/p' "$out" | head -1)
what() {
  case $1 in
    ota) echo "encrypted OTA of NEW from a file (decrypt, checks, erase, write, tag, verify, set boot)" ;;
    first-boot) echo "first boot of NEW (NEW -> PENDING_VERIFY)" ;;
    unconfirmed) echo "boot of an unconfirmed NEW (PENDING_VERIFY -> ABORTED, fallback)" ;;
    confirm) echo "the app confirms NEW (VALID, secure_version burned)" ;;
    rollback) echo "the app rejects NEW (INVALID) and the device reboots" ;;
    heal-boot) echo "boot after a cut between confirm's VALID record and its burn: the bootloader's anti-rollback heal burns" ;;
    heal-ota) echo "that state, NEW running, tries an OTA of OLD: the OTA precondition heals (burns), then refuses OLD" ;;
    revoke) echo "the confirmed app revokes a second key (one KEY_REVOKE bit) after a refused revoke of its own key" ;;
    nvs) echo "400 seeded set/erase + commit on encrypted NVS" ;;
    stage-bootloader) echo "staged bootloader update BL1 -> BL2 (download into ota_1, verify, journalled copy to 0x0); ROM with a recovery bootloader" ;;
    stage-bootloader-norecovery) echo "the same on a ROM without a recovery bootloader: cuts in the unprotectable window (listed below) do not boot" ;;
    stage-table) echo "staged partition-table update (ota_1 grows), journalled copy to 0x8000, finished at power-on before the table is read" ;;
    stage-nvs) echo "staged update of the NVS partition with a Secure Boot V2 signed data image, journalled copy" ;;
    *) echo "see tests/tools/powercut.c" ;;
  esac
}
kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

echo "# make powercut — measured figures"
echo
echo "Written by \`tests/powercut/run.sh\` (\`make powercut\`) from the run below; never edit"
echo "by hand. \`tests/e2e/results_files.sh\` (in \`make test\`) fails when a count here is not"
echo "what the current code produces. Re-run \`make powercut\` after changing the device code."
echo
if [ -n "$facts" ]; then cat "$facts"; else bash "$here/../../scripts/machine_facts.sh"; fi
echo "- images: app v1 -> v2, \`fwseal mkimage --size $size\`, NEW $signed bytes signed (RSA-3072"
echo "  Secure Boot V2), $encrypted bytes encrypted for an RSA-3072 device key; flash encryption XTS-AES-256"
echo "- fault model (device/port/sim/fwd_sim_tear.h): torn write = a prefix programmed + a random subset of"
echo "  the bits of the word in flight; torn erase = a prefix erased + the rest of the sector weakly"
echo "  erased (random 1 bits); cut seed $seed (replay a cut with \`--replay SCHED:CUT:KEEP@$seed\`);"
echo "  torn prefixes: every length of writes up to 64 bytes, else 0, 1, every $step bytes, the last"
echo "  word boundary, len-1; erases: 0, 1, every $step bytes of the first sector, every sector boundary, len-1;"
echo "  eFuse burns are cut points too: a torn burn of k new bits burns a bit-order prefix, every prefix 1..k-1"
echo "- wall time: $secs s; runner exit code $rc"
echo
echo "Counts are cut points survived / tried. Every cut is followed by a reboot (NVS: a remount)"
echo "and the invariants of \`tests/tools/powercut.c\`; \"double\" adds a second cut during that recovery."
echo
echo "| scenario | what is cut | ops (write/erase/eFuse burn) | linear | torn | double | total |"
echo "|---|---|---|---|---|---|---|"
all=1 counted=0
while read -r line; do
  name=$(kv scenario "$line")
  pairs=$(kv double_pairs "$line")
  case $pairs in
    every-pair) pairs="every pair" ;;
    seeds-*) pairs="random pairs, seeds ${pairs#seeds-}" ;;
  esac
  verdict=${line##* }
  [ "$verdict" = counted ] && counted=1
  [ "$verdict" = survived ] || [ "$verdict" = window ] || all=0
  echo "| $name | $(what "$name") | $(kv ops "$line") | $(kv linear "$line") | $(kv torn "$line") | $(kv double "$line") ($pairs) | $(kv total "$line") |"
done < <(grep '^result ' "$out")
echo
if grep -q '^window ' "$out"; then
  echo "Unprotectable windows, as the proof run found them (first-cut operation numbers of the scenario;"
  echo "every cut there leaves no bootloader that verifies, and the journal then names the pending"
  echo "bootloader copy: only a ROM that falls back to a recovery bootloader, the stage-bootloader row, boots):"
  echo
  grep '^window ' "$out" | sed -e 's/^window /- /'
  echo
fi
if [ "$counted" = 1 ]; then
  echo "Counted only (\`--count\`): nothing was cut in this run."
elif [ "$all" = 1 ] && [ "$rc" = 0 ]; then
  if grep -q '^window ' "$out"; then echo "Every cut point survived, except those of the unprotectable windows listed above."
  else echo "Every cut point survived."; fi
else
  echo "**NOT every cut point survived** — the FAIL lines of this run:"
  echo
  echo '```'
  grep -E '^(FAIL|  replay:)' "$out" | head -40
  echo '```'
fi
if grep -q '^resume-result ' "$out"; then
  echo
  echo "## Encrypted HTTPS OTA from nginx, cut and resumed"
  echo
  echo "\`tests/e2e/ota_resume_powercut.sh\` with \`FWSEAL_RESUME_CUT_FULL=1\` (a sample of it runs in \`make test\`):"
  echo "enc = encrypted for an RSA-3072 device key, ecies = for an ECIES-P256 device, plain = the signed plaintext image;"
  echo "a cut at every flash write/erase of the download (enc; every 4th for ecies and plain; the NVS writes of"
  echo "the checkpoints included; a torn cut keeps a seeded prefix of the operation, one per point),"
  echo "then a reboot and, unless the new image already runs, the same \`fwseal-device ota\` again, which"
  echo "resumes from the last checkpoint; \"double\" cuts that resumed run again. The op count varies by a"
  echo "few between runs (TLS read sizes shape the flash writes). Bytes re-downloaded = what was on flash"
  echo "at the cut minus the checkpoint resumed from; the resumed request is checked against nginx's log."
  echo
  while read -r line; do
    echo "- $(kv kind "$line"), $(kv schedule "$line"): $(kv survived "$line")/$(kv points "$line") cut points ended with the new image"\
      "verified, selected and booting ($(kv ops "$line") ops; most re-downloaded $(kv max_redownload "$line") bytes,"\
      "checkpoint interval $(kv interval "$line"); cut seed $(kv seed "$line"))"
  done < <(grep '^resume-result ' "$out")
  if grep -q '^resume-result .* bad=[1-9]' "$out"; then
    echo
    echo "**NOT every resumed cut point survived** — see the run's output."
  fi
fi
