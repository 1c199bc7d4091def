#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The RESULTS files are written by the scripts that measure them (issue 11):
# every count tests/powercut/RESULTS.md and tests/tamper/RESULTS.md name must
# be what the current code produces. Cheap: the runners' --count modes derive
# the schedules (one clean run per scenario, no cut, no trial) and this
# compares them with the files. A stale file (e.g. "ota 580 ops" when the OTA
# does 149) fails here; `make powercut` / `make tamper` rewrite them.
. "$(dirname "$0")/lib.sh"

PCR=$FWSEAL_ROOT/tests/powercut/RESULTS.md
TMR=$FWSEAL_ROOT/tests/tamper/RESULTS.md

# cells FILE NAME: the cells of the table row whose first cell starts with NAME
# (followed by a space or the cell's end), one per line, trimmed.
cells() {
  awk -v n="$2" -F'|' '
    { c = $2; gsub(/^ +| +$/, "", c) }
    c == n || index(c, n " ") == 1 { for (i = 2; i < NF; i++) { x = $i; gsub(/^ +| +$/, "", x); print x }; exit }
  ' "$1"
}

# powercut_mismatches RESULTS COUNT-OUTPUT: one line per figure that differs.
powercut_mismatches() {
  local res=$1 cnt=$2 line name ops lin torn dbl tot got
  while read -r line; do
    name=$(sed -n 's/.* scenario=\([^ ]*\).*/\1/p' <<<"$line")
    ops=$(sed -n 's/.* ops=\([0-9]*\).*/\1/p' <<<"$line")
    lin=$(sed -n 's#.* linear=[0-9]*/\([0-9]*\).*#\1#p' <<<"$line")
    torn=$(sed -n 's#.* torn=[0-9]*/\([0-9]*\).*#\1#p' <<<"$line")
    dbl=$(sed -n 's#.* double=[0-9]*/\([0-9]*\).*#\1#p' <<<"$line")
    tot=$(sed -n 's#.* total=[0-9]*/\([0-9]*\).*#\1#p' <<<"$line")
    # ops: the first all-digit cell; then linear, torn, double, total as "ok/tried ..."
    got=$(cells "$res" "$name" | awk '
      f == 0 && /^[0-9]+$/ { ops = $0; f = 1; next }
      f >= 1 && f <= 4 && match($0, /^\**[0-9]+\/[0-9]+/) { split(substr($0, RSTART, RLENGTH), a, "/"); t[f++] = a[2] }
      END { if (f) print ops, t[1], t[2], t[3], t[4] }')
    if [ -z "$got" ]; then echo "$name: no row"; continue; fi
    [ "$got" = "$ops $lin $torn $dbl $tot" ] ||
      echo "$name: file says ops/linear/torn/double/total = $got, the code gives $ops $lin $torn $dbl $tot"
  done < <(grep '^result ' "$cnt")
  # and no row for a scenario the runner does not have
  awk -F'|' 'f && NF > 3 { c = $2; gsub(/^ +| +$/, "", c); split(c, w, " "); print w[1] } /^\|---/ { f = 1 }' "$res" |
    while read -r name; do grep -q "^result scenario=$name " "$cnt" || echo "$name: row for a scenario the runner does not run"; done
}

# tamper_mismatches RESULTS COUNT-OUTPUT
tamper_mismatches() {
  local res=$1 cnt=$2 pair want got
  for pair in "container: every header byte|container: header + body every 97th byte" \
              "container: every byte of the 4 KiB signature sector|container: signature sector" \
              "re-encrypted with a valid tag|re-encrypted: sig. block 0..1215 + every 97th" \
              "informational: re-encrypted|re-encrypted: unused slots + tail"; do
    local label=${pair%%|*} out=${pair#*|} l
    l=$(grep -F -- "$out" "$cnt" | head -1); l=${l#"$out"}
    want=$(awk '{ print $2 }' <<<"$l")
    got=$(awk -F'|' -v n="$label" 'index($2, " " n) == 1 { x = $(NF - 1); gsub(/[^0-9]/, "", x); print x; exit }' "$res")
    [ -n "$want" ] && [ "$got" = "$want" ] || echo "$label: file says ${got:-nothing}, the code tries ${want:-?}"
  done
}

# ---- power cut (counted with the cut seed the file was measured with: the
# exhaustive double schedule depends on what each torn first cut left)
seed=$(sed -n 's/.*cut seed \([0-9][0-9]*\).*/\1/p' "$PCR" | head -1)
size=$(sed -n 's/.*`fwseal mkimage --size \([0-9]*[KM]*\)`.*/\1/p' "$PCR" | head -1)
POWERCUT_IMAGE_SIZE=${size:-256K} bash "$FWSEAL_ROOT/tests/powercut/run.sh" --count --cut-seed "${seed:-1}" >"$T/pc.count" 2>&1
check "powercut --count runs every scenario" test "$(grep -c '^result ' "$T/pc.count")" -ge 8
grep '^result ' "$T/pc.count"
check "powercut RESULTS.md is written by the script" grep -q 'Written by `tests/powercut/run.sh`' "$PCR"
check "powercut RESULTS.md has the date and machine" grep -Eq '^- date: [0-9]{4}-[0-9]{2}-[0-9]{2}' "$PCR"
powercut_mismatches "$PCR" "$T/pc.count" >"$T/pc.diff"
if [ -s "$T/pc.diff" ]; then
  fail "tests/powercut/RESULTS.md names the counts the code produces (re-run make powercut)" "$(tr '\n' ';' <"$T/pc.diff")"
else
  ok "tests/powercut/RESULTS.md names the counts the code produces"
fi
# the check itself catches a stale figure (the one issue 11 found: 580 ops for the OTA)
sed -E 's/^\| ota \|([^|]*)\| [0-9]+ \|/| ota |\1| 580 |/' "$PCR" >"$T/stale.md"
powercut_mismatches "$T/stale.md" "$T/pc.count" >"$T/stale.diff"
check "a stale OTA op count is caught" grep -q '^ota: ' "$T/stale.diff"

# ---- tamper
bash "$FWSEAL_ROOT/tests/tamper/run.sh" --count >"$T/tm.count" 2>&1
check "tamper --count runs" grep -q 'trials counted, none run' "$T/tm.count"
check "tamper RESULTS.md is written by the script" grep -q 'Written by `tests/tamper/run.sh`' "$TMR"
tamper_mismatches "$TMR" "$T/tm.count" >"$T/tm.diff"
if [ -s "$T/tm.diff" ]; then
  fail "tests/tamper/RESULTS.md names the counts the code produces (re-run make tamper)" "$(tr '\n' ';' <"$T/tm.diff")"
else
  ok "tests/tamper/RESULTS.md names the counts the code produces"
fi
sed -E 's/^(\| container: every header byte[^|]*\|[^|]*\|) [0-9]+ \|/\1 1 |/' "$TMR" >"$T/stale_t.md"
tamper_mismatches "$T/stale_t.md" "$T/tm.count" >"$T/stale_t.diff"
check "a stale tamper count is caught" grep -q 'container: every header byte' "$T/stale_t.diff"
