#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages fwseal needs, only when one is missing.
#   scripts/deps.sh        the full set: `make deps` (make test, bench, fuzz)
#   scripts/deps.sh demo   only what `make demo` needs to build and run
set -euo pipefail

# make demo: build both CLIs, run the story with OpenSSL, nginx and python3.
DEMO_PKGS=(
  gcc make libc6-dev          # toolchain
  libssl-dev openssl          # host side: OpenSSL 3 EVP; the demo's CA and TLS certificate
  libmbedtls-dev              # device side: mbedTLS 2.28
  nginx-light                 # the demo's HTTPS update server
  python3                     # demo summaries
)
# make test / bench / fuzz on top of that.
TEST_PKGS=(
  libcmocka-dev               # unit tests
  xxd                         # test helpers
  clang libclang-rt-14-dev    # libFuzzer harnesses
  valgrind                    # bench: callgrind instruction counts
  gcc-arm-none-eabi libnewlib-arm-none-eabi  # bench: device code size for Cortex-M4 (newlib: string.h, stdio.h)
  qemu-system-arm             # make target-test: the Cortex-M4 firmware on the MPS2 AN386 board (semihosting)
  time                        # bench: peak RSS (/usr/bin/time -v)
  man-db groff-base           # install test: man -l on the generated pages
  dpkg-dev                    # mbedTLS 3.6 flavour: `apt-get source` unpacks with dpkg-source
  libp11-kit-dev              # PKCS#11 C API header (<p11-kit/pkcs11.h>) for --key pkcs11:
  softhsm2 opensc             # PKCS#11 tests: a software token (SoftHSM2) and pkcs11-tool to make keys in it
)

case "${1:-all}" in
  demo) PKGS=("${DEMO_PKGS[@]}") ;;
  all) PKGS=("${DEMO_PKGS[@]}" "${TEST_PKGS[@]}") ;;
  --list-demo) printf '%s\n' "${DEMO_PKGS[@]}"; exit 0 ;;
  --list) printf '%s\n' "${DEMO_PKGS[@]}" "${TEST_PKGS[@]}"; exit 0 ;;
  *) echo "usage: scripts/deps.sh [demo|all|--list|--list-demo]" >&2; exit 2 ;;
esac

# make test also builds the device library against mbedTLS 3.6 LTS, from the
# source package of Debian 13 "trixie" (scripts/mbedtls36.sh runs
# `apt-get source mbedtls/trixie` and builds only the static libraries into
# build/). Only a deb-src entry is added: apt never sees a trixie binary
# package, so nothing from trixie can ever be installed on this system.
TRIXIE_SRC_FILE=/etc/apt/sources.list.d/fwseal-trixie-src.sources
# shellcheck disable=SC2016 # the backquotes are text of the file's comment
TRIXIE_SRC='# fwseal (scripts/deps.sh): source packages only, for `apt-get source mbedtls/trixie`
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
need_src=0
if [ "${1:-all}" = all ]; then
  [ "$(cat "$TRIXIE_SRC_FILE" 2>/dev/null)" = "$TRIXIE_SRC" ] || need_src=1
  apt-cache showsrc mbedtls 2>/dev/null | grep -q '^Version: 3\.6\.' || need_src=1
fi
[ ${#missing[@]} -eq 0 ] && [ "$need_src" -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install: ${missing[*]}$([ "$need_src" -eq 1 ] && echo " (and to add $TRIXIE_SRC_FILE)")" >&2; exit 3; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
if [ "$need_src" -eq 1 ]; then
  echo "deps: adding $TRIXIE_SRC_FILE (deb-src only: mbedTLS 3.6 source)"
  printf '%s\n' "$TRIXIE_SRC" | $SUDO tee "$TRIXIE_SRC_FILE" >/dev/null
fi
$SUDO apt-get update -qq
if [ "$need_src" -eq 1 ] && ! apt-cache showsrc mbedtls 2>/dev/null | grep -q '^Version: 3\.6\.'; then
  echo "deps: trixie's mbedtls 3.6 source package is not visible to apt after apt-get update" >&2; exit 3
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# nginx's package starts a system instance; the tests start their own on a high port.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop nginx >/dev/null 2>&1 || true; fi
$SUDO service nginx stop >/dev/null 2>&1 || true
echo "deps: done"
