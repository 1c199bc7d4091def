#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds mbedTLS 3.6 LTS for the device library's second flavour, once.
#   scripts/mbedtls36.sh OUTDIR        (the Makefile passes build/mbedtls-3.6)
#   scripts/mbedtls36.sh OUTDIR "-DNAME=VALUE ..."
#                                      the same with configuration macros added
#                                      to the compile (build/mbedtls-3.6-small:
#                                      a 4 KiB TLS input buffer, for make bench)
#
# The source is Debian 13 "trixie"'s mbedtls source package, fetched with
# `apt-get source mbedtls/trixie` (scripts/deps.sh adds the deb-src entry;
# nothing else from trixie is visible to apt). Only the three static
# libraries are built (-O2, mbedTLS's default configuration: it already has
# every option the device code needs, see docs/porting.md); no programs, no
# tests. Result:
#   OUTDIR/include/{mbedtls,psa}/   OUTDIR/lib/libmbed{crypto,x509,tls}.a
#   OUTDIR/stamp                    the Debian source version built
#   OUTDIR/src/mbedtls-3.6.*/       the unpacked source, kept: the Cortex-M4
#                                   build (scripts/mbedtls-target.sh) compiles
#                                   its modules from it instead of fetching twice
# A second run with the stamp present does nothing. The fetched source lives
# in OUTDIR/src (under build/, which git ignores) and is never committed.
set -euo pipefail

out=${1:?usage: scripts/mbedtls36.sh OUTDIR [EXTRA-CFLAGS]}
extra=${2:-}
stamp=$out/stamp
if [ -f "$stamp" ] && [ -f "$out/lib/libmbedcrypto.a" ] && [ -f "$out/lib/libmbedx509.a" ] \
   && [ -f "$out/lib/libmbedtls.a" ] && [ -f "$out/include/mbedtls/version.h" ] \
   && compgen -G "$out/src/mbedtls-3.6.*/library/version.c" >/dev/null; then
  exit 0
fi

die() { echo "mbedtls36: $*" >&2; exit 3; }
command -v apt-get >/dev/null || die "apt-get not found (the 3.6 flavour needs Debian's source package)"
command -v dpkg-source >/dev/null || die "dpkg-source not found: run 'make deps' (package dpkg-dev)"
ver=$(apt-cache showsrc mbedtls 2>/dev/null | sed -n 's/^Version: \(3\.6\..*\)$/\1/p' | sort -V | tail -1)
[ -n "$ver" ] || die "no mbedtls 3.6 source package visible to apt: run 'make deps' (adds the trixie deb-src entry)"

src=$out/src
rm -rf "$src" "${out:?}/include" "${out:?}/lib" "$stamp"
mkdir -p "$src" "$out/include" "$out/lib"
echo "mbedtls36: fetching mbedtls $ver source (apt-get source, Debian 13 trixie)"
( cd "$src" && apt-get source -qq "mbedtls=$ver" ) >"$out/fetch.log" 2>&1 \
  || { cat "$out/fetch.log" >&2; die "apt-get source mbedtls=$ver failed"; }
tree=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'mbedtls-3.6.*' | head -1)
if [ -z "$tree" ] || [ ! -f "$tree/library/Makefile" ]; then die "unpacked source not found under $src"; fi

# Under make (the Makefile's recipe is a "+" line) share its job slots;
# alone, use every core.
jobs=(-j"$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)")
case "${MAKEFLAGS:-}" in *jobserver*) jobs=() ;; esac
echo "mbedtls36: building libmbedcrypto.a libmbedx509.a libmbedtls.a (-O2, default config)"
# CFLAGS replaces mbedTLS's own default (-O2); its Makefile adds the include
# paths and warnings itself. GEN_FILES stays empty: the release's generated
# sources are used as shipped.
make -C "$tree/library" "${jobs[@]}" CC="${CC:-cc}" CFLAGS="-O2${extra:+ $extra}" GEN_FILES= \
  libmbedcrypto.a libmbedx509.a libmbedtls.a >"$out/build.log" 2>&1 \
  || { tail -30 "$out/build.log" >&2; die "library build failed (log: $out/build.log)"; }

cp -R "$tree/include/mbedtls" "$tree/include/psa" "$out/include/"
cp "$tree/library/libmbedcrypto.a" "$tree/library/libmbedx509.a" "$tree/library/libmbedtls.a" "$out/lib/"
# The source tree stays (the target build reads it); its host objects go.
find "$tree" -name '*.o' -delete
echo "$ver${extra:+ $extra}" >"$stamp"
touch "$out"/lib/*.a   # newer than the stamp: make relinks against them once, then is quiet
echo "mbedtls36: mbedtls $ver ready in $out"
