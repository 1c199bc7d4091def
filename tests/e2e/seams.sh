#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The seams of issue 12 §3/§4, checked on the source tree (no build needed).
#
# 1. Crypto seam. No file under device/ or boot/ includes a crypto library
#    header (<mbedtls/...>, <psa/...>, <openssl/...>) or calls an mbedtls_*
#    function, except
#      - the crypto backend, named for its role (*crypto*: today
#        device/fwd_crypto_mbedtls.c), which implements device/fwd_crypto.h;
#      - the TLS client (*tls*, fwd_http*): the transport's own backend, a
#        TLS stack is not a primitive the seam abstracts.
#    OpenSSL is never allowed on the device side. The seam header itself
#    (device/fwd_crypto.h) includes no library header, and the crypto files
#    include no format header of common/ (the seam knows no byte layout).
# 2. Formats only through common/ (comments and string literals are not
#    code: they are stripped first). No device/ or boot/ file (ports under
#    device/ included) re-declares a value common/*.h defines:
#      a. a #define or enum constant with a numeric value equal to a common
#         constant's value AND a name sharing at least two name tokens with
#         it (FWD_SBV2_BLOCK 1216 ~ FW_SBV2_BLOCK_SIZE), or sharing the last
#         token of a common enum member with a non-zero value
#         (S_VALID 2 ~ FW_OTA_VALID);
#      b. a numeric literal anywhere in code (comments stripped) equal to a
#         common MAGIC constant (0xE7 SBv2 block, 0xE9 image, 0x0788B6CF
#         container, 0x50AA / 0xEBEB partition table, ...), or the container
#         magic spelled as bytes (0xCF, 0xB6, ...);
#      c. a #define or enum constant equal to a common offset (*_OFF_*,
#         *OFFSET*, *CRC_COVERED*) whose value is distinctive (not 0..16,
#         not a power of two): block / header layout offsets such as 1196,
#         812, 404.
#    A self-test first runs the same detectors over synthetic files holding
#    the re-declarations the tree used to have, so a detector that stopped
#    detecting fails here instead of passing silently.
. "$(dirname "$0")/lib.sh"
cd "$FWSEAL_ROOT" || exit 3

# ---- 1. crypto seam ----------------------------------------------------------

allowed_crypto() {   # file may use the crypto / TLS library directly
  # a port's random source may seed the library's DRBG (device/port/NAME/*_rng.[ch])
  case "$1" in device/port/*/*_rng.[ch]) return 0 ;; esac
  case "$(basename "$1")" in
    *crypto*|*tls*|fwd_http*) return 0 ;;
    *) return 1 ;;
  esac
}

# crypto_violations FILE...: "file:line: text" of every forbidden use.
crypto_violations() {
  local f
  for f in "$@"; do
    grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]openssl/' "$f"
    allowed_crypto "$f" && continue
    grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](mbedtls|psa)/' "$f"
    # calls, with // and /* */ comment text removed first
    sed -e 's://.*$::' -e 's:/\*.*\*/::g' "$f" | grep -nE '\bmbedtls_[a-z0-9_]+[[:space:]]*\(' | sed "s|^|$f:|"
  done
}

mapfile -t dev_files < <(find device boot nvs -type f \( -name '*.c' -o -name '*.h' \) | sort)
[ "${#dev_files[@]}" -gt 30 ] && ok "${#dev_files[@]} device/boot/nvs files scanned" \
  || fail "too few device/boot files" "${#dev_files[@]}"

# self-test: the detector flags what it must
mkdir -p "$T/selftest/device"
printf '#include <mbedtls/sha256.h>\n' >"$T/selftest/device/fwd_verify.c"
printf 'static int f(void) { return mbedtls_sha256_ret(0, 0, 0, 0); }\n' >"$T/selftest/device/fwd_fe.c"
printf '#include <openssl/evp.h>\n' >"$T/selftest/device/fwd_crypto_x.c"
printf '#include <mbedtls/gcm.h>\n/* mbedtls_gcm_free() is documented here */\n' >"$T/selftest/device/fwd_crypto_y.c"
out=$(crypto_violations "$T"/selftest/device/*.c)
for want in fwd_verify.c fwd_fe.c fwd_crypto_x.c; do
  if grep -q "$want" <<<"$out"; then ok "self-test: crypto detector flags $want"
  else fail "self-test: crypto detector misses $want" "$out"; fi
done
if grep -q fwd_crypto_y.c <<<"$out"; then fail "self-test: backend wrongly flagged" "$out"
else ok "self-test: the backend (*crypto*) may include mbedTLS"; fi

out=$(crypto_violations "${dev_files[@]}")
if [ -z "$out" ]; then ok "no device/boot file outside *crypto*/*tls*/fwd_http* uses mbedTLS, none uses OpenSSL"
else fail "crypto library used outside the crypto seam" "$out"; fi

check "the crypto seam header exists" test -f device/fwd_crypto.h
check "the mbedTLS backend implements the seam" grep -q '#include "device/fwd_crypto.h"' device/fwd_crypto_mbedtls.c
check "the mbedTLS backend is where mbedTLS is" grep -q '#include <mbedtls/' device/fwd_crypto_mbedtls.c
if grep -nE '#[[:space:]]*include[[:space:]]*<(mbedtls|psa|openssl)/' device/fwd_crypto.h >"$T/.hdr"; then
  fail "device/fwd_crypto.h includes a crypto library header" "$(cat "$T/.hdr")"
else ok "device/fwd_crypto.h includes no crypto library header"; fi
fmt_hdrs='fw_(sbv2|enc_header|image|partition|otadata|nvs[a-z_]*|flashenc)\.h'
if grep -nE "#[[:space:]]*include[[:space:]]*\"$fmt_hdrs\"" device/*crypto* >"$T/.fmt"; then
  fail "the crypto seam includes a format header" "$(cat "$T/.fmt")"
else ok "the crypto seam (device/*crypto*) knows no format of common/"; fi

# ---- 2. formats only through common/ --------------------------------------------

# redeclarations FILE...: prints "file:line: NAME VALUE ~ COMMON_NAME (rule)".
# Files named *crypto* are skipped by rules a and c (algorithm sizes, not
# formats; rule 1 already proves they include no format header).
redeclarations() {
  python3 - "$@" <<'EOF'
import os, re, sys

NUM = r'(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*'
DEF = re.compile(r'^\s*#\s*define\s+([A-Za-z_]\w*)\s+\(?\s*' + NUM + r'\s*\)?\s*(?:/[*/].*)?$')
ENUM = re.compile(r'\b([A-Za-z_]\w*)\s*=\s*' + NUM + r'\s*[,}]')
LIT = re.compile(r'\b' + NUM + r'\b')

def strip_comments(text):
    """Comments and string literals out, line numbers kept."""
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)

def number(s):
    s = s.lower()
    if s.startswith('0x'): return int(s, 16)
    return int(s, 8) if len(s) > 1 and s.startswith('0') else int(s)

def tokens(name):
    return [t for t in name.upper().split('_') if len(t) > 1 and t not in ('FW', 'FWD', 'FWB')]

def constants(path, text):
    """(line, name, value, is_enum) of numeric #defines and of enum members
    with an explicit numeric value."""
    out = []
    for i, line in enumerate(text.split('\n'), 1):
        m = DEF.match(line)
        if m: out.append((i, m.group(1), number(m.group(2)), False))
    for body in re.finditer(r'\benum\b[^{;]*\{([^}]*)\}', text):
        base = text.count('\n', 0, body.start(1)) + 1
        for m in ENUM.finditer(body.group(1) + '}'):
            line = base + body.group(1).count('\n', 0, m.start())
            out.append((line, m.group(1), number(m.group(2)), True))
    return out

common = []
for f in sorted(os.listdir('common')):
    if f.endswith('.h'):
        common += constants(f, strip_comments(open(os.path.join('common', f)).read()))
by_value = {}
for _, name, value, is_enum in common:
    by_value.setdefault(value, []).append((name, is_enum))
magics = {v for _, n, v, _ in common if n.endswith('MAGIC') and '_OFF_' not in n}
def distinctive(v): return v > 16 and (v & (v - 1)) != 0
offsets = {v: n for _, n, v, _ in common
           if re.search(r'_OFF_|OFFSET|CRC_COVERED|_OFF$', n) and distinctive(v)}

def similar(name, value):
    mine = set(tokens(name))
    for cname, is_enum in by_value.get(value, []):
        theirs = tokens(cname)
        if len(mine & set(theirs)) >= 2: return cname, 'a: same value, shared name tokens'
        if is_enum and value != 0 and theirs and theirs[-1] in mine:
            return cname, 'a: same value as a common enum member'
    return None

for path in sys.argv[1:]:
    text = strip_comments(open(path, errors='replace').read())
    seam = 'crypto' in os.path.basename(path)
    for line, name, value, _ in constants(path, text):
        if name.startswith('FW_') : continue          # common's own names (aliases)
        if not seam:
            hit = similar(name, value)
            if hit: print(f'{path}:{line}: {name} {value:#x} ~ {hit[0]} ({hit[1]})')
            if value in offsets: print(f'{path}:{line}: {name} {value} ~ {offsets[value]} (c: layout offset)')
        if value in magics:
            names = ', '.join(n for n, _ in by_value[value] if 'MAGIC' in n)
            print(f'{path}:{line}: {name} {value:#x} ~ {names} (b: magic)')
    for i, l in enumerate(text.split('\n'), 1):
        for m in LIT.finditer(l):
            v = number(m.group(1))
            if v in magics and (v > 0xFF or m.group(1).lower().startswith('0x')):
                names = ', '.join(n for n, _ in by_value[v] if 'MAGIC' in n)
                print(f'{path}:{i}: literal {m.group(1)} ~ {names} (b: magic)')
        if re.search(r'0x[cC][fF]\s*,\s*0x[bB]6', l):
            print(f'{path}:{i}: container magic bytes ~ FW_ENC_MAGIC (b: magic)')
EOF
}

# self-test: the re-declarations the tree had before issue 12
cat >"$T/selftest/device/fwd_old.c" <<'EOF'
#define BLK_MAGIC        0xE7u
#define BLK_OFF_CRC      1196u
#define RSA_OFF_SIG      812u
#define OFF_BIN_SIZE   404u
#define S_VALID     0x2u
#define FWD_SBV2_BLOCK       1216u
#define FWD_APP_DESC_OFF     0x20u
#define FWD_PST_DATA_NVS_KEYS 0x04
enum fwd_ota_img_state { FWD_OTA_IMG_ABORTED = 0x4, FWD_OTA_IMG_UNDEFINED = 0xFFFFFFFF };
static const unsigned char magic_bytes[4] = { 0xCF, 0xB6, 0x88, 0x07 };
static int is_image(const unsigned char *p) { return p[0] == 0xE9; }
EOF
cat >"$T/selftest/device/fwd_clean.c" <<'EOF'
#define FWD_PART_WBUF 4096u    /* chunk size: 0xE7 in a comment is fine */
#define FWD_OTA_SIZE_UNKNOWN 0xFFFFFFFFu
#define PROGRESS_STEP_MIN (64u * 1024u)
#define FWD_SBV2_BLOCK FW_SBV2_BLOCK_SIZE
enum fwd_fe_mode_x { FWD_FE_OFF_X = 0, FWD_FE_XTS128_X = 1 };
EOF
out=$(redeclarations "$T/selftest/device/fwd_old.c")
for want in BLK_MAGIC BLK_OFF_CRC RSA_OFF_SIG OFF_BIN_SIZE S_VALID FWD_SBV2_BLOCK FWD_APP_DESC_OFF \
            FWD_PST_DATA_NVS_KEYS FWD_OTA_IMG_ABORTED FWD_OTA_IMG_UNDEFINED 'container magic bytes' 'literal 0xE9'; do
  if grep -q "$want" <<<"$out"; then ok "self-test: format detector flags $want"
  else fail "self-test: format detector misses $want" "$(head -c 600 <<<"$out")"; fi
done
out=$(redeclarations "$T/selftest/device/fwd_clean.c")
if [ -z "$out" ]; then ok "self-test: format detector passes a clean file"
else fail "self-test: format detector flags a clean file" "$out"; fi

out=$(redeclarations "${dev_files[@]}")
if [ -z "$out" ]; then ok "no device/boot file re-declares a format value of common/"
else fail "device/boot re-declares format values of common/" "$out"; fi

# ---- scheme enum: one, in common/ --------------------------------------------------
if grep -rnE 'enum[[:space:]]+(fwh_key_type|fwd_decrypt_scheme|scheme)[[:space:]]*\{' \
     --include='*.[ch]' device boot keys signer verify encryptor host cli >"$T/.enum"; then
  fail "a scheme enum besides common's enum fw_sbv2_scheme / fw_enc_scheme" "$(cat "$T/.enum")"
else ok "signature schemes are named by common's enum fw_sbv2_scheme only"; fi
check "device scheme table has its rows" grep -q 'fwd_sig_ecdsa_p256' device/fwd_sig_table_all.c
# A port chooses its schemes by the table file it links (device/fwd_sig.h),
# never by preprocessor switches in the scheme code.
if grep -nE '^[[:space:]]*#[[:space:]]*if' device/fwd_sig*.c >"$T/.sigif"; then
  fail "device/fwd_sig*.c choose schemes with #if (link a table file instead)" "$(cat "$T/.sigif")"
else ok "device scheme choice is link-time only: no #if in device/fwd_sig*.c"; fi
check "the device libraries carry only the default scheme table" \
  sh -c '! ar t "$FWSEAL_BUILD/lib/libfwdevice.a" | grep -E "fwd_sig_table_(rsa|ecdsa)" && ar t "$FWSEAL_BUILD/lib/libfwdevice.a" | grep -qx fwd_sig_table_all.o'
check "host scheme table has its rows" grep -q 'fwh_sig_ecdsa_p256' keys/fwh_sig.c
