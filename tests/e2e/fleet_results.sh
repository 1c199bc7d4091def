#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/fleet/RESULTS.md is written by `make fleet` (tests/fleet/run.sh), never
# by hand: check that the file docs/guide.md points at is a complete full run
# of the current script (at least 200 devices, the three rollout stages, all
# devices updated once by 100 %, every hostile release the script publishes
# refused by every device, no OTA-slot write except the good chunks before a
# tampered last one), so a stale or hand-edited table fails here.
. "$(dirname "$0")/lib.sh"
R=$FWSEAL_ROOT/tests/fleet/RESULTS.md
RUN=$FWSEAL_ROOT/tests/fleet/run.sh
check "tests/fleet/RESULTS.md exists" test -s "$R"
check "written by the run (header)" grep -q 'Written by `make fleet`' "$R"
n=$(sed -n 's/^Fleet of \([0-9]*\) simulated devices.*/\1/p' "$R")
[ "${n:-0}" -ge 200 ] && ok "a full run: $n devices" || fail "device count" "${n:-none}"
# rows of a table whose first cell matches REGEX
rows() { grep -E "^\| $1" "$R"; }
[ "$(rows '[0-9]+ % \|' | wc -l)" -eq 3 ] && ok "three rollout stages" || fail "stages" "$(rows '[0-9]+ % \|')"
for pct in 10 50 100; do rows "$pct % \|" | grep -q . && ok "stage $pct % present" || fail "stage $pct % missing"; done
rows '100 % \|' | grep -q "| $n / $n |" && ok "all $n devices updated by 100 %" || fail "100 % row" "$(rows '100 % \|')"
rows '[0-9]+ % \|' | awk -F'|' '{ gsub(/ /, "", $8); if ($8 != "0") bad = 1 } END { exit bad }' &&
  ok "no device refused or failed during the rollout" || fail "rollout refusals" "$(rows '[0-9]+ % \|')"
# hostile releases: the script's hostile calls against the file's rows
want=$(grep -cE '^hostile [a-zA-Z0-9]+ ' "$RUN")
got=$(awk -F'|' 'f && NF > 3 { n++ } /^\| hostile release/ { f = 1; getline } END { print n + 0 }' "$R")
[ "$got" -eq "$want" ] && ok "one row per hostile release of the script ($want)" || fail "hostile rows" "file $got, script $want"
awk -F'|' -v n="$n" 'f && NF > 3 { x = $3; gsub(/ /, "", x); if (x != n "/" n) bad = 1 } /^\| hostile release/ { f = 1; getline }
  END { exit bad }' "$R" && ok "every hostile release refused by all $n devices" || fail "hostile refusals"
awk -F'|' 'f && NF > 3 { x = $4; gsub(/^ +| +$/, "", x); if (x != "0" && $2 !~ /last/) bad = 1; if ($2 ~ /last/ && x !~ /below the bad chunk/) bad = 1 }
  /^\| hostile release/ { f = 1; getline } END { exit bad }' "$R" &&
  ok "no OTA-slot write of a hostile release (tampered last chunk: only the good chunks before it)" || fail "slot writes"
