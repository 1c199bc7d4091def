# SPDX-License-Identifier: Apache-2.0
# Shared helpers of the bench parts (sourced). Rows:
#   BENCH<TAB>section<TAB>metric<TAB>value<TAB>unit<TAB>baseline<TAB>ratio<TAB>note
row() { printf 'BENCH\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"; }

# ileave N FN...: interleaved wall-clock runs, A B C A B C ... N rounds. Each
# FN is a shell function; FN_prep, if defined, runs first, untimed (e.g. to
# remove or create an output). The wall time of each run (ms, from bash's
# $EPOCHREALTIME: no fork inside the timed region) is appended to
# $BT/FN.ms. Returns 1 (and says which) if a run fails.
ileave() {
  local n=$1 i f t0 t1
  shift
  for f; do : >"$BT/$f.ms"; done
  for ((i = 0; i < n; i++)); do
    for f; do
      if declare -F "${f}_prep" >/dev/null; then "${f}_prep" >/dev/null 2>&1; fi
      t0=$EPOCHREALTIME
      "$f" >/dev/null 2>"$BT/$f.err" || { echo "bench: $f failed: $(head -c 300 "$BT/$f.err")" >&2; return 1; }
      t1=$EPOCHREALTIME
      awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }' >>"$BT/$f.ms"
    done
  done
}
# stat_min FN / stat_med FN: minimum / median of $BT/FN.ms (or of any file of numbers given as a path)
_vals() { if [ -f "$1" ]; then cat "$1"; else cat "$BT/$1.ms"; fi; }
stat_min() { _vals "$1" | sort -g | head -1; }
stat_med() {
  _vals "$1" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# x_ratio A B: A / B with two decimals and an x
x_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
# fmt_ms MIN MED: "MIN / MED"
minmed() { echo "$(stat_min "$1") / $(stat_med "$1")"; }

# callgrind instruction count of a command (stdout/stderr discarded)
cg_ir() {
  local out=$1
  shift
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1 || return 1
  grep -E '^(summary|totals):' "$out" | head -1 | awk '{ print $2 }'
}
have_callgrind() { command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; }
