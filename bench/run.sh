#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make bench: runs every bench/NN-*.sh part, each printing rows of the form
#   BENCH<TAB>section<TAB>metric<TAB>value<TAB>unit<TAB>baseline<TAB>ratio<TAB>note
# (baseline/ratio/note may be "-"), renders one table and writes build/bench.json
# and bench/RESULTS.md (the figures as measured, with the date, commit and load).
# Figures only: no pass/fail. A part that fails is reported, the others still run.
# BENCH_PARTS="20 30" runs only those parts; such a partial run writes
# build/RESULTS.partial.md instead of bench/RESULTS.md, unless BENCH_MERGE=1:
# then the rows of the sections it measured replace those sections' rows in
# bench/RESULTS.md (the other rows stay, the header says what was re-run when).
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
[ -n "${BENCH_PARTS:-}" ] && [ "${BENCH_MERGE:-0}" != 1 ] && results=$FWSEAL_BUILD/RESULTS.partial.md
export BENCH_META="$(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet 2>/dev/null || echo '+changes'); $(nproc) CPUs; parts: ${BENCH_PARTS:-all}; load before: ${load_before##*average: }; after: $(uptime | sed 's/.*average: //')"
python3 - "$rows" "$FWSEAL_BUILD/bench.json" "$results" <<'PY'
import json, os, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
rows = [r + ["-"] * (7 - len(r)) for r in rows]
meta = os.environ.get("BENCH_META", "")
if os.environ.get("BENCH_MERGE") == "1" and os.environ.get("BENCH_PARTS") and os.path.exists(sys.argv[3]):
    # keep the other sections' rows of the last full run, replace the re-measured ones
    old = open(sys.argv[3]).read().split("\n")
    done = {r[0] for r in rows}
    kept = [[c.replace("\\|", "|") for c in l[2:-2].split(" | ")] for l in old
            if l.startswith("| ") and l.endswith(" |") and not l.startswith("| section |")]
    kept = [r for r in kept if len(r) == 7 and r[0] not in done]
    first = next((l for l in old if l.startswith("Written by bench/run.sh")), "")
    prev = first[len("Written by bench/run.sh; do not edit by hand. "):].rstrip(".")
    meta = prev + ". Sections " + ", ".join(sorted(done)) + " re-measured (BENCH_MERGE): " + meta
    rows = kept + rows
hdr = ["section", "metric", "value", "unit", "baseline", "ratio", "note"]
w = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(hdr)]
line = lambda r: "  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip()
print(line(hdr)); print(line(["-" * x for x in w]))
for r in rows: print(line(r))
out = [dict(zip(hdr, r)) for r in rows]
json.dump({"rows": out, "meta": meta}, open(sys.argv[2], "w"), indent=1)
esc = lambda c: c.replace("|", "\\|")
with open(sys.argv[3], "w") as f:
    f.write("# make bench results\n\nWritten by bench/run.sh; do not edit by hand. "
            + meta + ".\n"
            "Wall-clock rows: min / median of interleaved runs (A B A B ...) on the machine named above;\n"
            "Ir rows: callgrind instruction counts. ratio = value / baseline; the note says what the baseline is.\n\n")
    f.write("| " + " | ".join(hdr) + " |\n|" + "---|" * len(hdr) + "\n")
    for r in rows: f.write("| " + " | ".join(esc(c) for c in r) + " |\n")
print(f"\n{len(rows)} figures; written to {sys.argv[2]} and {sys.argv[3]}")
PY
