#!/usr/bin/env bash
# make install into a temporary DESTDIR (issue 13 §3): the two binaries run
# from there (--version), every man page renders (man -l, and man with
# MANPATH: `man fwseal-sign`), the bash completion completes commands and
# options of the installed binaries. The library/headers/pkg-config part of
# the install is not there yet (see the Makefile note).
. "$(dirname "$0")/lib.sh"
D=$T/root P=/usr/local
make -C "$FWSEAL_ROOT" --no-print-directory -s install BUILD="$FWSEAL_BUILD" DESTDIR="$D" PREFIX="$P" >"$T/install.log" 2>&1
check "make install DESTDIR=... PREFIX=/usr/local" test $? -eq 0
B=$D$P/bin M=$D$P/share/man C=$D$P/share/bash-completion/completions
ver=$(grep -o '"[0-9]*\.[0-9]*\.[0-9]*"' "$FWSEAL_ROOT/common/fw_version.h" | tr -d '"')
expect_exit 0 "installed fwseal --version" "$B/fwseal" --version
expect_stdout "^fwseal $ver$" "  prints $ver"
expect_exit 0 "installed fwseal-device --version" "$B/fwseal-device" --version
expect_stdout "^fwseal-device $ver$" "  prints $ver"
check "binaries are 0755" test "$(stat -c %a "$B/fwseal")" = 755

# one page per command of both CLIs, plus the two overviews
for prog in fwseal fwseal-device; do
  check "$prog.1 installed" test -f "$M/man1/$prog.1"
  for cmd in $("$B/$prog" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'); do
    if [ -f "$M/man1/$prog-$cmd.1" ] && man -l "$M/man1/$prog-$cmd.1" 2>/dev/null | grep -q "$prog $cmd"; then
      ok "man -l $prog-$cmd.1 renders the usage"
    else
      fail "man -l $prog-$cmd.1"
    fi
  done
done
expect_exit 0 "man fwseal-sign (MANPATH)" env MANPATH="$M" man fwseal-sign
expect_stdout "--resign" "  the page is the sign --help text"
expect_stdout "EXIT STATUS" "  with an EXIT STATUS section"
MANPATH=$M man fwseal-device >"$T/.out" 2>&1
expect_stdout "fwseal-device-ota\(1\)" "man fwseal-device refers to the command pages"

# bash completion, from the installed file and binaries
comp() { # comp WORDS...: COMPREPLY of the last word
  PATH="$B:$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _fwseal "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"; printf "%s\n" "${COMPREPLY[@]}"' _ "$C/fwseal" "$@"
}
check "completion file for fwseal-device too" test -e "$C/fwseal-device"
comp fwseal si >"$T/.out"; expect_stdout "^sign$" "fwseal si<TAB> -> sign"
comp fwseal "" >"$T/.out"; expect_stdout "^partition-table$" "fwseal <TAB> lists the commands"
comp fwseal sign --re >"$T/.out"; expect_stdout "^--resign$" "fwseal sign --re<TAB> -> --resign"
comp fwseal encrypt --req >"$T/.out"; expect_stdout "^--require-signed$" "fwseal encrypt --req<TAB>"
comp fwseal-device o >"$T/.out"; expect_stdout "^ota$" "fwseal-device o<TAB> -> ota"
comp fwseal-device init dev --flash-e >"$T/.out"; expect_stdout "^--flash-encryption$" "fwseal-device init --flash-e<TAB>"

make -C "$FWSEAL_ROOT" --no-print-directory -s uninstall BUILD="$FWSEAL_BUILD" DESTDIR="$D" PREFIX="$P" >/dev/null 2>&1
check "make uninstall leaves no file" test -z "$(find "$D" -type f -o -type l)"
