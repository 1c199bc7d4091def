#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every subcommand of both CLIs answers --help on stdout (exit 0) with its
# usage, its options and at least one example (issue 8: help is documentation).
. "$(dirname "$0")/lib.sh"
for tool in "$FWSEAL" "$FWDEV"; do
  name=$(basename "$tool")
  cmds=$("$tool" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{if (n++) exit}')
  [ -n "$cmds" ] && ok "$name --help lists its commands" || fail "$name --help lists no commands"
  for c in $cmds; do
    "$tool" "$c" --help >"$T/h.out" 2>"$T/h.err"
    rc=$?
    if [ "$rc" -eq 0 ] && grep -qi '^usage:' "$T/h.out" && grep -qi 'example' "$T/h.out"; then
      ok "$name $c --help: usage and example"
    else
      fail "$name $c --help" "exit $rc; usage line: $(grep -ci '^usage:' "$T/h.out"), example: $(grep -ci example "$T/h.out")"
    fi
  done
done
