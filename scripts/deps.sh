#!/usr/bin/env bash
# Installs the Debian packages fwseal needs, only when one is missing.
# Called by `make deps`, which `make test`, `make demo` and `make bench` depend on.
set -euo pipefail

PKGS=(
  gcc make libc6-dev          # toolchain
  libssl-dev openssl          # host side: OpenSSL 3 EVP, and the openssl CLI the tests use
  libmbedtls-dev              # device side: mbedTLS 2.28
  libcmocka-dev               # unit tests
  xxd python3                 # test helpers
  nginx-light                 # real HTTPS server for the OTA tests
  clang libclang-rt-14-dev    # libFuzzer harnesses
  valgrind                    # bench: callgrind instruction counts
  gcc-arm-none-eabi libnewlib-arm-none-eabi  # bench: device code size for Cortex-M4 (newlib: string.h, stdio.h)
  time                        # bench: peak RSS (/usr/bin/time -v)
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 3; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# nginx's package starts a system instance; the tests start their own on a high port.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop nginx >/dev/null 2>&1 || true; fi
$SUDO service nginx stop >/dev/null 2>&1 || true
echo "deps: done"
