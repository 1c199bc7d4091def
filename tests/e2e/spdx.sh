#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX headers (issue 13 §3): scripts/spdx.sh --check passes on the
# repository (every source/build file says Apache-2.0 in its first lines), and
# the script itself does what it says on a scratch tree: --check lists exactly
# the files without the line (not build/, not corpora, not data), --fix puts
# it in the file's comment syntax (after a #! line and a Python coding line),
# keeps modes and contents, compiles, and is idempotent.
. "$(dirname "$0")/lib.sh"
S=$FWSEAL_ROOT/scripts/spdx.sh

expect_exit 0 "scripts/spdx.sh --check: every source and build file has the SPDX line" "$S" --check
[ -s "$T/.out" ] && fail "  files without it" "$(head -20 "$T/.out")"

# ---- the script on a scratch git tree ----
R=$T/tree
mkdir -p "$R/src" "$R/scripts" "$R/tests/data" "$R/build" "$R/fuzz/corpus/x" "$R/fuzz/regressions/y"
cd "$R" && git init -q . && cd - >/dev/null || exit 3
printf '/* a module */\nint f(void) { return 1; }\n' >"$R/src/a.c"
printf '/* SPDX-License-Identifier: Apache-2.0 */\nint g(void);\n' >"$R/src/ok.h"
printf '#!/bin/sh\necho hi\n' >"$R/scripts/run.sh"; chmod 755 "$R/scripts/run.sh"
printf '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""doc"""\nprint("hi")\n' >"$R/tests/p.py"
printf 'all:\n\ttrue\n' >"$R/Makefile"
printf '#!/usr/bin/env bash\necho tool\n' >"$R/tests/tool"; chmod 755 "$R/tests/tool"
printf '/* SPDX-License-Identifier: MIT */\nint h;\n' >"$R/src/mit.c"
printf 'int built;\n' >"$R/build/gen.c"
printf '#!not a script\n' >"$R/fuzz/corpus/x/seed"
printf 'int regress;\n' >"$R/fuzz/regressions/y/r.c"
printf 'binary\n' >"$R/tests/data/blob.bin"
: >"$R/src/empty.h"
printf '/* This file mentions SPDX-License-Identifier: Apache-2.0 in prose. */\nint m;\n' >"$R/src/mention.c"
printf 'build/\n' >"$R/.gitignore"

expect_exit 1 "--check on a tree with files missing the line exits 1" "$S" --check "$R"
expect_stderr "8 file\\(s\\) without" "  and says how many"
cp "$T/.out" "$T/got"
printf 'Makefile\nscripts/run.sh\nsrc/a.c\nsrc/empty.h\nsrc/mention.c\nsrc/mit.c (another SPDX licence: not changed)\ntests/p.py\ntests/tool\n' >"$T/want"
check "  lists exactly the files without it (not build/, corpora, regressions, data; a mention in prose is not the line)" diff "$T/want" "$T/got"

rm "$R/src/mit.c"
expect_exit 0 "--fix inserts the line" "$S" --fix "$R"
expect_exit 0 "  then --check passes" "$S" --check "$R"
check "  C: a comment on line 1, the file otherwise unchanged" \
  test "$(cat "$R/src/a.c")" = "$(printf '/* SPDX-License-Identifier: Apache-2.0 */\n/* a module */\nint f(void) { return 1; }')"
check "  C: still compiles" cc -std=c11 -Wall -Wextra -Werror -c "$R/src/a.c" -o "$T/a.o"
check "  shell: after the #! line" test "$(sed -n 2p "$R/scripts/run.sh")" = "# SPDX-License-Identifier: Apache-2.0"
check "  shell: #! still first, mode kept, still runs" \
  bash -c 'head -1 "$1" | grep -qx "#!/bin/sh" && test "$(stat -c %a "$1")" = 755 && test "$("$1")" = hi' _ "$R/scripts/run.sh"
check "  python: after the #! and coding lines" test "$(sed -n 3p "$R/tests/p.py")" = "# SPDX-License-Identifier: Apache-2.0"
check "  python: still runs" test "$(python3 "$R/tests/p.py")" = hi
check "  Makefile: a # comment on line 1, make still works" \
  bash -c 'head -1 "$1/Makefile" | grep -qx "# SPDX-License-Identifier: Apache-2.0" && make -s -C "$1" all' _ "$R"
check "  an empty header gets the line" grep -qx '/\* SPDX-License-Identifier: Apache-2.0 \*/' "$R/src/empty.h"
check "  build/, corpora, regressions, data untouched" \
  bash -c 'test "$(cat "$1/build/gen.c")" = "int built;" && test "$(cat "$1/fuzz/corpus/x/seed")" = "#!not a script" && test "$(cat "$1/fuzz/regressions/y/r.c")" = "int regress;"' _ "$R"
(cd "$R" && find . -path ./.git -prune -o -type f -print | sort | xargs sha256sum) >"$T/sum1"
expect_exit 0 "--fix again changes nothing" "$S" --fix "$R"
(cd "$R" && find . -path ./.git -prune -o -type f -print | sort | xargs sha256sum) >"$T/sum2"
check "  (same bytes)" cmp -s "$T/sum1" "$T/sum2"
expect_exit 2 "no mode: usage error (exit 2)" "$S"
expect_exit 3 "a directory that does not exist: exit 3" "$S" --check "$T/nope"
