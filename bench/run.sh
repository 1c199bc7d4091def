#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make bench: runs every bench/NN-*.sh part, each printing rows of the form
#   BENCH<TAB>section<TAB>metric<TAB>value<TAB>unit<TAB>baseline<TAB>ratio<TAB>note
# (baseline/ratio/note may be "-"), renders one table and writes build/bench.json
# and bench/RESULTS.md (the figures as measured, with the date, commit and load).
# Figures only: no pass/fail. A part that fails is reported, the others still run.
# BENCH_PARTS="20 30" runs only those parts; such a partial run writes
# build/RESULTS.partial.md instead of bench/RESULTS.md.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
export FWSEAL_BUILD=${FWSEAL_BUILD:-$root/build}
export FWSEAL_SHARED=${FWSEAL_SHARED:-$(cd "$root/.." && pwd)/shared}
export FWSEAL_ROOT=$root
export BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fwseal-bench.XXXXXX")
trap 'rm -rf "$BENCH_TMP"' EXIT
rows=$BENCH_TMP/rows.tsv
: >"$rows"

load_before=$(uptime)
for part in "$here"/[0-9]*.sh; do
  [ -f "$part" ] || continue
  if [ -n "${BENCH_PARTS:-}" ]; then
    n=$(basename "$part"); n=${n%%-*}
    case " $BENCH_PARTS " in *" $n "*) ;; *) continue ;; esac
  fi
  echo "bench: $(basename "$part") ..." >&2
  if ! bash "$part" 2>"$BENCH_TMP/err" | tee -a "$BENCH_TMP/raw" | grep $'^BENCH\t' | cut -f2- >>"$rows"; then
    :
  fi
  if [ "${PIPESTATUS[0]}" != 0 ]; then
    echo "bench: $(basename "$part") failed: $(tail -3 "$BENCH_TMP/err")" >&2
  fi
done

results=$here/RESULTS.md
[ -n "${BENCH_PARTS:-}" ] && results=$FWSEAL_BUILD/RESULTS.partial.md
export BENCH_META="$(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet 2>/dev/null || echo '+changes'); $(nproc) CPUs; parts: ${BENCH_PARTS:-all}; load before: ${load_before##*average: }; after: $(uptime | sed 's/.*average: //')"
python3 - "$rows" "$FWSEAL_BUILD/bench.json" "$results" <<'PY'
import json, os, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
rows = [r + ["-"] * (7 - len(r)) for r in rows]
hdr = ["section", "metric", "value", "unit", "baseline", "ratio", "note"]
w = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(hdr)]
line = lambda r: "  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip()
print(line(hdr)); print(line(["-" * x for x in w]))
for r in rows: print(line(r))
out = [dict(zip(hdr, r)) for r in rows]
json.dump({"rows": out, "meta": os.environ.get("BENCH_META", "")}, open(sys.argv[2], "w"), indent=1)
esc = lambda c: c.replace("|", "\\|")
with open(sys.argv[3], "w") as f:
    f.write("# make bench results\n\nWritten by bench/run.sh; do not edit by hand. "
            + os.environ.get("BENCH_META", "") + ".\n"
            "Wall-clock rows: min / median of interleaved runs (A B A B ...) on the machine named above;\n"
            "Ir rows: callgrind instruction counts. ratio = value / baseline; the note says what the baseline is.\n\n")
    f.write("| " + " | ".join(hdr) + " |\n|" + "---|" * len(hdr) + "\n")
    for r in rows: f.write("| " + " | ".join(esc(c) for c in r) + " |\n")
print(f"\n{len(rows)} figures; written to {sys.argv[2]} and {sys.argv[3]}")
PY
