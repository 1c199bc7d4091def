#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make install-target into a temporary DESTDIR (issue 14): the Cortex-M4
# flavour of the device library installs like a library. The archives are
# Arm (Thumb, EABI) objects; the public headers, the port's headers and the
# mbedTLS 3.6 headers with the port's configuration as mbedtls_config.h are
# in place; every installed fwseal header compiles alone with
# arm-none-eabi-gcc and only pkg-config's cflags; a tiny firmware
# (tests/install/target_probe.c) links against the install with
# `pkg-config --cflags --libs fwseal-an386` alone and boots a signed image
# on QEMU's MPS2 AN386, and linked with the installed RSA-only scheme table
# object (fwseal/fwd_sig_table_rsa.o, docs/porting.md 9.7) it still boots
# the RSA image, while the ECDSA P-256-only table refuses it; uninstall-target
# removes everything.
. "$(dirname "$0")/lib.sh"
D=$T/root P=/opt/fw
command -v arm-none-eabi-gcc >/dev/null || { fail "arm-none-eabi-gcc missing (make deps)"; exit 1; }
make -C "$FWSEAL_ROOT" --no-print-directory -s install-target BUILD="$FWSEAL_BUILD" DESTDIR="$D" PREFIX="$P" >"$T/install.log" 2>&1
check "make install-target DESTDIR=... PREFIX=$P" test $? -eq 0
L=$D$P/arm-none-eabi/lib I=$D$P/arm-none-eabi/include
ver=$(grep -o '"[0-9]*\.[0-9]*\.[0-9]*"' "$FWSEAL_ROOT/common/fw_version.h" | tr -d '"')
for a in libfwseal-device.a libmbedcrypto.a libfwseal-an386.a fwseal-an386.ld pkgconfig/fwseal-device-target.pc pkgconfig/fwseal-an386.pc \
         fwseal/fwd_sig_table_rsa.o fwseal/fwd_sig_table_ecdsa_p256.o; do
  check "$a installed" test -f "$L/$a"
done
arm-none-eabi-readelf -h "$L/libfwseal-device.a" 2>/dev/null | grep -m1 'Machine:' >"$T/.out"
expect_stdout 'ARM' "libfwseal-device.a holds Arm objects"
arm-none-eabi-readelf -A "$L/libfwseal-device.a" 2>/dev/null | grep -m1 'Tag_CPU_arch:' >"$T/.out"
expect_stdout 'v7E-M' "  built for Armv7E-M (Cortex-M4)"
check "mbedtls_config.h is the port's configuration" cmp -s "$I/mbedtls/mbedtls_config.h" "$FWSEAL_ROOT/device/port/mps2-an386/mbedtls_target_config.h"
grep -q 'define MBEDTLS_VERSION_STRING *"3\.6\.' "$I/mbedtls/build_info.h"
check "the mbedTLS headers are 3.6" test $? -eq 0

export PKG_CONFIG_LIBDIR=$L/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D PKG_CONFIG_PATH=
expect_exit 0 "pkg-config finds fwseal-device-target $ver" pkg-config --exact-version="$ver" fwseal-device-target
expect_exit 0 "pkg-config finds fwseal-an386 $ver" pkg-config --exact-version="$ver" fwseal-an386
CF=$(pkg-config --cflags fwseal-an386)
case "$CF" in *"$FWSEAL_ROOT"*) fail "cflags mention the repo: $CF" ;; *) ok "cflags do not mention the repo" ;; esac
bad=""
for h in $(cd "$I/fwseal" && find . -name '*.h' | sed 's|^\./||' | sort); do
  printf '#include <fwseal/%s>\n' "$h" >"$T/alone.c"
  arm-none-eabi-gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only $CF "$T/alone.c" 2>>"$T/alone.err" || bad="$bad $h"
done
check "every installed fwseal header compiles alone for the target (-Wpedantic)${bad:+ (failed:$bad)}" test -z "$bad"

expect_exit 0 "target_probe.c links with arm-none-eabi-gcc \$(pkg-config --cflags --libs fwseal-an386)" \
  arm-none-eabi-gcc -std=c11 -Os -Wall -Wextra -Werror "$FWSEAL_ROOT/tests/install/target_probe.c" \
  $(pkg-config --cflags --libs fwseal-an386) -o "$T/probe.elf"
for t in rsa ecdsa_p256; do
  expect_exit 0 "target_probe.c links with the installed fwseal/fwd_sig_table_$t.o ahead of the library" \
    arm-none-eabi-gcc -std=c11 -Os -Wall -Wextra -Werror "$FWSEAL_ROOT/tests/install/target_probe.c" "$L/fwseal/fwd_sig_table_$t.o" \
    $(pkg-config --cflags --libs fwseal-an386) -o "$T/probe_$t.elf"
done
sz() { arm-none-eabi-size -A "$1" | awk '$1 == ".text" || $1 == ".rodata" || $1 == ".data" { s += $2 } END { print s + 0 }'; }
check "the RSA-only probe is smaller than the all-schemes probe ($(sz "$T/probe_rsa.elf") vs $(sz "$T/probe.elf") bytes)" \
  test "$(sz "$T/probe_rsa.elf")" -lt "$(sz "$T/probe.elf")"

if command -v qemu-system-arm >/dev/null; then
  cd "$T" || exit 3
  $FWSEAL keygen rsa3072 -o sb.pem --pub sb_pub.pem >/dev/null &&
    $FWSEAL mkimage --chip esp32c3 --version 7.0.1 --secure-version 1 --project probe --size 48K -o app.bin >/dev/null &&
    $FWSEAL sign --key sb.pem app.bin -o app.s.bin >/dev/null &&
    $FWDEV init dev --partitions "$V/partition_table/partitions_two_ota.csv" --secure-boot-key sb_pub.pem >/dev/null &&
    $FWDEV flash dev --partition ota_0 app.s.bin >/dev/null
  check "a device with a signed image in ota_0" test $? -eq 0
  timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native,arg=probe,arg=dev -kernel probe.elf >probe.out 2>&1
  check "the probe firmware runs on QEMU's MPS2 AN386 and exits 0" test $? -eq 0
  cp probe.out "$T/.out"
  expect_stdout "^library $ver$" "  reports the installed library version"
  expect_stdout "^booted ota_0: version 7\.0\.1, secure_version 1$" "  the installed library's bootloader verified and booted the image"
  timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native,arg=probe,arg=dev -kernel probe_rsa.elf >probe_rsa.out 2>&1
  check "the RSA-only probe exits 0" test $? -eq 0
  cp probe_rsa.out "$T/.out"
  expect_stdout "^booted ota_0: version 7\.0\.1, secure_version 1$" "  the RSA-only scheme table boots the RSA-signed image"
  timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native,arg=probe,arg=dev -kernel probe_ecdsa_p256.elf >probe_ec.out 2>&1
  check "the ECDSA P-256-only probe refuses the RSA-signed image (exit 1)" test $? -eq 1
  cp probe_ec.out "$T/.out"
  expect_stdout "^no boot: " "  and boots nothing"
else
  fail "qemu-system-arm missing (make deps)"
fi

make -C "$FWSEAL_ROOT" --no-print-directory -s uninstall-target BUILD="$FWSEAL_BUILD" DESTDIR="$D" PREFIX="$P" >>"$T/install.log" 2>&1
left=$(find "$D" -type f | head -5 | tr '\n' ' ')
check "uninstall-target removes every installed file${left:+ (left: $left)}" test -z "$left"
