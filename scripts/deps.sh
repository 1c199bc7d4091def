#!/usr/bin/env bash
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
  time                        # bench: peak RSS (/usr/bin/time -v)
  man-db groff-base           # install test: man -l on the generated pages
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
