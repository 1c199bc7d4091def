#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench part: the device library on a real instruction set (issue 14): the
# Cortex-M4 images of `make target` (device/port/mps2-an386/, mbedTLS 3.6
# with device/port/mps2-an386/mbedtls_target_config.h, -Os
# -ffunction-sections --gc-sections, newlib-nano):
#   - code size of the boot image (size-boot.elf: every signature scheme;
#     size-boot-rsa.elf: RSA-3072 PSS only; size-boot-ecdsa.elf: ECDSA P-256
#     only -- the scheme table a port links, device/fwd_sig.h), the OTA image
#     without TLS (size-ota.elf) and with TLS (size-ota-tls.elf): text /
#     rodata / data / bss split fwseal / mbedTLS / libc / port+app, from the
#     linker map;
#   - RAM of each scenario run on the emulated CPU: static (.data+.bss) + peak
#     heap (sbrk high-water mark: blocks + allocator overhead) + peak stack
#     (painted at reset, scanned at exit: mbedTLS frames included);
#   - instructions on the emulated CPU (qemu -icount shift=0: 1 ns of virtual
#     time per instruction, read through SysTick, an386_rt.h): one image
#     verification (RSA-3072 PSS, ECDSA P-256), a whole boot, and an OTA per MiB (difference
#     of a 1 MiB and a 256 KiB image: fixed costs cancel), next to the raw
#     mbedTLS primitives measured the same way on the target (fwtest
#     bench-prims: SHA-256, AES-256-GCM, XTS-AES-128 in 128-byte units,
#     one PSS and one ECDSA verification).
# Goals (reported as ratios, not asserted): boot image <= 32 KiB of flash,
# OTA without TLS <= 40 KiB of RAM, OTA instructions per MiB <= 1.15x raw.
# Also rewrites the marked target block of docs/porting.md and README.md.
set -u
root=${FWSEAL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
B=${FWSEAL_BUILD:-$root/build}
V=${FWSEAL_SHARED:-$root/../shared}/vectors
FWSEAL=$B/bin/fwseal
FWDEV=$B/bin/fwseal-device
TG=$B/target
W=${BENCH_TMP:-$(mktemp -d)}/target
mkdir -p "$W" && cd "$W" || exit 3
PE=$V/pre_encrypted/rsa
row() { printf 'BENCH\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"; }
command -v qemu-system-arm >/dev/null || { echo "70-target: qemu-system-arm missing (make deps)" >&2; exit 3; }
make -C "$root" --no-print-directory -s BUILD="$B" target >&2 || { echo "70-target: make target failed" >&2; exit 3; }

# qemu ELF ARGS...: one power-on under -icount (deterministic instruction clock)
qemu() {
  local elf=$1 a args=""; shift
  for a in "$@"; do args="$args,arg=$a"; done
  timeout 300 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none -icount shift=0 \
    -semihosting-config "enable=on,target=native,arg=x$args" -kernel "$elf"
}
val() { sed -n "s/^$1 \([0-9]*\)$/\1/p" "$2" | tail -1; }   # "size: KEY N" / "fwtest: ... KEY N"

# ---- code size from the link maps ----------------------------------------------------
python3 - "$TG" >sizes.tsv <<'PY'
import re, sys
tg = sys.argv[1]
def cls(src):
    s = src.split("(")[0]
    if "libmbed" in s: return "mbedtls"
    if "libfwseal-device" in s or "libfwseal-tls" in s: return "fwseal"
    if "libc_nano" in s or "libgcc" in s or "libm" in s or "libnosys" in s or "/newlib/" in s or "libc.a" in s: return "libc"
    return "port"
kind_of = {".text": "text", ".rodata": "rodata", ".ARM.exidx": "rodata", ".init_array": "rodata", ".data": "data", ".bss": "bss"}
for img in ("size-boot", "size-boot-rsa", "size-boot-ecdsa", "size-ota", "size-ota-tls"):
    tot = {}
    out, pend = None, None
    for line in open(f"{tg}/{img}.map"):
        m = re.match(r"^(\.[A-Za-z_.]+)\s", line)
        if m and not line.startswith(" "):
            out = kind_of.get(m.group(1)); continue
        if line.startswith("Linker script and memory map"): continue
        if out is None: continue
        m = re.match(r"^ (\.[^\s]+|COMMON)\s*$", line)
        if m: pend = m.group(1); continue
        m = re.match(r"^ (\.[^\s]+|COMMON)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m and (m.group(1) or pend):
            size = int(m.group(3), 16)
            if size and int(m.group(2), 16):
                k = (cls(m.group(4)), out)
                tot[k] = tot.get(k, 0) + size
            pend = None; continue
        pend = None
    for who in ("fwseal", "mbedtls", "libc", "port"):
        for k in ("text", "rodata", "data", "bss"):
            print(img, who, k, tot.get((who, k), 0), sep="\t")
PY
sz() { awk -F'\t' -v i="$1" -v w="$2" -v k="$3" '$1 == i && (w == "all" || $2 == w) && (k == "all" || index(k, $3)) { s += $4 } END { print s + 0 }' sizes.tsv; }
for img in size-boot size-boot-rsa size-boot-ecdsa size-ota size-ota-tls; do
  case $img in
    size-boot) what="boot image (Secure Boot V2 bootloader)" ;;
    size-boot-rsa) what="boot image, RSA-3072 PSS only (fwd_sig_table_rsa.c, mbedTLS without SHA-384)" ;;
    size-boot-ecdsa) what="boot image, ECDSA P-256 only (fwd_sig_table_ecdsa_p256.c, mbedTLS without SHA-384, P-192, P-384)" ;;
    size-ota) what="OTA image without TLS" ;;
    *) what="OTA image with TLS 1.2" ;;
  esac
  for who in fwseal mbedtls libc port; do
    row target "$what: $who text/rodata/data/bss" "$(sz $img $who text)/$(sz $img $who rodata)/$(sz $img $who data)/$(sz $img $who bss)" bytes - - "$img.map"
  done
  flash=$(sz $img all "text rodata data")
  if [ $img = size-boot ]; then
    row target "$what: flash (text+rodata+data)" "$flash" bytes 32768 "$(awk -v a="$flash" 'BEGIN{printf "%.2fx", a/32768}')" "goal <= 32 KiB (MCUboot 21-48 KB with crypto)"
  elif [ "${img#size-boot-}" != "$img" ]; then
    row target "$what: flash (text+rodata+data)" "$flash" bytes 32768 "$(awk -v a="$flash" 'BEGIN{printf "%.2fx", a/32768}')" \
      "goal <= 32 KiB; fwseal $(sz $img fwseal "text rodata data") + mbedTLS $(sz $img mbedtls "text rodata data") + libc $(sz $img libc "text rodata data") + port/app $(sz $img port "text rodata data")"
  else
    row target "$what: flash (text+rodata+data)" "$flash" bytes - - "fwseal $(sz $img fwseal "text rodata data") + mbedTLS $(sz $img mbedtls "text rodata data") + libc $(sz $img libc "text rodata data") + port/app $(sz $img port "text rodata data")"
  fi
  eval "FLASH_${img//-/_}=$flash"
done
tls_static=$(sz size-ota-tls all "data bss")
row target "OTA image with TLS 1.2: static RAM (data+bss)" "$tls_static" bytes - - \
  "from the map; at run time mbedTLS adds the record buffers (MBEDTLS_SSL_IN_CONTENT_LEN, make target TGT_SSL_IN_CONTENT_LEN=4096; OUT 2048) and the handshake: the TLS RAM row below"

# ---- devices, images ---------------------------------------------------------------------
$FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null && $FWSEAL keygen ecdsa-p256 -o ec.pem --pub ec_pub.pem >/dev/null &&
  $FWSEAL keygen flash-xts-128 -o fe.bin >/dev/null || exit 3
cat >parts.csv <<'PARTS'
# Name,   Type, SubType, Offset,   Size, Flags
nvs,      data, nvs,     ,        0x4000,
otadata,  data, ota,     ,        0x2000,
phy_init, data, phy,     ,        0x1000,
ota_0,    app,  ota_0,   ,        1536K,
ota_1,    app,  ota_1,   ,        1536K,
PARTS
mk() { # VERSION SIZE NAME KEY
  $FWSEAL mkimage --chip esp32c3 --version "$1" --secure-version 1 --project bench --size "$2" -o "$3.bin" >/dev/null &&
    $FWSEAL sign --no-chip-check --key "$4" "$3.bin" -o "$3.s.bin" >/dev/null &&
    $FWSEAL encrypt --pubkey "$PE/rsa_pub_key.pem" "$3.s.bin" -o "$3.enc" >/dev/null
}
mk 1.0.0 256K base sb.pem && mk 1.0.0 256K base_ec ec.pem && mk 2.0.0 1M big sb.pem && mk 2.0.1 256K small sb.pem &&
  mk 2.0.2 32K tiny sb.pem || exit 3
newdev() { # DIR KEY_PUB IMAGE
  rm -rf "$1"
  $FWDEV init "$1" --partitions parts.csv --flash-encryption xts-128 --flash-key fe.bin --secure-boot-key "$2" \
    --decrypt-key "$PE/rsa_priv_key.pem" >/dev/null && $FWDEV flash "$1" --partition ota_0 "$3" >/dev/null
}
newdev rsa sb_pub.pem base.s.bin && newdev ec ec_pub.pem base_ec.s.bin || exit 3
IMG=$(stat -c %s base.s.bin)

# ---- raw primitives on the target ---------------------------------------------------------
cp -a rsa prims
qemu "$TG/fwtest.elf" prims bench-prims >prims.out 2>&1 || { echo "70-target: bench-prims failed" >&2; cat prims.out >&2; exit 3; }
prim() { sed -n "s/^fwtest: prim $1 insns \([0-9]*\) .*/\1/p" prims.out; }
CAL=$(prim calibration-20000000)
row target "instruction counter calibration: a 20000000-instruction loop" "$CAL" insn 20000000 \
  "$(awk -v a="$CAL" 'BEGIN{printf "%.4fx", a/20000000}')" "qemu -icount shift=0 (1 ns per instruction) read through SysTick (25 MHz: 40 ns per tick)"
SHA=$(prim sha256) GCM=$(prim aes256-gcm-decrypt) XE=$(prim xts128-encrypt) XD=$(prim xts128-decrypt)
PSS=$(prim rsa3072-pss-verify) ECV=$(prim ecdsa-p256-verify)
row target "raw: SHA-256" "$SHA" insn/MiB - - "mbedTLS on the Cortex-M4"
row target "raw: AES-256-GCM decrypt" "$GCM" insn/MiB - - "mbedTLS on the Cortex-M4"
row target "raw: XTS-AES-128 encrypt (128-byte units)" "$XE" insn/MiB - - "mbedTLS on the Cortex-M4"
row target "raw: XTS-AES-128 decrypt (128-byte units)" "$XD" insn/MiB - - "mbedTLS on the Cortex-M4"
row target "raw: RSA-3072 PSS verify" "$PSS" insn - - "one verification"
row target "raw: ECDSA P-256 verify" "$ECV" insn - - "one verification"

# ---- boot: one verification per scheme ----------------------------------------------------
for k in rsa ec; do
  qemu "$TG/size-boot.elf" $k >boot_$k.out 2>&1 || { echo "70-target: boot $k failed" >&2; cat boot_$k.out >&2; exit 3; }
  ins=$(val "size: insns" boot_$k.out)
  sig=$([ $k = rsa ] && echo "$PSS" || echo "$ECV")
  raw=$(awk -v s="$SHA" -v x="$XD" -v n="$IMG" -v g="$sig" 'BEGIN { printf "%d", (s + x) * n / 1048576 + g }')
  name=$([ $k = rsa ] && echo "RSA-3072 PSS" || echo "ECDSA P-256")
  row target "boot: whole bootloader run, $name ($((IMG / 1024)) KiB image, flash encryption)" "$ins" insn "$raw" \
    "$(awk -v a="$ins" -v b="$raw" 'BEGIN{printf "%.2fx", a/b}')" "vs raw XTS decrypt + SHA-256 of the image + one $name verify; fwb_boot verifies the chosen image twice (decision double check), so ~2x is by design"
  cp -a $k v_$k
  qemu "$TG/fwtest.elf" v_$k verify ota_0 >verify_$k.out 2>&1 || { echo "70-target: verify $k failed" >&2; cat verify_$k.out >&2; exit 3; }
  one=$(sed -n 's/^fwtest: verify ota_0: ok, insns \([0-9]*\)$/\1/p' verify_$k.out)
  row target "verification: one fwd_ota_verify_partition, $name" "$one" insn "$raw" \
    "$(awk -v a="$one" -v b="$raw" 'BEGIN{printf "%.2fx", a/b}')" "vs raw XTS decrypt + SHA-256 of the image + one $name verify"
  eval "VERIFY_${k}_INS=$one"
  st=$(val "size: static" boot_$k.out) hp=$(val "size: heap_peak" boot_$k.out) sp=$(val "size: stack_peak" boot_$k.out)
  row target "RAM boot ($name): static + heap + stack" "$((st + hp + sp))" bytes - - "static $st + heap peak $hp + stack peak $sp"
  eval "BOOT_${k}_INS=$ins BOOT_${k}_RAW=$raw BOOT_${k}_RAM=$((st + hp + sp))"
done

# ---- OTA: instructions per MiB, RAM ---------------------------------------------------------
qemu "$TG/size-boot.elf" rsa >/dev/null 2>&1
for img in small big; do
  rm -rf o_$img && cp -a rsa o_$img
  qemu "$TG/size-ota.elf" o_$img ota_0 $img.enc >ota_$img.out 2>&1 || { echo "70-target: ota $img failed" >&2; cat ota_$img.out >&2; exit 3; }
done
mib=$(awk -v a="$(stat -c %s big.s.bin)" -v b="$(stat -c %s small.s.bin)" 'BEGIN { printf "%.6f", (a - b) / 1048576 }')
per=$(awk -v a="$(val "size: insns" ota_big.out)" -v b="$(val "size: insns" ota_small.out)" -v m="$mib" 'BEGIN { printf "%d", (a - b) / m }')
raw=$((GCM + XE + XD + SHA))
row target "OTA: instructions per MiB (encrypted image, flash encryption)" "$per" insn/MiB "$raw" \
  "$(awk -v a="$per" -v b="$raw" 'BEGIN{printf "%.2fx", a/b}')" "vs raw GCM + XTS encrypt + XTS decrypt + SHA-256; goal <= 1.15x"
st=$(val "size: static" ota_big.out) hp=$(val "size: heap_peak" ota_big.out) sp=$(val "size: stack_peak" ota_big.out)
OTA_RAM=$((st + hp + sp))
row target "RAM OTA without TLS: static + heap + stack" "$OTA_RAM" bytes 40960 "$(awk -v a="$OTA_RAM" 'BEGIN{printf "%.2fx", a/40960}')" \
  "static $st + heap peak $hp + stack peak $sp; goal <= 40 KiB"
# OTA with TLS 1.2 over the board's UART (tests/e2e/target_tls.sh's setup), RAM
# only (a 32 KiB image: the peak does not depend on the size): the firmware
# polls the UART, so its instruction count would include the waiting.
tls_ram() {
  (
    at_exit() { :; }   # only the CA helpers are used here: no nginx to stop
    . "$root/tests/e2e/_nginx_lib.sh"
    mkdir -p tls && ng_ca "$W/tls" && ng_cert "$W/tls" srv ota.example "DNS:ota.example"
  ) || return 1
  rm -rf o_tls && cp -a rsa o_tls
  qemu "$TG/size-boot.elf" o_tls >/dev/null 2>&1
  rm -f tls/port
  python3 "$root/tests/target/tls_uart_server.py" tls/srv.crt tls/srv.key tiny.enc tls/port 2>tls/srv.err &
  local spid=$! i
  for i in $(seq 100); do [ -s tls/port ] && break; sleep 0.05; done
  timeout 300 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial "tcp:127.0.0.1:$(cat tls/port)" \
    -semihosting-config "enable=on,target=native,arg=x,arg=o_tls,arg=ota_0,arg=tls/ca.crt,arg=ota.example" \
    -kernel "$TG/size-ota-tls.elf" >ota_tls.out 2>&1
  local rc=$?
  kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
  return $rc
}
if tls_ram && grep -q '^size: ota ok$' ota_tls.out; then
  st=$(val "size: static" ota_tls.out) hp=$(val "size: heap_peak" ota_tls.out) sp=$(val "size: stack_peak" ota_tls.out)
  TLS_RAM=$((st + hp + sp))
  row target "RAM OTA with TLS 1.2 over the UART (ECDHE-ECDSA P-256, 16 KiB records): static + heap + stack" "$TLS_RAM" bytes - - \
    "static $st + heap peak $hp + stack peak $sp (heap: TLS record buffers, handshake, CA, RSA unwrap)"
else
  echo "70-target: the TLS OTA did not run: $(tail -2 ota_tls.out 2>/dev/null | tr '\n' ' ')" >&2
  TLS_RAM=0
fi

# confirm after the next boot
qemu "$TG/size-boot.elf" o_big >/dev/null 2>&1
qemu "$TG/size-ota.elf" o_big ota_1 confirm >confirm.out 2>&1 || { echo "70-target: confirm failed" >&2; cat confirm.out >&2; exit 3; }
st=$(val "size: static" confirm.out) hp=$(val "size: heap_peak" confirm.out) sp=$(val "size: stack_peak" confirm.out)
row target "RAM confirm (mark valid, burn secure_version): static + heap + stack" "$((st + hp + sp))" bytes - - "static $st + heap peak $hp + stack peak $sp"
# NVS on the test firmware (its static RAM includes the test harness)
cp -a rsa n
qemu "$TG/fwtest.elf" n nvs-set wifi ssid string home nvs-get wifi ssid >nvs.out 2>&1 || { echo "70-target: nvs failed" >&2; cat nvs.out >&2; exit 3; }
read -r st hp sp < <(sed -n 's/^fwtest: mem static \([0-9]*\) heap_peak \([0-9]*\) heap_live_peak [0-9]* stack_peak \([0-9]*\).*/\1 \2 \3/p' nvs.out)
row target "RAM NVS set+get (test firmware): static + heap + stack" "$((st + hp + sp))" bytes - - "static $st (whole test firmware) + heap peak $hp + stack peak $sp"

# ---- the docs' target block -----------------------------------------------------------------
kib() { awk -v a="$1" 'BEGIN { printf "%.1f KiB", a / 1024 }'; }
block=$(cat <<MD
Measured by \`make bench\` (bench/70-target.sh) on the Cortex-M4 port (MPS2 AN386 under QEMU; mbedTLS 3.6, -Os, --gc-sections, newlib-nano); $(date -u '+%Y-%m-%d'):

| figure | value | goal |
|---|---|---|
$(for b in size-boot size-boot-rsa size-boot-ecdsa; do
  case $b in size-boot) w="every scheme" ;; size-boot-rsa) w="RSA-3072 PSS only" ;; *) w="ECDSA P-256 only" ;; esac
  f=$(sz $b all "text rodata data")
  echo "| boot image flash, $w (fwseal / mbedTLS / libc / port) | $(kib "$f") ($(kib "$(sz $b fwseal "text rodata data")") / $(kib "$(sz $b mbedtls "text rodata data")") / $(kib "$(sz $b libc "text rodata data")") / $(kib "$(sz $b port "text rodata data")")) | <= 32 KiB: $(awk -v a="$f" 'BEGIN{printf "%.2fx", a/32768}') |"
done)
| OTA image flash, without TLS / with TLS 1.2 | $(kib "$FLASH_size_ota") / $(kib "$FLASH_size_ota_tls") | - |
| OTA without TLS, RAM (static + heap + stack) | $(kib "$OTA_RAM") | <= 40 KiB: $(awk -v a="$OTA_RAM" 'BEGIN{printf "%.2fx", a/40960}') |
| OTA with TLS 1.2 over the UART, RAM (static + heap + stack) | $(kib "$TLS_RAM") | - |
| OTA instructions per MiB vs raw mbedTLS | $per vs $raw | <= 1.15x: $(awk -v a="$per" -v b="$raw" 'BEGIN{printf "%.2fx", a/b}') |
| one image verification, RSA-3072 PSS / ECDSA P-256 ($((IMG / 1024)) KiB image, flash encryption) | $VERIFY_rsa_INS / $VERIFY_ec_INS instructions | vs raw mbedTLS: $(awk -v a="$VERIFY_rsa_INS" -v b="$BOOT_rsa_RAW" 'BEGIN{printf "%.2fx", a/b}') / $(awk -v a="$VERIFY_ec_INS" -v b="$BOOT_ec_RAW" 'BEGIN{printf "%.2fx", a/b}') |
| whole boot (the bootloader verifies the chosen image twice), RSA / ECDSA | $BOOT_rsa_INS / $BOOT_ec_INS instructions | vs raw: $(awk -v a="$BOOT_rsa_INS" -v b="$BOOT_rsa_RAW" 'BEGIN{printf "%.2fx", a/b}') / $(awk -v a="$BOOT_ec_INS" -v b="$BOOT_ec_RAW" 'BEGIN{printf "%.2fx", a/b}') |
| boot RAM, RSA / ECDSA (static + heap + stack) | $(kib "$BOOT_rsa_RAM") / $(kib "$BOOT_ec_RAM") | - |
MD
)
for doc in "$root/docs/porting.md" "$root/README.md"; do
  python3 - "$doc" "$block" <<'PY' || echo "70-target: no target block markers in $doc" >&2
import sys
p, block = sys.argv[1], sys.argv[2]
s = open(p).read()
b, e = "<!-- bench:target:begin -->", "<!-- bench:target:end -->"
i, j = s.find(b), s.find(e)
if i < 0 or j < i: sys.exit(1)
open(p, "w").write(s[:i + len(b)] + "\n" + block + "\n" + s[j:])
PY
done
