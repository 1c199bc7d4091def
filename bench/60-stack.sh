#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench part: worst-case stack (and peak heap) of the device paths, from GCC's call-graph
# info (-fcallgraph-info=su: per-function frame sizes + call edges) of every
# device/, boot/, nvs/ and common/ module compiled for a Cortex-M4 (-Os), the same
# build as 50-size.sh. For each path (OTA, NVS, boot) the deepest chain from
# its public entry points is summed. Frames inside mbedTLS/libc are not in
# the graph (compiled elsewhere): the figure is fwseal's own share, the note
# names the chain and counts the external and indirect calls it leaves out.
set -u
root=${FWSEAL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
tmp=${BENCH_TMP:-$(mktemp -d)}/stack
mkdir -p "$tmp/inc" "$tmp/ci"
cc=arm-none-eabi-gcc
command -v $cc >/dev/null || { echo "60-stack: $cc not installed (make deps)" >&2; exit 3; }
ln -sfn /usr/include/mbedtls "$tmp/inc/mbedtls"
printf '#undef %s\n' MBEDTLS_THREADING_C MBEDTLS_THREADING_PTHREAD MBEDTLS_NET_C MBEDTLS_FS_IO \
  MBEDTLS_TIMING_C MBEDTLS_HAVEGE_C MBEDTLS_HAVE_TIME_DATE MBEDTLS_PSA_ITS_FILE_C \
  MBEDTLS_PSA_CRYPTO_STORAGE_C >"$tmp/inc/fwseal_m4_user_config.h"
flags=(-Os -mcpu=cortex-m4 -mthumb -std=c11 -I"$root" -I"$root/common" -isystem "$tmp/inc"
       -DMBEDTLS_USER_CONFIG_FILE='"fwseal_m4_user_config.h"' -fcallgraph-info=su)
for src in "$root"/common/*.c "$root"/nvs/*.c "$root"/device/*.c "$root"/boot/*.c; do
  [ -f "$src" ] || continue
  b=$(echo "${src#"$root"/}" | tr / _ | sed 's/\.c$//')
  (cd "$tmp/ci" && $cc "${flags[@]}" -c "$src" -o "$b.o" 2>/dev/null) ||
    echo "60-stack: ${src#"$root"/} does not build for cortex-m4" >&2
done
python3 - "$tmp/ci" <<'PY'
import glob, os, re, sys
node_re = re.compile(r'^node: \{ title: "([^"]+)" label: "([^"]*)"(.*)\}')
edge_re = re.compile(r'^edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
frame, kind, edges, external = {}, {}, {}, set()
for ci in glob.glob(os.path.join(sys.argv[1], "*.ci")):
    for line in open(ci):
        m = node_re.match(line)
        if m:
            title, label, rest = m.groups()
            parts = label.split("\\n")
            if "ellipse" in rest:
                external.add(title)
            elif len(parts) >= 3:
                mm = re.match(r"(\d+) bytes \(([^)]*)\)", parts[2])
                if mm:
                    frame[title] = int(mm.group(1)); kind[title] = mm.group(2)
            continue
        m = edge_re.match(line)
        if m:
            edges.setdefault(m.group(1), set()).add(m.group(2))
external -= set(frame)  # a function defined in another module is not external
memo = {}
def worst(f, stack=()):
    """(bytes, chain, externals, indirect, unbounded) of the deepest path from f."""
    if f in memo: return memo[f]
    if f in stack: return (0, [f + " (recursion)"], set(), 0, True)
    if f not in frame:
        return (0, [], {f} if f != "__indirect_call" else set(), 1 if f == "__indirect_call" else 0, False)
    best = (0, [], set(), 0, False); ext = set(); ind = 0; unb = "dynamic" in kind[f] and "bounded" not in kind[f]
    for g in sorted(edges.get(f, ())):
        r = worst(g, stack + (f,))
        ext |= r[2]; ind += r[3]; unb |= r[4]
        if r[0] > best[0] or (r[0] == best[0] and not best[1]): best = r
    res = (frame[f] + best[0], [f] + best[1], ext, ind, unb)
    memo[f] = res
    return res
name = lambda t: t.split(":")[-1]
paths = [("OTA path", r"^(fwd_ota_|fwd_decrypt_|fwd_http_|fwd_update_|fwd_verify_)"),
         ("OTA path without HTTPS", r"^(fwd_ota_|fwd_decrypt_|fwd_update_|fwd_verify_)"),
         ("NVS path", r"^(fwd_nvs_|fw_nvs_(mount|open|set_|get_|commit|erase_|iter_|stats|find))"),
         ("boot path", r"^fwb_")]
for label, rx in paths:
    entries = [f for f in frame if re.match(rx, f)]  # public (non-static) functions only
    if not entries:
        print(f"BENCH\tstack (cortex-m4 -Os)\t{label} worst case\t-\t-\t-\t-\tno entry points yet")
        continue
    tops = sorted(((worst(f), f) for f in entries), key=lambda x: -x[0][0])
    (b, chain, ext, ind, unb), f = tops[0]
    libs = sorted({e for e in ext if e.startswith("mbedtls_")})
    note = " > ".join(name(c) for c in chain[:7]) + (" > ..." if len(chain) > 7 else "")
    note += f"; +mbedTLS/libc frames not counted ({len(libs)} mbedTLS functions reachable)"
    if ind: note += f"; {ind} indirect call(s) not followed"
    if unb: note += "; UNBOUNDED (recursion or dynamic frame)"
    print(f"BENCH\tstack (cortex-m4 -Os)\t{label} worst case\t{b}\tbytes\t-\t-\t{note}")
    print(f"BENCH\tstack (cortex-m4 -Os)\t{label} entry points\t{len(entries)}\tfunctions\t-\t-\tdeepest: {name(f)}")
PY

# Peak heap (build/tools/heapmeter interposes the allocator) of the same
# paths, on the host simulator, with images made by the real CLI.
build=${FWSEAL_BUILD:-$root/build}
if [ -x "$build/tools/heapmeter" ] && [ -x "$build/bin/fwseal" ]; then
  H=$tmp/heap; mkdir -p "$H"; F=$build/bin/fwseal
  if "$F" keygen rsa3072 -o "$H/s.pem" --pub "$H/s_pub.pem" >/dev/null 2>&1 &&
     "$F" keygen rsa3072 -o "$H/e.pem" --pub "$H/e_pub.pem" >/dev/null 2>&1 &&
     "$F" digest "$H/s_pub.pem" -o "$H/d.bin" >/dev/null 2>&1 &&
     "$F" mkimage --chip esp32c3 --version 1.0.0 --secure-version 1 --project heap --size 256K -o "$H/1.bin" >/dev/null 2>&1 &&
     "$F" mkimage --chip esp32c3 --version 2.0.0 --secure-version 1 --project heap --size 256K -o "$H/2.bin" >/dev/null 2>&1 &&
     "$F" sign --key "$H/s.pem" "$H/1.bin" -o "$H/1.s" >/dev/null 2>&1 &&
     "$F" sign --key "$H/s.pem" "$H/2.bin" -o "$H/2.s" >/dev/null 2>&1 &&
     "$F" encrypt --pubkey "$H/e_pub.pem" "$H/2.s" -o "$H/2.e" >/dev/null 2>&1; then
    "$build/tools/heapmeter" "$H/1.s" "$H/2.s" "$H/2.e" "$H/e.pem" "$H/d.bin"
  else
    echo "60-stack: could not make the heap-meter images" >&2
  fi
fi
