#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX licence headers (issue 13 §3): every source and build file of the
# repository carries "SPDX-License-Identifier: Apache-2.0" in its first lines.
#
#   scripts/spdx.sh --check [DIR]   list the files without it (exit 1 if any)
#   scripts/spdx.sh --fix [DIR]     insert it where missing, then check again
#
# Files: those git knows in DIR (tracked, plus new files not ignored), or all
# files under DIR outside git. Covered: *.c *.h *.sh *.py *.bash *.mk
# *.pc.in Makefile, and any file with a #! line under scripts/ tests/ fuzz/
# bench/ .ci/. Never: build/, fuzz corpora and regression inputs, test data.
#
# --fix writes "/* SPDX-License-Identifier: Apache-2.0 */" as line 1 of C
# files, "# SPDX-License-Identifier: Apache-2.0" as line 1 of the others, or
# after the #! line (and after a Python coding line) when there is one. A
# file that names another licence in an SPDX line is reported, not changed.
# Exit: 0 every file has the line, 1 some do not (listed on stdout), 2 usage,
# 3 DIR unreadable.
set -u
LICENSE_ID="Apache-2.0"
TAG="SPDX-License-Identifier"
HEAD_LINES=5

usage() {
  echo "usage: scripts/spdx.sh --check|--fix [DIR]   (--help for more)" >&2
  exit 2
}

mode=""
case "${1:-}" in
  --check) mode=check ;;
  --fix) mode=fix ;;
  -h|--help) sed -n '2,/^set -u/{/^set -u/d;/^# SPDX-License-Identifier: /d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
  *) echo "spdx.sh: --check or --fix expected" >&2; usage ;;
esac
[ $# -le 2 ] || { echo "spdx.sh: too many arguments" >&2; usage; }
root=${2:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" 2>/dev/null || { echo "spdx.sh: $root: cannot enter" >&2; exit 3; }

list_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard | tr '\0' '\n'
  else
    find . -type f ! -path './.git/*' | sed 's|^\./||'
  fi
}

covered() { # PATH: is it a source or build file?
  local p=$1
  case "$p" in
    build/*|*/build/*|fuzz/corpus/*|fuzz/regress*/*|*/testdata/*|*/data/*) return 1 ;;
  esac
  case "${p##*/}" in
    *.c|*.h|*.sh|*.py|*.bash|*.mk|*.pc.in|Makefile) return 0 ;;
  esac
  case "$p" in
    scripts/*|tests/*|fuzz/*|bench/*|.ci/*)
      [ -f "$p" ] && head -c 2 "$p" 2>/dev/null | grep -q '^#!' && return 0 ;;
  esac
  return 1
}

# The line must be a comment of its own ("# TAG: ID", "/* TAG: ID */", "// TAG: ID"),
# not a mention of the tag inside other text.
has_tag() { head -n "$HEAD_LINES" "$1" | grep -Eq "^[[:space:]]*(#|/\\*|//)[[:space:]]*$TAG: $LICENSE_ID([[:space:]]*\\*/)?[[:space:]]*\$"; }
other_tag() { head -n "$HEAD_LINES" "$1" | grep -Eq "^[[:space:]]*(#|/\\*|//)[[:space:]]*$TAG:"; }

insert_tag() { # PATH
  local p=$1 line after=0
  case "${p##*/}" in
    *.c|*.h) line="/* $TAG: $LICENSE_ID */" ;;
    *) line="# $TAG: $LICENSE_ID"
       head -n 1 "$p" | grep -q '^#!' && after=1
       # a Python coding declaration must stay in the first two lines
       if sed -n "$((after + 1))p" "$p" | grep -Eq '^[ \t\f]*#.*coding[:=]'; then after=$((after + 1)); fi ;;
  esac
  if [ ! -s "$p" ]; then
    printf '%s\n' "$line" >"$p"
  elif [ "$after" -eq 0 ]; then
    sed -i "1i\\$line" "$p"
  else
    sed -i "${after}a\\$line" "$p"
  fi
}

missing=0 foreign=0
while IFS= read -r f; do
  [ -n "$f" ] && [ -f "$f" ] && covered "$f" || continue
  has_tag "$f" && continue
  if other_tag "$f"; then
    echo "$f (another SPDX licence: not changed)"
    foreign=$((foreign + 1))
    continue
  fi
  if [ "$mode" = fix ]; then
    insert_tag "$f" && has_tag "$f" && { echo "fixed: $f"; continue; }
    echo "spdx.sh: $f: could not insert the line" >&2
  else
    echo "$f"
  fi
  missing=$((missing + 1))
done < <(list_files | sort)

total=$((missing + foreign))
if [ "$total" -gt 0 ]; then
  echo "spdx.sh: $total file(s) without '$TAG: $LICENSE_ID' in their first $HEAD_LINES lines" >&2
  exit 1
fi
exit 0
