#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Man pages from the --help texts, so they never drift from the binaries:
#   fwseal(1), fwseal-CMD(1) for each `fwseal CMD --help`, and the same for
#   fwseal-device. Usage: scripts/gen-man.sh BINDIR OUTDIR  (writes OUTDIR/man1)
# Each page: NAME (from the command list of `PROG --help`), SYNOPSIS (the
# usage lines), DESCRIPTION (the rest of the help, verbatim), EXIT STATUS,
# SEE ALSO. The text is escaped for troff (backslashes, leading . and ').
set -euo pipefail
bindir=$1 out=$2/man1
mkdir -p "$out"
version=$("$bindir/fwseal" --version | awk '{print $2}')
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(stat -c %Y "$bindir/fwseal")}" +%Y-%m-%d)

esc() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

# page NAME SECTION-TITLE SUMMARY HELP-TEXT-FILE SEE-ALSO
page() {
  local name=$1 summary=$2 help=$3 see=$4 f=$out/$1.1
  {
    printf '.TH %s 1 "%s" "fwseal %s" "fwseal manual"\n' "$(echo "$name" | tr a-z A-Z)" "$date" "$version"
    printf '.SH NAME\n%s \\- %s\n' "$name" "$(printf '%s' "$summary" | esc)"
    printf '.SH SYNOPSIS\n.nf\n'
    sed -n '/^usage:/,/^$/p' "$help" | sed -e 's/^usage: *//' -e 's/^       //' -e '/^$/d' | esc
    printf '.fi\n.SH DESCRIPTION\n.nf\n'
    sed '1,/^$/d' "$help" | esc
    printf '.fi\n.SH EXIT STATUS\n0 ok, 1 input rejected (invalid, tampered, untrusted), 2 usage error, 3 I/O or environment error'
    [ "${name#fwseal-device}" != "$name" ] && printf '; 99 simulated power cut'
    # page names stay whole: no hyphenation, and \- (no line break after it)
    printf '.\n.SH SEE ALSO\n.nh\n.ad l\n%s\n' "$(printf '%s' "$see" | sed 's/-/\\-/g')"
  } >"$f"
}

for prog in fwseal fwseal-device; do
  "$bindir/$prog" --help >"$out/.$prog.help"
  # command list: two-space indent, name, summary (between "commands:" and the next blank line)
  cmds=$(sed -n '/^commands:/,/^$/p' "$out/.$prog.help" | sed -n 's/^  \([a-z][a-z0-9-]*\)  *\(.*\)$/\1\t\2/p')
  see=$(printf '%s\n' "$cmds" | cut -f1 | sed "s/^/$prog-/; s/\$/(1)/" | paste -sd, - | sed 's/,/, /g')
  page "$prog" "$( [ $prog = fwseal ] && echo 'sign, encrypt and verify ESP-IDF compatible firmware images' || echo 'drive a simulated ESP32-class device')" \
    "$out/.$prog.help" "$see"
  # the overview has no usage: block of its own beyond the first line
  while IFS=$'\t' read -r cmd summary; do
    [ -n "$cmd" ] || continue
    "$bindir/$prog" "$cmd" --help >"$out/.$prog-$cmd.help" 2>&1 || true
    page "$prog-$cmd" "$summary" "$out/.$prog-$cmd.help" "$prog(1)"
  done <<<"$cmds"
  rm -f "$out"/.$prog*.help
done
