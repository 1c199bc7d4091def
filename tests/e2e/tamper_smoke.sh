#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fast subset of the tamper matrix (make tamper runs all of it): every 250th
# trial of each matrix, each OTA'd into a fresh copy of a provisioned device
# through the real pipeline: rejected, old image boots, passive slot erased.
. "$(dirname "$0")/lib.sh"
out=$T/tamper.out
bash "$FWSEAL_ROOT/tests/tamper/run.sh" --subset 250 >"$out" 2>&1
rc=$?
cat "$out"
if [ "$rc" -eq 0 ]; then ok "tamper subset: every tampered image rejected"; else fail "tamper subset" "$(grep -E 'FAIL|refused|need' "$out" | head -3)"; fi
line=$(grep -E '^tamper: [0-9]+/[0-9]+ tampered images rejected' "$out")
n=$(echo "$line" | sed -E 's#^tamper: ([0-9]+)/([0-9]+).*#\1 \2#')
read -r rej tried <<<"$n"
if [ -n "${tried:-}" ] && [ "$tried" -ge 40 ] && [ "$rej" = "$tried" ]; then ok "tamper subset: $rej/$tried rejected"; else fail "tamper subset counts" "$line"; fi
for m in "container: header" "container: signature sector" "re-encrypted: sig. block"; do
  if grep -q "^$m" "$out"; then ok "matrix ran: $m"; else fail "matrix missing: $m"; fi
done
