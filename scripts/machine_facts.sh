#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Prints the facts of this machine and tree for a RESULTS file, as markdown
# list items: date (UTC), CPU, cores, kernel, compiler, commit. Used by the
# scripts that write tests/powercut/RESULTS.md and tests/tamper/RESULTS.md.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
[ -n "$cpu" ] || cpu=$(uname -p)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && ! git -C "$root" diff --quiet HEAD -- . ':!*RESULTS.md' 2>/dev/null; then
  commit="$commit + uncommitted changes"
fi
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: $cpu, $(nproc) core(s) online, $(uname -srm)"
echo "- compiler: $(${CC:-cc} --version 2>/dev/null | head -1)"
echo "- tree: commit $commit"
