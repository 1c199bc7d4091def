#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# docs/*.md and README.md: every repository path they point at (`dir/file.c`,
# `dir/`) exists, and every relative Markdown link resolves.
. "$(dirname "$0")/lib.sh"
cd "$FWSEAL_ROOT" || exit 3
n=0
for doc in README.md docs/*.md; do
  [ -f "$doc" ] || continue
  while read -r p; do
    n=$((n + 1))
    if [ -e "$p" ]; then ok "$doc → $p"; else fail "$doc points at $p" "no such path"; fi
  done < <(grep -o '`[a-z_./-]*[a-z_]/[a-zA-Z0-9_./-]*`' "$doc" | tr -d '`' | grep -Ev '^(\.\./|/|https?:)' \
           | grep -E '^(common|device|boot|keys|signer|encryptor|verify|cli|tests|fuzz|bench|scripts|docs|lib)/' | sort -u)
  while read -r l; do
    n=$((n + 1))
    if [ -e "$(dirname "$doc")/$l" ]; then ok "$doc links $l"; else fail "$doc links $l" "missing"; fi
  done < <(grep -o '](\([a-zA-Z0-9_./-]*\))' "$doc" | sed 's/^](//; s/)$//' | grep -v '^http' | sort -u)
done
[ "$n" -gt 10 ] && ok "$n paths and links checked" || fail "too few paths found" "$n"
