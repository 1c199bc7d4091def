#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Turn the ```sh blocks of a Markdown file into a bash script that runs every
command in order and reports each one through tests/e2e/lib.sh's ok/fail.

    docs_extract.py FILE.md [--skip REGEX]

A command is a line (plus its here-document or backslash continuations).
"! CMD" means CMD must be rejected: it passes only if CMD exits 1 (the CLI's
"input rejected" code), so a crash or a usage error never counts as a pass.
Commands matching --skip (e.g. the make targets that run these tests) are
listed as skipped."""
import re
import shlex
import sys


def blocks(text):
    out, cur = [], None
    for line in text.splitlines():
        if cur is None:
            if re.match(r"^```(sh|bash|shell)\s*$", line):
                cur = []
        elif line.startswith("```"):
            out.append(cur)
            cur = None
        else:
            cur.append(line)
    return out


def commands(lines):
    i, cmds = 0, []
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cmd = [line]
        while cmd[-1].endswith("\\") and i < len(lines):
            cmd.append(lines[i])
            i += 1
        m = re.search(r"<<-?\s*'?\"?(\w+)'?\"?", line)
        if m:
            end = m.group(1)
            while i < len(lines):
                cmd.append(lines[i])
                i += 1
                if cmd[-1].strip() == end:
                    break
        cmds.append("\n".join(cmd))
    return cmds


def main():
    path = sys.argv[1]
    skip = None
    if len(sys.argv) > 3 and sys.argv[2] == "--skip":
        skip = re.compile(sys.argv[3])
    n = 0
    print("# generated from %s by docs_extract.py" % path)
    for blk in blocks(open(path).read()):
        for cmd in commands(blk):
            n += 1
            first = cmd.splitlines()[0]
            label = shlex.quote("%s: %s" % (path.split("/")[-1], first[:110]))
            if skip and skip.search(first):
                print("echo %s" % shlex.quote("skip - " + first))
                continue
            if first.startswith("! "):
                body = cmd[2:]
                print("( %s\n) >\"$T/.out\" 2>\"$T/.err\"; __rc=$?" % body)
                print('if [ "$__rc" -eq 1 ]; then ok %s; else fail %s "exit $__rc, wanted 1 (rejected): $(head -c 300 "$T/.err")"; fi' % (label, label))
            else:
                print("{ %s\n} >\"$T/.out\" 2>\"$T/.err\"; __rc=$?" % cmd)
                print('if [ "$__rc" -eq 0 ]; then ok %s; else fail %s "exit $__rc: $(head -c 300 "$T/.err")"; fi' % (label, label))
    print("__docs_commands=%d" % n)


main()
