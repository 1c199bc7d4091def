#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Writes tests/tamper/RESULTS.md (to stdout) from the output of one
# tests/tamper/run.sh run:
#   results_md.sh RUNNER-OUTPUT SECONDS EXIT-CODE [FACTS-FILE]
# Every figure comes from that output or from this machine; nothing is typed.
set -u
out=$1 secs=$2 rc=$3 facts=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
img=$(sed -n "s/^tamper: image \([0-9]*\) bytes signed, \([0-9]*\) encrypted.*/\1 \2/p" "$out" | head -1)
read -r signed encrypted <<<"$img"
boots=$(sed -n 's/.*bootloader run for real \([0-9]*\) times.*/\1/p' "$out" | head -1)
# row LABEL-IN-OUTPUT: "rejected tried" of that matrix
row() {
  local l
  l=$(grep -F -- "$1" "$out" | head -1)
  l=${l#"$1"}
  awk '{ print $1, $2 }' <<<"$l"
}
read -r c_rej c_tried <<<"$(row 'container: header + body every 97th byte')"
read -r s_rej s_tried <<<"$(row 'container: signature sector')"
read -r r_rej r_tried <<<"$(row 're-encrypted: sig. block 0..1215 + every 97th')"
read -r p_rej p_tried <<<"$(row 're-encrypted: unused slots + tail')"
tot_rej=$((c_rej + s_rej + r_rej)) tot_tried=$((c_tried + s_tried + r_tried))
pct=$(awk -v a="$tot_rej" -v b="$tot_tried" 'BEGIN { printf "%.4g", b ? 100 * a / b : 0 }')

echo "# make tamper — measured figures"
echo
echo "Written by \`tests/tamper/run.sh\` (\`make tamper\`) from the run below; never edit by hand."
echo "\`tests/e2e/results_files.sh\` (in \`make test\`) fails when a count here is not what the"
echo "current code produces."
echo
if [ -n "$facts" ]; then cat "$facts"; else bash "$here/../../scripts/machine_facts.sh"; fi
echo "- images: app $signed bytes signed (\`fwseal mkimage --size 64K\`, RSA-3072 Secure Boot V2),"
echo "  $encrypted bytes encrypted (RSA-3072 device key); each trial OTA'd through the real device"
echo "  pipeline into a fresh copy of the provisioned device (flash encryption XTS-AES-256, key digest"
echo "  and secure_version in eFuse)"
grep -q '^tamper: image .*(subset)' "$out" && echo "- **subset run** (\`--subset\`): every N-th trial only, not the full matrix"
echo "- wall time: $secs s; runner exit code $rc"
echo
echo "| matrix | rejected | tried |"
echo "|---|---|---|"
echo "| container: every header byte + every 97th body byte, XOR 0x01 and 0xFF | $c_rej | $c_tried |"
echo "| container: every byte of the 4 KiB signature sector, XOR 0x01 and 0xFF | $s_rej | $s_tried |"
echo "| re-encrypted with a valid tag: every byte of signature block 0 (0..1215, padding included) + every 97th byte of the signed region | $r_rej | $r_tried |"
echo "| **total** | **$tot_rej** | **$tot_tried ($pct %)** |"
echo "| informational: re-encrypted, every 97th byte of the unused slots and tail (no format authenticates them) | $p_rej | $p_tried |"
echo
echo "After every rejection: the passive slot is entirely erased, the device state outside it"
echo "(otadata, running slot, NVS, eFuse) is byte-identical to before, and the bootloader,"
echo "run for real on $boots of the trials, boots the old image."
echo
echo "The device refuses a signature block whose padding (bytes 1200..1215) or reserved fields"
echo "are not as specified, like \`fwseal verify\` (FORMATS §2.9 rule 2), so those bytes are"
echo "counted in the total. The informational line is explained in docs/threat-model.md: a"
echo "flipped byte in an unused slot only makes that slot an invalid block, which the verifier"
echo "skips as ESP does (a vector requires an image with a corrupt block 1 to verify with block 0);"
echo "no booted byte changes, and in transit the GCM tag of the container covers those bytes too."
if [ "$rc" != 0 ]; then
  echo
  echo "**NOT every tampered image was rejected** — the FAIL lines of this run:"
  echo
  echo '```'
  grep -E '^FAIL' "$out" | head -40
  echo '```'
fi
