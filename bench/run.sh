#!/usr/bin/env bash
# make bench: runs every bench/NN-*.sh part, each printing rows of the form
#   BENCH<TAB>section<TAB>metric<TAB>value<TAB>unit<TAB>baseline<TAB>ratio<TAB>note
# (baseline/ratio/note may be "-"), renders one table and writes build/bench.json.
# Figures only: no pass/fail. A part that fails is reported, the others still run.
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

for part in "$here"/[0-9]*.sh; do
  [ -f "$part" ] || continue
  echo "bench: $(basename "$part") ..." >&2
  if ! bash "$part" 2>"$BENCH_TMP/err" | tee -a "$BENCH_TMP/raw" | grep $'^BENCH\t' | cut -f2- >>"$rows"; then
    :
  fi
  if [ "${PIPESTATUS[0]}" != 0 ]; then
    echo "bench: $(basename "$part") failed: $(tail -3 "$BENCH_TMP/err")" >&2
  fi
done

python3 - "$rows" "$FWSEAL_BUILD/bench.json" <<'PY'
import json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
rows = [r + ["-"] * (7 - len(r)) for r in rows]
hdr = ["section", "metric", "value", "unit", "baseline", "ratio", "note"]
w = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(hdr)]
line = lambda r: "  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip()
print(line(hdr)); print(line(["-" * x for x in w]))
for r in rows: print(line(r))
out = [dict(zip(hdr, r)) for r in rows]
json.dump({"rows": out}, open(sys.argv[2], "w"), indent=1)
print(f"\n{len(rows)} figures; written to {sys.argv[2]}")
PY
