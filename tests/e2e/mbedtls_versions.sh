#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# issue 13 §1: the device side builds and runs on mbedTLS 2.28 (the default
# build, Debian 12's libmbedtls-dev) and on mbedTLS 3.6 LTS (build/mbed36,
# against scripts/mbedtls36.sh's build of Debian 13's source package). This
# proves each flavour really uses the mbedTLS it claims, so the unit36/ and
# e2e36/ results of `make test` are results on 3.6:
#   - tools/mbedtls_version (compiled and linked like the device code) prints
#     the header's and the library's version: 2.28.x / 3.6.x;
#   - the 3.6 fwseal-device contains a function that exists only in 3.6 and
#     links no shared libmbed* (no 2.28 slipped in at link or run time); the
#     default one links Debian's shared 2.28 libraries;
#   - device/fwd_mbedtls_compat.h is the only file that tests the version.
# FWSEAL_BUILD36 (set by make test) names the 3.6 build, default
# $FWSEAL_BUILD/mbed36 (make mbed36).
. "$(dirname "$0")/lib.sh"
B36=${FWSEAL_BUILD36:-$FWSEAL_BUILD/mbed36}

version_is() {   # version_is TOOL-DIR MAJOR.MINOR NAME
  local out
  out=$("$1/tools/mbedtls_version" 2>&1) || { fail "$3" "mbedtls_version failed: $out"; return; }
  if printf '%s\n' "$out" | grep -qx "header $2\.[0-9]*" && printf '%s\n' "$out" | grep -qx "library $2\.[0-9]*"; then
    ok "$3"
  else
    fail "$3" "$(printf '%s' "$out" | tr '\n' ' ')"
  fi
}

version_is "$FWSEAL_BUILD" 2.28 "default build: mbedTLS 2.28 headers and library"
if [ ! -x "$B36/bin/fwseal-device" ] || [ ! -x "$B36/tools/mbedtls_version" ]; then
  fail "3.6 build present" "$B36 not built: run 'make mbed36'"
  exit 1
fi
version_is "$B36" 3.6 "mbed36 build: mbedTLS 3.6 headers and library"

# mbedtls_ecp_write_public_key appeared in 3.6; the compat layer calls it on 3.x.
if nm "$B36/bin/fwseal-device" | grep -q ' T mbedtls_ecp_write_public_key$'; then
  ok "3.6 fwseal-device contains 3.6 code"
else
  fail "3.6 fwseal-device contains 3.6 code"
fi
if ldd "$B36/bin/fwseal-device" | grep -q 'libmbed'; then
  fail "3.6 fwseal-device links no shared mbedTLS" "$(ldd "$B36/bin/fwseal-device" | grep libmbed | tr '\n' ' ')"
else
  ok "3.6 fwseal-device links no shared mbedTLS"
fi
if ldd "$FWSEAL_BUILD/bin/fwseal-device" | grep -q 'libmbedcrypto\.so\.7'; then
  ok "default fwseal-device links Debian's mbedTLS 2.28"
else
  fail "default fwseal-device links Debian's mbedTLS 2.28" "$(ldd "$FWSEAL_BUILD/bin/fwseal-device" | tr '\n' ' ')"
fi

# One compatibility header: no other device/boot file tests the version.
others=$(cd "$FWSEAL_ROOT" && grep -rlE 'MBEDTLS_VERSION_NUMBER|FWD_MBEDTLS_3' device boot common \
         | grep -v '^device/fwd_mbedtls_compat\.h$' || true)
if [ -z "$others" ]; then ok "version tests only in device/fwd_mbedtls_compat.h"; else fail "version tests only in device/fwd_mbedtls_compat.h" "$others"; fi

# The trixie entry scripts/deps.sh adds is source-only: apt knows no trixie
# binary package, so nothing from Debian 13 can be installed through it.
SRCFILE=/etc/apt/sources.list.d/fwseal-trixie-src.sources
if [ ! -f "$SRCFILE" ]; then
  fail "trixie deb-src entry present" "$SRCFILE missing: run 'make deps'"
else
  if [ "$(sed -n 's/^Types:[[:space:]]*//p' "$SRCFILE")" = deb-src ]; then ok "trixie entry is deb-src only"; else fail "trixie entry is deb-src only" "$(cat "$SRCFILE")"; fi
  if apt-cache policy 2>/dev/null | grep -q 'trixie'; then
    fail "no trixie binary package index" "$(apt-cache policy | grep trixie | head -3)"
  else
    ok "no trixie binary package index"
  fi
  if apt-cache madison libmbedtls-dev 2>/dev/null | grep -q 'trixie.*Packages'; then
    fail "libmbedtls-dev only from bookworm"
  else
    ok "libmbedtls-dev only from bookworm"
  fi
fi

# The compat header is for the files that call mbedTLS directly: in device/
# and boot/ only the crypto backend and the TLS client include it.
users=$(cd "$FWSEAL_ROOT" && grep -rlE '#[[:space:]]*include[[:space:]]*"device/fwd_mbedtls_compat\.h"' device boot common | sort | tr '\n' ' ')
if [ "$users" = "device/fwd_crypto_mbedtls.c device/fwd_tls.c " ]; then
  ok "compat header included only by the crypto backend and the TLS client"
else
  fail "compat header included only by the crypto backend and the TLS client" "$users"
fi
